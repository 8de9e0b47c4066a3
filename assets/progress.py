"""Progress of long stages: into the run's log, and onto the terminal for `webfacts run`."""
import os
import sys
import time

PROGRESS_ENV = "WEBFACTS_PROGRESS"  # set by `webfacts run`: the terminal shows per-stage progress


class StageProgress:
    """Reports 'stage: done/total documents (rate/s)' at most every `every_s` seconds, and at the end."""

    def __init__(self, context, stage: str, every_s: float = 2.0):
        self.context, self.stage, self.every_s = context, stage, every_s
        self.started = self.last = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done == 1:
            self.started = now  # rate from the first document on: model loading is not throughput
        if done < total and now - self.last < self.every_s:
            return
        self.last = now
        rate = (done - 1) / max(now - self.started, 1e-9) if done > 1 else 0.0
        line = f"{self.stage}: {done}/{total} documents ({rate:.1f}/s)"
        self.context.log.info(line)
        if os.environ.get(PROGRESS_ENV) == "1":
            print(f"  {line}", file=sys.stderr, flush=True)
