"""Worker processes for the per-document CPU work (trafilatura cleaning, spaCy parsing and rules).

A run owns one WorkerPool (`webfacts run` starts it before its first batch and stops it after the last) and
activates it; the steps' ordered_map then uses it for every batch. Why one pool for the run, not a fork pool per
stage, as before:

- spawned workers start from a fresh interpreter: forked ones inherited the parent's heap, which by then held the
  whole batch, and copied it page by page as Python touched its objects, so memory grew with the batch three times;
- the spaCy model and trafilatura load once per worker for the whole run, not once per batch: a run split into
  bounded batches (pipeline/batches.py) does not pay a start-up per batch;
- the extraction rules run in the worker next to the parser, so only small rows cross the process boundary (not
  serialized Docs) and the parent is not a serial bottleneck behind two parsers.

`start` begins the workers (and their warm-up, the caller's: e.g. loading the model) without waiting, so the spawn
and load overlap the ingest step. A step run without an active pool (a test, a Dagster step process, a run the UI
started, whose ingest step starts it early: assets/pool.py) gets the process's default pool, kept until `shutdown`.
Workers ignore Ctrl-C: it reaches the terminal's whole process group, and the run answers it and stops the pool.
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


def default_processes() -> int:
    """Both cores of the project's machine; never more workers than cores."""
    return min(2, os.cpu_count() or 1)


class WorkerPool:
    """`processes` spawned workers, each running `warm_up()` first (a picklable callable: loading what its tasks
    need, so the first task does not pay for it)."""

    def __init__(self, processes: int | None = None, warm_up: Callable[[], object] | None = None):
        self.processes = processes or default_processes()
        self.warm_up = warm_up
        self._executor: ProcessPoolExecutor | None = None

    @property
    def running(self) -> bool:
        return self._executor is not None

    def start(self) -> "WorkerPool":
        """Create the workers if they are not running; does not wait for them."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=ignore_interrupts)
            # One task per worker starts every worker now (a spawn pool starts them on demand); a failure in the
            # warm-up shows up again, with its message, in the first real task.
            for _ in range(self.processes if self.warm_up else 0):
                self._executor.submit(self.warm_up)
        return self

    def stop(self) -> None:
        """Let the workers finish their tasks and end."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None

    def kill(self) -> None:
        """Stop now, killing the workers mid-task (stop would wait for a stuck one forever)."""
        if self._executor is not None:
            for process in list(getattr(self._executor, "_processes", {}).values()):
                process.kill()
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None

    def pids(self) -> set[int]:
        return set(getattr(self._executor, "_processes", {}) or {})

    def __enter__(self) -> "WorkerPool":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @contextmanager
    def activated(self) -> Iterator["WorkerPool"]:
        """The steps' ordered_map uses this pool (started now) until the block ends."""
        global _active
        previous, _active = _active, self.start()
        try:
            yield self
        finally:
            _active = previous

    def map(self, fn: Callable[[T], R], items: Iterable[T], window: int | None = None, limit_s: float = 0,
            on_timeout: Callable[[T], R] | None = None) -> Iterator[R]:
        """fn over items on the workers, results in input order.

        At most `window` items are in flight: Executor.map would submit (and so convert and pickle) every item at
        once, which for cleaning is every HTML page of the batch held a second time.
        limit_s, on_timeout: an item whose result has not come `limit_s` seconds after it is waited for is stuck
        where the per-document time limit cannot reach (native code that ignores signals): the workers are killed
        and replaced, the item's result is on_timeout(item), and the other items in flight run again on the new
        workers.
        """
        executor = self.start()._executor
        window = window or 3 * self.processes
        pending: deque[tuple[T, Future]] = deque()

        def next_result() -> R:
            nonlocal executor
            item, future = pending.popleft()
            if not limit_s or on_timeout is None:
                return future.result()
            try:
                return future.result(timeout=limit_s)
            except FuturesTimeout:
                self.kill()
                executor = self.start()._executor
                for _ in range(len(pending)):
                    waiting, _ = pending.popleft()
                    pending.append((waiting, executor.submit(fn, waiting)))
                return on_timeout(item)
        try:
            for item in items:
                pending.append((item, executor.submit(fn, item)))
                if len(pending) >= window:
                    yield next_result()
            while pending:
                yield next_result()
        except BrokenProcessPool:
            self.stop()  # a worker died (killed, out of memory): the next batch gets fresh workers
            raise
        finally:
            for _, future in pending:
                future.cancel()


_active: WorkerPool | None = None  # the pool the run activated
_default: WorkerPool | None = None  # else the process's own, started by the first stage that needs one


def active_pool(processes: int | None = None, warm_up: Callable[[], object] | None = None) -> WorkerPool:
    """The run's pool when one is active; else this process's default pool of `processes` workers (started with
    `warm_up` when this call creates it)."""
    global _default
    if _active is not None:
        return _active
    processes = processes or default_processes()
    if _default is None or _default.processes != processes:
        shutdown()
        _default = WorkerPool(processes, warm_up)
    return _default.start()


def ignore_interrupts() -> None:
    """Runs in each worker as it starts: Ctrl-C reaches the whole terminal's process group, and the run (which
    stops the pool) answers it; a KeyboardInterrupt traceback from every worker would bury its message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def running() -> bool:
    return _active is not None or (_default is not None and _default.running)


def shutdown() -> None:
    """Stop the process's default pool (a run's own pool is stopped by the run)."""
    global _default
    if _default is not None:
        _default.stop()
    _default = None


def processes_for(documents: int, requested: int | None = None) -> int:
    """How many processes a stage uses for `documents`: `requested` when set (0 or None: automatic); else every
    core when a pool already runs (nothing left to pay) or the batch is large enough to pay for starting one."""
    if requested:
        return requested
    if running() and documents >= 2:
        return (_active or _default).processes
    return default_processes() if documents >= PARALLEL_FROM else 1


def ordered_map(fn: Callable[[T], R], items: Iterable[T], processes: int | None = None, window: int | None = None,
                limit_s: float = 0, on_timeout: Callable[[T], R] | None = None) -> Iterator[R]:
    """WorkerPool.map on the active pool (see active_pool)."""
    return active_pool(processes).map(fn, items, window=window, limit_s=limit_s, on_timeout=on_timeout)


WORKER_START_S = 120  # a fresh worker imports trafilatura and loads spaCy before its first task


def stuck_after(timeout_s: float, documents: int) -> float:
    """How long a task of `documents` may take before its worker counts as stuck: every document at its limit,
    plus a worker's start; 0 (never) without a per-document limit."""
    return documents * timeout_s + WORKER_START_S if timeout_s > 0 else 0


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
