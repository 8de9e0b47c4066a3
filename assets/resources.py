from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from pipeline.batches import ledger_path
from pipeline.config import settings_from_env
from pipeline.fetch import FetchPolicy


class WebfactsSettings(ConfigurableResource):
    """Where to read, where to publish, which model. Defaults come from WEBFACTS_* variables."""

    inbox: str
    warehouse: str
    spacy_model: str = ""
    max_bytes: int
    near_dup_threshold: float
    # 0: both cores when the worker pool already runs or a batch is large enough to pay for starting it
    nlp_processes: int = 0
    fetch_timeout_s: float = 10.0
    fetch_retries: int = 3
    fetch_per_host_delay_s: float = 1.0

    @classmethod
    def from_env(cls, **overrides) -> "WebfactsSettings":
        s = settings_from_env()
        fields = dict(inbox=str(s.inbox), warehouse=str(s.warehouse), spacy_model=s.spacy_model or "",
                      max_bytes=s.max_bytes, near_dup_threshold=s.near_dup_threshold,
                      fetch_timeout_s=s.fetch_timeout_s, fetch_per_host_delay_s=s.fetch_per_host_delay_s)
        return cls(**(fields | overrides))

    @property
    def inbox_path(self) -> Path:
        return Path(self.inbox)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)

    @property
    def ledger(self) -> Path:
        return ledger_path(self.warehouse_path)

    def fetch_policy(self) -> FetchPolicy:
        return FetchPolicy(timeout_s=self.fetch_timeout_s, max_bytes=self.max_bytes, retries=self.fetch_retries,
                           per_host_delay_s=self.fetch_per_host_delay_s)
