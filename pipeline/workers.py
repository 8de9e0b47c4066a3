"""Worker processes for the per-document CPU work (trafilatura cleaning, spaCy parsing and rules).

One pool per Python process, kept for every batch that process runs (`webfacts run` runs all pending batches
in one process). Why not a fork pool per stage, as before:

- spawned workers start from a fresh interpreter: forked ones inherited the parent's heap, which by then held the
  whole batch, and copied it page by page as Python touched its objects, so memory grew with the batch three times;
- the spaCy model and trafilatura load once per worker for the whole run, not once per batch: a run split into
  bounded batches (pipeline/batches.py) does not pay a start-up per batch;
- the extraction rules run in the worker next to the parser, so only small rows cross the process boundary (not
  serialized Docs) and the parent is not a serial bottleneck behind two parsers.

`start` begins loading the workers without waiting, so the spawn and model load overlap the ingest step.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor, TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 200  # documents; below this, starting worker processes costs more than it saves

_pool: ProcessPoolExecutor | None = None
_processes = 0


def default_processes() -> int:
    """Both cores of the project's machine; never more workers than cores."""
    return min(2, os.cpu_count() or 1)


def processes_for(documents: int, requested: int | None = None) -> int:
    """How many processes a stage uses for `documents`: `requested` when set (0 or None: automatic); else every
    core when the pool already runs (nothing left to pay) or the batch is large enough to pay for starting it."""
    if requested:
        return requested
    if running() and documents >= 2:
        return _processes
    return default_processes() if documents >= PARALLEL_FROM else 1


def warm_up(model: str | None) -> int:
    """Runs in a worker: import the cleaning stack and load the spaCy model before the first document arrives."""
    import pipeline.clean  # noqa: F401  (trafilatura, lxml, py3langid)
    from pipeline.nlp import load_nlp

    load_nlp(model)
    return os.getpid()


def start(processes: int | None = None, model: str | None = None) -> ProcessPoolExecutor:
    """The pool of `processes` workers, created and warming up (loading `model`) if it is not running yet.

    Does not wait for the workers. A task for another model loads that model in the worker (load_nlp caches two).
    """
    global _pool, _processes
    processes = processes or default_processes()
    if _pool is not None and _processes == processes:
        return _pool
    shutdown()
    _pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                initializer=ignore_interrupts)
    _processes = processes
    # One task per worker starts every worker now (a spawn pool starts them on demand); a failure to load the
    # model shows up again, with its message, in the first real task.
    for _ in range(processes):
        _pool.submit(warm_up, model or None)
    return _pool


def ignore_interrupts() -> None:
    """Runs in each worker as it starts: Ctrl-C reaches the whole terminal's process group, and the run (which
    stops the pool) answers it; a KeyboardInterrupt traceback from every worker would bury its message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def running() -> bool:
    return _pool is not None


def shutdown() -> None:
    global _pool, _processes
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
    _pool, _processes = None, 0


def ordered_map(fn: Callable[[T], R], items: Iterable[T], processes: int | None = None,
                model: str | None = None, window: int | None = None, limit_s: float = 0,
                on_timeout: Callable[[T], R] | None = None) -> Iterator[R]:
    """fn over items on the pool, results in input order.

    At most `window` items are in flight: Executor.map would submit (and so convert and pickle) every item at
    once, which for cleaning is every HTML page of the batch held a second time.
    limit_s, on_timeout: an item whose result has not come `limit_s` seconds after it is waited for is stuck where
    the per-document time limit cannot reach (native code that ignores signals): the workers are killed and
    replaced, the item's result is on_timeout(item), and the other items in flight run again on the new pool.
    """
    pool = start(processes, model)
    window = window or 3 * _processes
    pending: deque[tuple[T, Future]] = deque()

    def next_result() -> R:
        nonlocal pool
        item, future = pending.popleft()
        if not limit_s or on_timeout is None:
            return future.result()
        try:
            return future.result(timeout=limit_s)
        except FuturesTimeout:
            kill()
            pool = start(processes, model)
            for _ in range(len(pending)):
                waiting, _ = pending.popleft()
                pending.append((waiting, pool.submit(fn, waiting)))
            return on_timeout(item)
    try:
        for item in items:
            pending.append((item, pool.submit(fn, item)))
            if len(pending) >= window:
                yield next_result()
        while pending:
            yield next_result()
    except BrokenProcessPool:
        shutdown()  # a worker died (killed, out of memory): the next batch gets a fresh pool
        raise
    finally:
        for _, future in pending:
            future.cancel()


WORKER_START_S = 120  # a fresh worker imports trafilatura and loads spaCy before its first task


def stuck_after(timeout_s: float, documents: int) -> float:
    """How long a task of `documents` may take before its worker counts as stuck: every document at its limit,
    plus a worker's start; 0 (never) without a per-document limit."""
    return documents * timeout_s + WORKER_START_S if timeout_s > 0 else 0


def kill() -> None:
    """Stop the pool now, killing its workers mid-task (shutdown would wait for a stuck one forever)."""
    global _pool, _processes
    if _pool is not None:
        for process in list(getattr(_pool, "_processes", {}).values()):
            process.kill()
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool, _processes = None, 0


class DocumentTimeout(BaseException):
    """One document took longer than the per-document limit in one stage. A BaseException, so that the
    `except Exception` blocks of the libraries it interrupts do not swallow it and carry on."""


@contextmanager
def time_limit(seconds: float, stage: str):
    """Raise DocumentTimeout in the block once it has run `seconds` (0: no limit).

    SIGALRM interrupts Python code and the regex engine (it checks for signals as it backtracks), which is where
    a hostile page spends its time; the block runs in a worker process's or the run's main thread. Elsewhere (a
    thread of a server) signals cannot be set and the block runs without a limit.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise DocumentTimeout(f"{stage}: over the {seconds:g}-second limit per document (WEBFACTS_DOCUMENT_TIMEOUT_S)")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def chunked(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def frame_chunks(frame, size: int) -> Iterator[list[tuple]]:
    """The frame's rows, `size` at a time, as tuples. polars' iter_rows converts 512 rows at once: 512 web pages
    as Python str is tens of MB for nothing, as workers take a few at a time."""
    for offset in range(0, frame.height, size):
        yield frame.slice(offset, size).rows()
