"""The inbox sensor: a new batch partition and a run for it whenever inbox files are new or changed."""
from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SensorResult, SkipReason, sensor

from assets.partitions import inbox_batches
from assets.resources import WebfactsSettings


@sensor(job_name="materialize_all", minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING,
        description="Scans the inbox (one stat per file, compared with the batch ledger); new or changed "
                    "files become batch partitions (bounded in size) and a run for each.")
def inbox_sensor(context: SensorEvaluationContext, settings: WebfactsSettings):
    batch_ids = settings.register_batches()
    if not batch_ids:
        return SkipReason(f"no new or changed files in {settings.inbox}")
    context.update_cursor(batch_ids[-1])  # the latest batch, for the UI; the ledger is the real state
    return SensorResult(run_requests=[RunRequest(partition_key=b, run_key=b) for b in batch_ids],
                        dynamic_partitions_requests=[inbox_batches.build_add_request(batch_ids)])
