"""What a worker of the run's pool (pipeline/workers.py) loads before its first task.

Kept apart from the steps so that the parent, which only names this function when it starts the pool, does not
import spaCy or trafilatura before the workers are spawned.
"""
from __future__ import annotations

import os


def load_document_steps(model: str | None) -> int:
    """Import the cleaning and extraction steps (trafilatura, lxml, py3langid, the rules) and load the spaCy
    model; returns the worker's pid."""
    import pipeline.clean  # noqa: F401
    import pipeline.extract  # noqa: F401
    from pipeline.nlp import load_nlp

    load_nlp(model or None)
    return os.getpid()
