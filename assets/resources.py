from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from pipeline.config import settings_from_env


class WebfactsSettings(ConfigurableResource):
    """Where to read, where to publish, which model. Defaults come from WEBFACTS_* variables."""

    inbox: str
    warehouse: str
    spacy_model: str = ""
    max_bytes: int
    near_dup_threshold: float
    nlp_processes: int = 1

    @classmethod
    def from_env(cls, **overrides: str) -> "WebfactsSettings":
        s = settings_from_env()
        fields = dict(inbox=str(s.inbox), warehouse=str(s.warehouse), spacy_model=s.spacy_model or "",
                      max_bytes=s.max_bytes, near_dup_threshold=s.near_dup_threshold)
        return cls(**(fields | overrides))

    @property
    def inbox_path(self) -> Path:
        return Path(self.inbox)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)
