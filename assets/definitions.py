"""The one Definitions object: `dagster dev`, schedules and `webfacts run` all use it."""
from __future__ import annotations

from dagster import AssetSelection, Definitions, ScheduleDefinition, define_asset_job

from assets import pipeline_assets
from assets.resources import WebfactsSettings

ALL_ASSETS = [
    pipeline_assets.raw_documents, pipeline_assets.cleaned_documents, pipeline_assets.entity_mentions,
    pipeline_assets.entities, pipeline_assets.claims, pipeline_assets.facts, pipeline_assets.fact_warehouse,
]
materialize_all = define_asset_job("materialize_all", selection=AssetSelection.all(),
                                   description="Inbox to published warehouse, every asset.")
daily = ScheduleDefinition(name="daily_refresh", job=materialize_all, cron_schedule="0 3 * * *")


def build_definitions(settings: WebfactsSettings | None = None) -> Definitions:
    return Definitions(
        assets=ALL_ASSETS,
        jobs=[materialize_all],
        schedules=[daily],
        resources={"settings": settings or WebfactsSettings.from_env()},
    )


defs = build_definitions()
