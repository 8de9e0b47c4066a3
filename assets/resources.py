"""The Dagster resources: the run's settings, and the published warehouse as batch steps read it."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from dagster import ConfigurableResource

from pipeline.batches import Ledger, register_batches
from pipeline.config import SETTINGS, Settings, settings_from_env
from pipeline.fetch import FetchPolicy
from warehouse.published import PublishedState
from warehouse.store import Warehouse


class WebfactsSettings(ConfigurableResource):
    """Where to read, where to publish, which model, the limits: one field per setting of pipeline.config.SETTINGS
    (declared there, with its WEBFACTS_* variable and default), shown and editable in the launchpad."""

    __annotations__ = {s.name: s.type if s.type is not list else list[str] for s in SETTINGS}
    locals().update({s.name: list(s.default) if s.type is list else s.default for s in SETTINGS})

    @classmethod
    def from_env(cls, **overrides) -> "WebfactsSettings":
        return cls.from_settings(settings_from_env(**overrides))

    @classmethod
    def from_settings(cls, settings: Settings) -> "WebfactsSettings":
        return cls(**{name: list(v) if isinstance(v, tuple) else v for name, v in asdict(settings).items()})

    def values(self) -> Settings:
        return Settings(**{s.name: tuple(getattr(self, s.name)) if s.type is list else getattr(self, s.name)
                           for s in SETTINGS})

    @property
    def inbox_path(self) -> Path:
        return Path(self.inbox)

    @property
    def store(self) -> Warehouse:
        return Warehouse.from_settings(self.values())

    @property
    def ledger(self) -> Ledger:
        return self.store.ledger(self.batch_ledger)

    def register_batches(self) -> list[str]:
        """New or changed inbox files as bounded batches (pipeline/batches.py); their ids, in run order."""
        return register_batches(self.ledger, self.inbox_path, self.store.exists(),
                                self.batch_max_files, self.batch_max_bytes, self.settle_s,
                                max_urls=self.batch_max_urls)

    def fetch_policy(self) -> FetchPolicy:
        return FetchPolicy.from_settings(self.values())


class PublishedWarehouse(ConfigurableResource):
    """The published warehouse, read-only, as batch steps see it: the reads of published state (known documents,
    signatures, entity names, claims) are this resource, so the asset graph shows which steps depend on it."""

    settings: WebfactsSettings

    @property
    def state(self) -> PublishedState:
        return PublishedState(self.settings.store)
