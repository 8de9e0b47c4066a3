"""Inbox batches on Celery workers: a real Redis broker, two `celery worker` processes, four partitions at once.

Everything runs as separate commands, as on a cluster: the broker (`redis-server` on a free port of 127.0.0.1,
nothing saved), each worker (`dagster-celery worker start`), and each run (`dagster job execute -m
assets.definitions`, its steps submitted to the broker because WEBFACTS_EXECUTOR=celery). The warehouse they
build must equal the one `webfacts run` builds from the same inbox in-process.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline.config import settings_from_env
from tests.conftest import ROOT, SAMPLE, new_dagster_home

BIN = Path(sys.executable).parent
RUN_TIMEOUT_S = 600  # four sample batches take ~1 min on two loaded cores
WORKERS = ("webfacts-w1", "webfacts-w2")
BATCH_MAX_FILES = 3  # the sample's 10 files as 4 batches, run as 4 partitions at once
TABLES = ("raw_documents", "document_sources", "quarantine", "documents", "entities", "mentions", "claims",
          "facts", "fact_evidence", "sources", "entity_facts")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """Stop a command started in its own session, and everything it started (a worker's celery children)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    try:  # a child that outlived its leader (a celery pool process) still has the group id
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.5)


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def cluster(tmp_path):
    """A broker and two Celery workers on this machine, stopped (process groups and all) at teardown."""
    redis = shutil.which("redis-server")
    if redis is None:
        pytest.skip("redis-server is not installed (.ci/run installs Debian's redis-server)")
    pytest.importorskip("dagster_celery", reason="dagster-celery is not installed (pip install -e '.[distributed]')")
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    home = new_dagster_home(tmp_path / "dagster_home")
    (tmp_path / "inbox").mkdir()
    env = dict(os.environ, DAGSTER_HOME=str(home), WEBFACTS_INBOX=str(tmp_path / "inbox"),
               WEBFACTS_WAREHOUSE=str(tmp_path / "celery.duckdb"), WEBFACTS_EXECUTOR="celery",
               WEBFACTS_CELERY_BROKER=broker, WEBFACTS_BATCH_MAX_FILES=str(BATCH_MAX_FILES), WEBFACTS_SETTLE_S="0",
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONPATH=str(ROOT))
    from dagster import DagsterInstance

    from assets.executors import celery_config
    DagsterInstance.from_config(str(home)).dispose()  # its SQLite storage, created before two workers race to
    config = tmp_path / "celery.yaml"
    config.write_text(yaml.safe_dump({"execution": {"config": celery_config(broker)}}))
    started: list[subprocess.Popen] = []

    def start(args: list[str], log: Path) -> subprocess.Popen:
        proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                                start_new_session=True)
        started.append(proc)
        return proc

    try:
        start([redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(tmp_path)], tmp_path / "redis.log")
        wait_for(lambda: redis_answers(port), 30, "redis-server answering PING")
        logs = [tmp_path / f"{name}.log" for name in WORKERS]
        for name, log in zip(WORKERS, logs):
            # one step at a time each: two workers, two steps at once, from whichever runs are waiting
            start([str(BIN / "dagster-celery"), "worker", "start", "-A", "dagster_celery.app", "-y", str(config),
                   "-n", name, "--", "-c", "1"], log)
        wait_for(lambda: all(" ready." in log.read_text() for log in logs), 180, "both Celery workers ready")
        yield {"env": env, "home": home, "root": tmp_path, "worker_logs": logs, "start": start}
    finally:
        for proc in reversed(started):
            stop(proc)


def warehouse_snapshot(path: Path) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        return {"fact_ids": sorted(r[0] for r in con.execute("SELECT fact_id FROM facts").fetchall()),
                "entity_ids": sorted(r[0] for r in con.execute("SELECT entity_id FROM entities").fetchall()),
                "counts": {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}}


def test_partitions_on_two_celery_workers_equal_webfacts_run(cluster, tmp_path, monkeypatch, capsys):
    from dagster import DagsterEventType, DagsterInstance

    from assets.runner import summary
    from assets.partitions import inbox_batches
    from assets.resources import WebfactsSettings
    from warehouse.store import Warehouse

    env, root = cluster["env"], cluster["root"]
    inbox = root / "inbox"
    shutil.copytree(SAMPLE, inbox, dirs_exist_ok=True)
    settings = WebfactsSettings.from_env(inbox=str(inbox), warehouse=env["WEBFACTS_WAREHOUSE"],
                                         batch_max_files=BATCH_MAX_FILES, settle_s=0.0)
    batches = settings.register_batches()
    assert len(batches) == 4
    with DagsterInstance.from_config(str(cluster["home"])) as instance:
        instance.add_dynamic_partitions(inbox_batches.name, batches)

    started = time.monotonic()
    runs = [cluster["start"]([str(BIN / "dagster"), "job", "execute", "-m", "assets.definitions",
                              "-j", "materialize_all", "--tags", json.dumps({"dagster/partition": b})],
                             root / f"run-{b}.log") for b in batches]
    deadline = started + RUN_TIMEOUT_S
    for run in runs:
        run.wait(timeout=max(1.0, deadline - time.monotonic()))
    celery_s = time.monotonic() - started
    logs = {b: (root / f"run-{b}.log").read_text() for b in batches}
    assert [run.returncode for run in runs] == [0] * len(runs), {b: log[-3000:] for b, log in logs.items()}
    assert all("RUN_SUCCESS" in log for log in logs.values())

    with DagsterInstance.from_config(str(cluster["home"])) as instance:
        records = instance.get_run_records()
        assert sorted(r.dagster_run.tags["dagster/partition"] for r in records) == sorted(batches)
        # The runs overlapped: all four were going at once (each waits on the broker for its steps).
        assert max(r.start_time for r in records) < min(r.end_time for r in records)
        # Every step of every run ran on a Celery worker, and both workers took steps.
        events = [e.dagster_event for r in records for e in instance.all_logs(r.dagster_run.run_id)
                  if e.dagster_event is not None]
        on_worker = [e for e in events if e.event_type == DagsterEventType.ENGINE_EVENT
                     and "in celery worker" in (e.message or "")]
        hosts = {e.engine_event_data.metadata["Celery worker"].value for e in on_worker}
        assert {h.split("@")[0] for h in hosts} == set(WORKERS)
        steps = [e for e in events if e.event_type == DagsterEventType.STEP_SUCCESS]
        assert len(on_worker) == len(steps) == 7 * len(batches)  # the job's seven steps, each on a worker
    for log in cluster["worker_logs"]:
        assert "execute_plan" in log.read_text() and "succeeded" in log.read_text()

    distributed = Warehouse(env["WEBFACTS_WAREHOUSE"])
    reference = Warehouse(str(root / "webfacts_run.duckdb"))
    monkeypatch.setenv("WEBFACTS_BATCH_MAX_FILES", str(BATCH_MAX_FILES))
    from assets.runner import run
    started = time.monotonic()
    assert run(str(inbox), reference.target) == 0
    in_process_s = time.monotonic() - started
    got, want = warehouse_snapshot(Path(distributed.target)), warehouse_snapshot(Path(reference.target))
    assert want["counts"]["facts"] > 20 and want["counts"]["entities"] > 20
    assert got == want
    with capsys.disabled():  # the two summaries, one after the other, in the test run's output
        print(f"\ncelery: {len(batches)} partitions at once on {len(WORKERS)} workers, each run a `dagster job "
              f"execute`:\n{summary(distributed, celery_s)}\nwebfacts run, the same inbox in-process:\n"
              f"{summary(reference, in_process_s)}")


@pytest.mark.parametrize("value, executor", [("", "in_process"), ("multiprocess", "multiprocess"),
                                             ("in-process", "in_process"), ("celery", "celery_executor")])
def test_the_executor_setting_picks_the_jobs_executor(value, executor):
    from assets.definitions import build_definitions
    from assets.resources import WebfactsSettings
    pytest.importorskip("dagster_celery", reason="dagster-celery is not installed (pip install -e '.[distributed]')")
    settings = WebfactsSettings.from_settings(settings_from_env({"WEBFACTS_EXECUTOR": value,
                                                                  "WEBFACTS_CELERY_BROKER": "redis://10.0.0.9:6390/2"}))
    job = build_definitions(settings).resolve_job_def("materialize_all")
    assert job.executor_def.name == executor
    if executor == "celery_executor":  # the broker the workers listen on is the setting's
        config = job.executor_def.apply_config_mapping({}).value["config"]
        assert (config["broker"], config["backend"]) == ("redis://10.0.0.9:6390/2",) * 2


def test_an_unknown_executor_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match="in_process, multiprocess, celery"):
        settings_from_env({"WEBFACTS_EXECUTOR": "kubernetes"})
