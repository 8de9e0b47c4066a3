from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from pipeline.batches import ledger_path
from pipeline.config import settings_from_env
from pipeline.fetch import FetchPolicy
from warehouse.store import Warehouse, WarehouseConfigError


class WebfactsSettings(ConfigurableResource):
    """Where to read, where to publish, which model. Defaults come from WEBFACTS_* variables."""

    inbox: str
    warehouse: str  # a DuckDB file, or ducklake:<catalog> (pipeline.config.resolve_warehouse)
    ducklake_data_path: str = ""  # DuckLake's data files; default: <catalog>.files beside a local catalog
    batch_ledger: str = ""  # default: beside the warehouse file or local catalog
    spacy_model: str = ""
    max_bytes: int
    near_dup_threshold: float
    nlp_processes: int = 0  # 0: both cores when a batch is large enough to pay for the process start
    fetch_timeout_s: float = 10.0
    fetch_retries: int = 3
    fetch_per_host_delay_s: float = 1.0

    @classmethod
    def from_env(cls, **overrides) -> "WebfactsSettings":
        s = settings_from_env()
        fields = dict(inbox=str(s.inbox), warehouse=str(s.warehouse), spacy_model=s.spacy_model or "",
                      max_bytes=s.max_bytes, near_dup_threshold=s.near_dup_threshold,
                      fetch_timeout_s=s.fetch_timeout_s, fetch_per_host_delay_s=s.fetch_per_host_delay_s,
                      ducklake_data_path=s.ducklake_data_path, batch_ledger=s.ledger)
        return cls(**(fields | overrides))

    @property
    def inbox_path(self) -> Path:
        return Path(self.inbox)

    @property
    def store(self) -> Warehouse:
        return Warehouse(self.warehouse, self.ducklake_data_path)

    @property
    def ledger(self) -> Path:
        if self.batch_ledger:
            return Path(self.batch_ledger)
        if self.store.local_file is None:
            raise WarehouseConfigError(f"set WEBFACTS_LEDGER to a local file for the batch ledger: the catalog "
                                       f"of {self.warehouse} is a server, with no folder to keep it beside")
        return ledger_path(self.store.local_file)

    def fetch_policy(self) -> FetchPolicy:
        return FetchPolicy(timeout_s=self.fetch_timeout_s, max_bytes=self.max_bytes, retries=self.fetch_retries,
                           per_host_delay_s=self.fetch_per_host_delay_s)
