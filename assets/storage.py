"""How a run's steps hand frames to one another.

By default a run (from the UI, the sensor, the schedule or `webfacts run`) executes every step in one process,
with the outputs in memory: the multiprocess executor started a process per step that imported Dagster, polars,
trafilatura and spaCy again (a one-document run from the UI took 1 min 21 s against seconds for `webfacts run`)
and pickled every output, the batch's pages among them, under DAGSTER_HOME.

WEBFACTS_EXECUTOR=multiprocess keeps Dagster's multiprocess executor for running a batch's independent steps side
by side, and WEBFACTS_EXECUTOR=celery puts each step on a Celery worker (assets/executors.py); their steps then
pass frames as Parquet under DAGSTER_HOME/storage/<asset>/<batch>.parquet, removed once the batch is published
(assets/warehouse.py).
"""
from __future__ import annotations

import polars as pl
from dagster import (ExecutorDefinition, InputContext, OutputContext, UPathIOManager, in_process_executor,
                     io_manager, mem_io_manager, multiprocess_executor)
from upath import UPath

from assets.executors import celery_executor
from pipeline.config import EXECUTORS

IN_PROCESS, MULTIPROCESS, CELERY = EXECUTORS


class ParquetFrames(UPathIOManager):
    """Polars frames as Parquet files, one per asset and batch partition."""

    extension = ".parquet"

    def dump_to_path(self, context: OutputContext, obj: pl.DataFrame, path: UPath) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        obj.write_parquet(str(path))

    def load_from_path(self, context: InputContext, path: UPath) -> pl.DataFrame:
        return pl.read_parquet(str(path))


@io_manager(description="Step outputs as Parquet under DAGSTER_HOME/storage, for steps in separate processes.")
def parquet_frames(init_context) -> ParquetFrames:
    return ParquetFrames(base_path=UPath(init_context.instance.storage_directory()))


def execution(executor: str, celery_broker: str = "", celery_backend: str = "") -> tuple[ExecutorDefinition, object]:
    """The executor and the IO manager that goes with it: steps in other processes (or on other workers) pass
    frames as Parquet."""
    if executor not in EXECUTORS:
        raise ValueError(f"WEBFACTS_EXECUTOR={executor!r}: choose one of {', '.join(EXECUTORS)}")
    if executor == MULTIPROCESS:
        return multiprocess_executor, parquet_frames
    if executor == CELERY:
        return celery_executor(celery_broker, celery_backend), parquet_frames
    return in_process_executor, mem_io_manager
