from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from pipeline.batches import register_batches
from pipeline.config import (DEFAULT_BATCH_MAX_BYTES, DEFAULT_BATCH_MAX_FILES, DEFAULT_BATCH_MAX_URLS,
                             DEFAULT_DOCUMENT_TIMEOUT_S,
                             DEFAULT_FETCH_LIST_DEADLINE_S, DEFAULT_FETCH_URL_DEADLINE_S, DEFAULT_SETTLE_S,
                             settings_from_env)
from pipeline.fetch import FetchPolicy
from warehouse.store import Warehouse


class WebfactsSettings(ConfigurableResource):
    """Where to read, where to publish, which model. Defaults come from WEBFACTS_* variables."""

    inbox: str
    warehouse: str  # a DuckDB file, or ducklake:<catalog> (pipeline.config.resolve_warehouse)
    ducklake_data_path: str = ""  # DuckLake's data files; default: <catalog>.files beside a local catalog
    batch_ledger: str = ""  # default: beside the warehouse file or local catalog
    spacy_model: str = ""
    max_bytes: int
    near_dup_threshold: float
    # 0: both cores when the worker pool already runs or a batch is large enough to pay for starting it
    nlp_processes: int = 0
    fetch_timeout_s: float = 10.0
    fetch_retries: int = 3
    fetch_per_host_delay_s: float = 1.0
    batch_max_files: int = DEFAULT_BATCH_MAX_FILES
    batch_max_bytes: int = DEFAULT_BATCH_MAX_BYTES
    batch_max_urls: int = DEFAULT_BATCH_MAX_URLS
    allow_outside_symlinks: bool = False
    fetch_allow: list[str] = []
    fetch_url_deadline_s: float = DEFAULT_FETCH_URL_DEADLINE_S
    fetch_list_deadline_s: float = DEFAULT_FETCH_LIST_DEADLINE_S
    document_timeout_s: float = DEFAULT_DOCUMENT_TIMEOUT_S
    settle_s: float = DEFAULT_SETTLE_S

    @classmethod
    def from_env(cls, **overrides) -> "WebfactsSettings":
        s = settings_from_env()
        fields = dict(inbox=str(s.inbox), warehouse=str(s.warehouse), spacy_model=s.spacy_model or "",
                      max_bytes=s.max_bytes, near_dup_threshold=s.near_dup_threshold,
                      fetch_timeout_s=s.fetch_timeout_s, fetch_per_host_delay_s=s.fetch_per_host_delay_s,
                      ducklake_data_path=s.ducklake_data_path, batch_ledger=s.ledger,
                      batch_max_files=s.batch_max_files, batch_max_bytes=s.batch_max_bytes,
                      batch_max_urls=s.batch_max_urls,
                      allow_outside_symlinks=s.allow_outside_symlinks, fetch_allow=list(s.fetch_allow),
                      fetch_url_deadline_s=s.fetch_url_deadline_s, fetch_list_deadline_s=s.fetch_list_deadline_s,
                      document_timeout_s=s.document_timeout_s, settle_s=s.settle_s)
        return cls(**(fields | overrides))

    @property
    def inbox_path(self) -> Path:
        return Path(self.inbox)

    @property
    def store(self) -> Warehouse:
        return Warehouse(self.warehouse, self.ducklake_data_path)

    @property
    def ledger(self) -> Path:
        return self.store.ledger(self.batch_ledger)

    def register_batches(self) -> list[str]:
        """New or changed inbox files as bounded batches (pipeline/batches.py); their ids, in run order."""
        return register_batches(self.ledger, self.inbox_path, self.store.exists(),
                                self.batch_max_files, self.batch_max_bytes, self.settle_s,
                                max_urls=self.batch_max_urls)

    def fetch_policy(self) -> FetchPolicy:
        return FetchPolicy(timeout_s=self.fetch_timeout_s, max_bytes=self.max_bytes, retries=self.fetch_retries,
                           per_host_delay_s=self.fetch_per_host_delay_s, url_deadline_s=self.fetch_url_deadline_s,
                           list_deadline_s=self.fetch_list_deadline_s, allow=tuple(self.fetch_allow))
