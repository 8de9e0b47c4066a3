"""The one Definitions object: `dagster dev`, the sensor, the schedule and `webfacts run` all use it."""
from dagster import AssetSelection, Definitions, define_asset_job

from assets import entities, facts, ingest, text, warehouse
from assets.maintenance import lake_maintenance, maintain_warehouse, maintenance_schedule
from assets.partitions import inbox_batches
from assets.resources import PublishedWarehouse, WebfactsSettings
from assets.schedules import daily_pending_batches
from assets.sensors import inbox_sensor
from assets.storage import execution

ALL_ASSETS = [ingest.raw_documents, text.cleaned_documents, entities.entity_mentions, entities.entities,
              facts.claims, facts.facts, warehouse.fact_warehouse]
materialize_all = define_asset_job("materialize_all", selection=AssetSelection.assets(*ALL_ASSETS),
                                   partitions_def=inbox_batches,
                                   description="One inbox batch, from its files to the published warehouse.")


def build_definitions(settings: WebfactsSettings | None = None, executor: str | None = None) -> Definitions:
    """executor: in_process (the default: one process, outputs in memory), multiprocess (a process per step) or
    celery (steps on Celery workers), both passing outputs as Parquet; default the settings' (WEBFACTS_EXECUTOR).
    See assets/storage.py."""
    settings = settings or WebfactsSettings.from_env()
    executor_def, io_manager = execution(executor or settings.executor, settings.celery_broker,
                                         settings.celery_backend)
    return Definitions(
        assets=ALL_ASSETS + warehouse.TABLE_SPECS + [lake_maintenance],
        jobs=[materialize_all, maintain_warehouse],
        sensors=[inbox_sensor],
        schedules=[daily_pending_batches, maintenance_schedule(settings.maintenance_cron)],
        executor=executor_def,
        resources={"settings": settings, "published": PublishedWarehouse(settings=settings), "io_manager": io_manager},
    )


defs = build_definitions()
