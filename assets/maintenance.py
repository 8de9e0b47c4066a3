"""DuckLake maintenance as an asset, its job, and the daily schedule that runs it (warehouse/maintenance.py)."""
from dagster import (AssetExecutionContext, AssetSelection, DefaultScheduleStatus, MaterializeResult, MetadataValue,
                     RunRequest, ScheduleDefinition, ScheduleEvaluationContext, SkipReason, asset, define_asset_job,
                     schedule)

from assets.resources import WebfactsSettings
from warehouse.maintenance import maintain_lake


@asset(group_name="warehouse", pool="duckdb",  # the publishes' pool: never at the same time as one
       kinds={"ducklake"},
       description="DuckLake upkeep: rewrites files publishes deleted many rows from, merges adjacent small files, "
                   "expires snapshots older than "
                   "WEBFACTS_LAKE_RETENTION_DAYS and deletes the data files no snapshot reads any more. "
                   "A DuckDB-file warehouse needs none (each publish writes a new file).")
def lake_maintenance(context: AssetExecutionContext, settings: WebfactsSettings) -> MaterializeResult:
    store = settings.store
    if not store.is_lake:
        return MaterializeResult(metadata={"maintained": False, "reason": f"{store} is a DuckDB file, not a DuckLake"})
    report = maintain_lake(store, settings.lake_retention_days)
    context.log.info(f"lake maintenance of {store}: {report}")
    return MaterializeResult(metadata={
        "maintained": True, "warehouse": MetadataValue.text(str(store)),
        "retention_days": MetadataValue.float(settings.lake_retention_days),
        **{name: (MetadataValue.float(value) if isinstance(value, float) else MetadataValue.int(value))
           for name, value in report.as_dict().items()}})


maintain_warehouse = define_asset_job("maintain_warehouse", selection=AssetSelection.assets(lake_maintenance),
                                      description="DuckLake upkeep: rewrite and merge files, expire snapshots, delete "
                                                  "old files.")


def maintenance_schedule(cron: str) -> ScheduleDefinition:
    @schedule(job=maintain_warehouse, cron_schedule=cron, default_status=DefaultScheduleStatus.RUNNING,
              name="daily_warehouse_maintenance",
              description="DuckLake upkeep once a day (WEBFACTS_MAINTENANCE_CRON); skipped for a DuckDB file.")
    def daily_warehouse_maintenance(context: ScheduleEvaluationContext, settings: WebfactsSettings):
        if not settings.store.is_lake:
            return SkipReason(f"{settings.warehouse} is a DuckDB file: nothing to maintain")
        # one run per tick, however often the tick is evaluated
        return RunRequest(run_key=f"maintenance-{context.scheduled_execution_time:%Y%m%dT%H%M}")

    return daily_warehouse_maintenance
