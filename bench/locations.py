"""Where bench/ finds its data and which spaCy model it runs, for every script here.

The datasets are read-only, in ../shared/datasets beside the repository (bench/README.md says where each comes
from); the model is the pipeline's own setting (WEBFACTS_SPACY_MODEL, else the first English model installed),
so an evaluation measures what `webfacts run` would use.
"""
from __future__ import annotations

import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SHARED = REPO_ROOT.parent / "shared"
DATASETS = SHARED / "datasets"


def spacy_model() -> str:
    """The spaCy model name the pipeline resolves from its settings."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from pipeline.config import settings_from_env
    from pipeline.nlp import resolve_model_name

    return resolve_model_name(settings_from_env().spacy_model or None)
