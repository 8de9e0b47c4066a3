"""Runs whose process died (kill -9, power loss, out of memory) let go of what they held.

A run killed while it held the `duckdb` pool's only slot (the publish) keeps it in Dagster's storage: the next
run with the same DAGSTER_HOME would wait for it forever. `webfacts run` tags its runs with the host, process id
and process start time; before it starts, a run of this host whose process is gone is marked failed and its pool
slots and queued steps are freed, as are the slots of any run that already ended. Runs launched by the daemon
(`make dev`) are watched by Dagster's run monitoring (dagster.instance.yaml).
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

HOST_TAG, PID_TAG, START_TAG = "webfacts/host", "webfacts/pid", "webfacts/process_start"


def process_start(pid: int) -> str:
    """When the process started, in clock ticks since boot: a pid reused by a later process has another value.
    Empty where /proc is missing (then the pid alone is compared)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # field 22; the command name before ")" may hold spaces


def process_tags() -> dict[str, str]:
    """Tags naming this process, for the runs it executes in-process."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid()), START_TAG: process_start(os.getpid())}


def process_alive(pid: int, started: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    return not started or process_start(pid) in ("", started)


def release_dead_runs(instance) -> list[str]:
    """Mark this host's runs whose process is gone as failed and free every pool slot they, or any finished run,
    still hold. Returns the ids of the runs released."""
    from dagster import DagsterRunStatus, RunsFilter

    unfinished = [DagsterRunStatus.STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.NOT_STARTED,
                  DagsterRunStatus.CANCELING]
    released = []
    for run in instance.get_runs(filters=RunsFilter(statuses=unfinished, tags={HOST_TAG: socket.gethostname()})):
        pid = run.tags.get(PID_TAG, "")
        if pid.isdigit() and not process_alive(int(pid), run.tags.get(START_TAG, "")):
            instance.report_run_failed(run, f"the process that ran it ({pid}) ended without finishing: released "
                                            "by the next `webfacts run`")
            released.append(run.run_id)
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        holders = {slot.run_id for key in storage.get_concurrency_keys()
                   for slot in storage.get_concurrency_info(key).claimed_slots}
        holders |= {step.run_id for key in storage.get_concurrency_keys()
                    for step in storage.get_concurrency_info(key).pending_steps}
        for run_id in holders:
            run = instance.get_run_by_id(run_id)
            if run_id in released or run is None or run.is_finished:
                storage.free_concurrency_slots_for_run(run_id)
    return released
