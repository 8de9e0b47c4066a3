"""Races between processes: each call in its own spawned interpreter (as on separate hosts), all released at once."""
from __future__ import annotations

import multiprocessing


def run_at_once(target, calls: list[tuple], timeout: float = 300) -> list:
    """target(*args, barrier, results) for each args of `calls`, each in its own process, released together by the
    barrier; returns what each put on `results`, in the order they finished. The processes are gone after."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(calls)), context.Queue()
    procs = [context.Process(target=target, args=(*args, barrier, results)) for args in calls]
    for proc in procs:
        proc.start()
    try:
        found = [results.get(timeout=timeout) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
                proc.join()
    assert [proc.exitcode for proc in procs] == [0] * len(procs)
    return found
