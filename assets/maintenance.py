"""Warehouse maintenance as an asset, its job, and the daily schedule that runs it (warehouse/maintenance.py): a
DuckLake's files and snapshots, a DuckDB file's tables put back in key order."""
from dagster import (AssetExecutionContext, AssetSelection, DefaultScheduleStatus, MaterializeResult, MetadataValue,
                     RunRequest, ScheduleDefinition, ScheduleEvaluationContext, asset, define_asset_job,
                     schedule)

from assets.resources import WebfactsSettings
from warehouse.maintenance import maintain_file, maintain_lake


@asset(group_name="warehouse", pool="duckdb",  # the publishes' pool: never at the same time as one
       kinds={"ducklake"},
       description="DuckLake upkeep: rewrites files publishes deleted many rows from, merges adjacent small files, "
                   "expires snapshots older than "
                   "WEBFACTS_LAKE_RETENTION_DAYS and deletes the data files no snapshot reads any more. "
                   "A DuckDB file gets its large tables rewritten in key order (publishes append theirs unsorted), "
                   "so lookups by key skip most row groups.")
def lake_maintenance(context: AssetExecutionContext, settings: WebfactsSettings) -> MaterializeResult:
    store = settings.store
    if not store.is_lake:
        report = maintain_file(store)
        context.log.info(f"DuckDB-file maintenance of {store}: {report}")
        return MaterializeResult(metadata={"maintained": True, "warehouse": MetadataValue.text(str(store)),
                                           **_values(report.as_dict())})
    report = maintain_lake(store, settings.lake_retention_days)
    context.log.info(f"lake maintenance of {store}: {report}")
    return MaterializeResult(metadata={
        "maintained": True, "warehouse": MetadataValue.text(str(store)),
        "retention_days": MetadataValue.float(settings.lake_retention_days),
        **_values(report.as_dict())})


def _values(report: dict) -> dict:
    return {name: (MetadataValue.float(value) if isinstance(value, float) else MetadataValue.int(value))
            for name, value in report.items()}


maintain_warehouse = define_asset_job("maintain_warehouse", selection=AssetSelection.assets(lake_maintenance),
                                      description="Warehouse upkeep: a DuckLake's files merged and "
                                                  "snapshots expired, a DuckDB file's tables sorted.")


def maintenance_schedule(cron: str) -> ScheduleDefinition:
    @schedule(job=maintain_warehouse, cron_schedule=cron, default_status=DefaultScheduleStatus.RUNNING,
              name="daily_warehouse_maintenance",
              description="Warehouse upkeep once a day (WEBFACTS_MAINTENANCE_CRON).")
    def daily_warehouse_maintenance(context: ScheduleEvaluationContext):
        # one run per tick, however often the tick is evaluated
        return RunRequest(run_key=f"maintenance-{context.scheduled_execution_time:%Y%m%dT%H%M}")

    return daily_warehouse_maintenance
