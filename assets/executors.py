"""Where a launched run's steps execute (WEBFACTS_EXECUTOR): Dagster's own executors, chosen by a setting.

`webfacts run` executes in-process whatever this says; runs launched by the UI, the sensor, the schedules or
`dagster job execute` use the executor the Definitions carry:
- multiprocess: each step in a child process of the run (Dagster's default, one machine);
- in_process: every step in the run's process;
- celery: each step a task on a Celery broker, executed by whichever `celery worker` takes it (dagster-celery).
  The workers load the same code location (`assets.definitions`) with the same WEBFACTS_* environment, and
  they and the run share DAGSTER_HOME's storage, where step outputs are passed as pickles (docs/scaling.md).
"""
from __future__ import annotations

from dagster import ExecutorDefinition, in_process_executor, multi_or_in_process_executor


def celery_config(broker: str, backend: str = "") -> dict:
    """The dagster-celery executor's config, which its workers take too (`dagster-celery worker start -y`)."""
    # dagster-celery already prefetches one task at a time, so a long parse holds no queue of steps behind it.
    return {"broker": broker, "backend": backend or broker}


def executor_for(name: str, broker: str = "", backend: str = "") -> ExecutorDefinition:
    if name == "in_process":
        return in_process_executor
    if name == "celery":
        try:
            from dagster_celery import celery_executor
        except ImportError:
            raise ImportError("WEBFACTS_EXECUTOR=celery needs dagster-celery: pip install -e '.[distributed]'") \
                from None
        return celery_executor.configured(celery_config(broker, backend), name="celery_executor")
    return multi_or_in_process_executor


if __name__ == "__main__":  # the config file `dagster-celery worker start -y` takes, from WEBFACTS_CELERY_*
    import yaml

    from pipeline.config import settings_from_env

    settings = settings_from_env()
    print(yaml.safe_dump({"execution": {"config": celery_config(settings.celery_broker, settings.celery_backend)}},
                         sort_keys=False), end="")
