"""A blind check of the BBC entity gold: articles nobody developing the rules has run or read.

    .venv/bin/python bench/bbc_blind_entities_sample.py      # prints topic/NNN.txt, one a line

The 40 articles of bench/bbc_sample.py carry the development entity gold (bench/gold/bbc_entities.yaml), read
while rules were written, so its figure is no longer blind. This draws 4 articles a topic (20 in all, seed
20261201) from the rest of ../shared/datasets/bbc-news, leaving out the 40, the 20 of the blind fact gold
(bench/bbc_blind_sample.py), and every article listed in bench/gold/dev_read.txt and
bench/gold/dev_read_after_draw.txt (the development runs and reads up to this draw). Their gold,
bench/gold/bbc_entities_blind.yaml, was written before any output on them was looked at, by
bench/gold/GUIDELINES.md. Development must leave these 20 out too: never run, read or list them while writing rules.
dev_read_after_draw.txt stays as it was at this draw, so that the draw can be repeated; articles read after it
are listed in bench/gold/dev_read_after_entity_draw.txt, which a later blind draw must leave out as well.
"""
from __future__ import annotations

import sys
from pathlib import Path

from bbc_blind_sample import blind_sample, development_reads
from bbc_sample import BBC

PER_TOPIC = 4
SEED = 20261201


def blind_entities_sample(root: Path = BBC, per_topic: int = PER_TOPIC, seed: int = SEED) -> list[str]:
    excluded = set(blind_sample(root)) | development_reads("dev_read_after_draw.txt")
    return blind_sample(root, per_topic, seed, frozenset(excluded))


if __name__ == "__main__":
    if not BBC.is_dir():
        sys.exit(f"{BBC} is absent (../shared not beside the repo)")
    print("\n".join(blind_entities_sample()))
