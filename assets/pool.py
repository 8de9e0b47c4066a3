"""When a run starts the worker pool (pipeline/workers.py): imports no Dagster, so `webfacts run` can start it first.

Either way the workers load trafilatura and spaCy while ingest reads the batch:
- `webfacts run` owns a pool for the whole run (`run_worker_pool`), started before its first batch;
- a run the UI or a schedule started (one process, assets/storage.py) starts its process's default pool when the
  ingest step sees a large batch (`start_worker_pool_for`); the later steps' ordered_map uses it.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import partial
from typing import Iterator

from pipeline import workers
from pipeline.warm_up import load_document_steps


def pool_pays_for(files: int) -> bool:
    """`files` are enough work for worker processes, and none are running yet."""
    return workers.default_processes() > 1 and files >= workers.PARALLEL_FROM and not workers.running()


def _warm_up(model: str | None):
    return partial(load_document_steps, model or None)


@contextmanager
def run_worker_pool(files: int, model: str | None) -> Iterator[workers.WorkerPool | None]:
    """The run's own pool when `files` pay for one: started now, active for the block, stopped at its end."""
    if not pool_pays_for(files):
        yield None
        return
    with workers.WorkerPool(workers.default_processes(), _warm_up(model)) as pool, pool.activated():
        yield pool


def start_worker_pool_for(files: int, model: str | None) -> bool:
    """Start this process's default pool, without waiting for it, when `files` pay for one and no pool is running;
    True when this call started it."""
    if not pool_pays_for(files):
        return False
    workers.active_pool(workers.default_processes(), _warm_up(model))
    return True
