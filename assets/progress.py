"""Progress of long stages: into the run's log, and onto the terminal for `webfacts run`."""
import os
import sys
import time
from typing import Iterator, TypeVar

T = TypeVar("T")
PROGRESS_ENV = "WEBFACTS_PROGRESS"  # set by `webfacts run`: the terminal shows per-stage progress


class StageProgress:
    """Reports 'stage: done/total units (rate/s, ETA)' at most every `every_s` seconds, and at the end."""

    def __init__(self, context, stage: str, unit: str = "documents", every_s: float = 2.0):
        self.context, self.stage, self.unit, self.every_s = context, stage, unit, every_s
        self.started = self.last = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done == 1:
            self.started = now  # rate from the first unit on: model loading is not throughput
        if done < total and now - self.last < self.every_s:
            return
        self.last = now
        rate = (done - 1) / max(now - self.started, 1e-9) if done > 1 else 0.0
        line = f"{self.stage}: {done}/{total} {self.unit} ({rate:.1f}/s{eta(done, total, rate)})"
        self.context.log.info(line)
        if os.environ.get(PROGRESS_ENV) == "1":
            print(f"  {line}", file=sys.stderr, flush=True)


def eta(done: int, total: int, rate: float) -> str:
    """', ETA 12 s' while work remains and a rate is known; ', done' at the end."""
    if done >= total:
        return ", done"
    if rate <= 0:
        return ""
    seconds = (total - done) / rate
    return f", ETA {seconds:.0f} s" if seconds < 120 else f", ETA {seconds / 60:.0f} min"


def tracked(items: list[T], progress: StageProgress) -> Iterator[T]:
    """The items, reporting each as done when the next one is asked for (the consumer has finished with it)."""
    for done, item in enumerate(items, 1):
        yield item
        progress(done, len(items))
