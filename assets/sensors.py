"""The inbox sensor: a new batch partition and a run for it whenever inbox files are new or changed."""
from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SensorResult, SkipReason, sensor

from assets.partitions import inbox_batches
from assets.resources import WebfactsSettings
from pipeline.batches import register_batch


@sensor(job_name="materialize_all", minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING,
        description="Scans the inbox (one stat per file, compared with the batch ledger); new or changed "
                    "files become a batch partition and a run for that partition only.")
def inbox_sensor(context: SensorEvaluationContext, settings: WebfactsSettings):
    batch_id = register_batch(settings.ledger, settings.inbox_path, settings.store.exists())
    if batch_id is None:
        return SkipReason(f"no new or changed files in {settings.inbox}")
    context.update_cursor(batch_id)  # the latest batch, for the UI; the ledger is the real state
    return SensorResult(run_requests=[RunRequest(partition_key=batch_id, run_key=batch_id)],
                        dynamic_partitions_requests=[inbox_batches.build_add_request([batch_id])])
