"""The BBC articles of the real-news gold sets: drawn at random with a fixed seed, never chosen by hand.

    .venv/bin/python bench/bbc_sample.py            # prints topic/NNN.txt, one a line

8 articles from each of the five topics (40 in all), from ../shared/datasets/bbc-news. The same 40 carry both
gold sets (bench/gold/bbc_entities.yaml and bench/gold/bbc_facts.yaml); the texts stay in ../shared.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path
from locations import DATASETS  # noqa: E402  (bench/ is on sys.path: run as bench/<script>.py)

BBC = DATASETS / "bbc-news"
TOPICS = ("business", "entertainment", "politics", "sport", "tech")
PER_TOPIC = 8
SEED = 20261129


def sample(root: Path = BBC, per_topic: int = PER_TOPIC, seed: int = SEED) -> list[str]:
    rng = random.Random(seed)
    chosen = []
    for topic in TOPICS:
        files = sorted(p.name for p in (root / topic).glob("*.txt"))
        chosen += [f"{topic}/{name}" for name in sorted(rng.sample(files, per_topic))]
    return chosen


if __name__ == "__main__":
    if not BBC.is_dir():
        sys.exit(f"{BBC} is absent (../shared not beside the repo)")
    print("\n".join(sample()))
