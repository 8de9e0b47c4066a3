"""Daily: register anything new in the inbox, then run every batch not yet published."""
from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, SkipReason, schedule

from assets.partitions import inbox_batches
from assets.resources import WebfactsSettings
from pipeline.batches import pending_batches


@schedule(job_name="materialize_all", cron_schedule="0 3 * * *", default_status=DefaultScheduleStatus.RUNNING,
          description="Materializes every pending inbox batch once a day, in case the sensor was off.")
def daily_pending_batches(context: ScheduleEvaluationContext, settings: WebfactsSettings):
    settings.register_batches()
    pending = pending_batches(settings.ledger)
    if not pending:
        return SkipReason("every inbox batch is published")
    known = set(context.instance.get_dynamic_partitions(inbox_batches.name))
    missing = [b for b in pending if b not in known]
    if missing:
        context.instance.add_dynamic_partitions(inbox_batches.name, missing)
    return [RunRequest(partition_key=b, run_key=f"daily-{b}") for b in pending]
