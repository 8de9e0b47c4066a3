"""A blind check of the BBC fact gold: articles nobody developing the rules has run or read.

    .venv/bin/python bench/bbc_blind_sample.py      # prints topic/NNN.txt, one a line

The 40 articles of bench/bbc_sample.py have been read while rules were written since their gold was made,
so their figure is no longer blind. This draws 4 articles a topic (20 in all, seed 20261130) from the rest
of ../shared/datasets/bbc-news, leaving out the 40 and every article listed in bench/gold/dev_read.txt (the
development runs and reads up to the draw). Their gold, bench/gold/bbc_facts_blind.yaml, was written
before any output on them was looked at, by bench/gold/GUIDELINES.md. Articles read after the draw are listed
in bench/gold/dev_read_after_draw.txt (never among the 20, which development scripts leave out); dev_read.txt
stays as it was at the draw, so that the draw can be repeated, and a new blind draw must leave out both. The
blind entity draw (bench/bbc_blind_entities_sample.py) froze dev_read_after_draw.txt in turn; reads after it are
in bench/gold/dev_read_after_entity_draw.txt.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

from bbc_sample import BBC, TOPICS, sample

BENCH = Path(__file__).resolve().parent
PER_TOPIC = 4
SEED = 20261130


def development_reads(listing: str = "dev_read.txt") -> set[str]:
    lines = (BENCH / "gold" / listing).read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def blind_sample(root: Path = BBC, per_topic: int = PER_TOPIC, seed: int = SEED,
                 also_excluded: frozenset[str] = frozenset()) -> list[str]:
    excluded = set(sample(root)) | development_reads() | also_excluded
    rng = random.Random(seed)
    chosen = []
    for topic in TOPICS:
        files = sorted(f"{topic}/{p.name}" for p in (root / topic).glob("*.txt"))
        chosen += sorted(rng.sample([f for f in files if f not in excluded], per_topic))
    return chosen


if __name__ == "__main__":
    if not BBC.is_dir():
        sys.exit(f"{BBC} is absent (../shared not beside the repo)")
    print("\n".join(blind_sample()))
