"""The Celery executor (WEBFACTS_EXECUTOR=celery; assets/storage.py chooses among the executors).

Each step is a task on a Celery broker, executed by whichever `celery worker` takes it (dagster-celery). The
workers load the same code location (`assets.definitions`) with the same WEBFACTS_* environment, and they and
the run share DAGSTER_HOME's storage, where step outputs are passed as Parquet (docs/scaling.md).
"""
from __future__ import annotations

from dagster import ExecutorDefinition


def celery_config(broker: str, backend: str = "") -> dict:
    """The dagster-celery executor's config, which its workers take too (`dagster-celery worker start -y`)."""
    # dagster-celery already prefetches one task at a time, so a long parse holds no queue of steps behind it.
    return {"broker": broker, "backend": backend or broker}


def celery_executor(broker: str, backend: str = "") -> ExecutorDefinition:
    try:
        from dagster_celery import celery_executor as dagster_celery_executor
    except ImportError:
        raise ImportError("WEBFACTS_EXECUTOR=celery needs dagster-celery: pip install -e '.[distributed]'") from None
    return dagster_celery_executor.configured(celery_config(broker, backend), name="celery_executor")


if __name__ == "__main__":  # the config file `dagster-celery worker start -y` takes, from WEBFACTS_CELERY_*
    import yaml

    from pipeline.config import settings_from_env

    settings = settings_from_env()
    print(yaml.safe_dump({"execution": {"config": celery_config(settings.celery_broker, settings.celery_backend)}},
                         sort_keys=False), end="")
