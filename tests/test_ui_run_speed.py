"""A run launched through the Dagster instance, as the UI, the sensor and the schedule launch one, takes at most
1.3 x the time of `webfacts run` on the sample batch, and stores no step outputs under DAGSTER_HOME."""
import json
import os
import shutil
import subprocess
import time
import uuid

import duckdb

from tests.conftest import ROOT, SAMPLE, new_dagster_home

BIN = ROOT / ".venv" / "bin"


def test_a_launched_run_is_as_fast_as_webfacts_run(tmp_path):
    from dagster import DagsterInstance

    from assets.partitions import inbox_batches
    from pipeline.batches import ledger_path, register_batches

    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox)
    cli_wh, ui_wh = tmp_path / "cli" / "w.duckdb", tmp_path / "ui" / "w.duckdb"
    env = dict(os.environ, WEBFACTS_INBOX=str(inbox), WEBFACTS_SETTLE_S="0")
    started = time.perf_counter()
    subprocess.run([BIN / "webfacts", "run", "--warehouse", str(cli_wh)], check=True, capture_output=True,
                   env=dict(env, DAGSTER_HOME=str(new_dagster_home(tmp_path / "cli_home"))), timeout=600)
    cli_s = time.perf_counter() - started

    home = new_dagster_home(tmp_path / "ui_home")
    # Launched at once, in a new process (the default run launcher), as the daemon launches a queued run in the UI.
    with open(home / "dagster.yaml", "a") as config:
        config.write("run_coordinator:\n  module: dagster.core.run_coordinator\n  class: DefaultRunCoordinator\n")
    batch_ids = register_batches(ledger_path(ui_wh), inbox)  # what the inbox sensor does
    run_id = str(uuid.uuid4())
    with DagsterInstance.from_config(str(home)) as instance:
        instance.add_dynamic_partitions(inbox_batches.name, batch_ids)
        subprocess.run([BIN / "dagster", "job", "launch", "-w", str(ROOT / "workspace.yaml"), "-j", "materialize_all",
                        "--run-id", run_id, "--tags", json.dumps({"dagster/partition": batch_ids[0]})],
                       check=True, capture_output=True, cwd=ROOT, timeout=300,
                       env=dict(env, DAGSTER_HOME=str(home), WEBFACTS_WAREHOUSE=str(ui_wh)))
        deadline = time.monotonic() + 600
        while not instance.get_run_by_id(run_id).is_finished:
            assert time.monotonic() < deadline, "the launched run did not finish"
            time.sleep(0.2)
        record = instance.get_run_record_by_id(run_id)
        assert record.dagster_run.is_success
        # From the run's creation (a click in the UI) to its end: the new run process, its imports, every step.
        ui_s = record.end_time - record.create_timestamp.timestamp()
    print(f"\nsample batch: webfacts run {cli_s:.1f} s, run launched through the instance {ui_s:.1f} s "
          f"({ui_s / cli_s:.2f} x)")
    assert ui_s <= 1.3 * cli_s
    with duckdb.connect(str(cli_wh), read_only=True) as cli, duckdb.connect(str(ui_wh), read_only=True) as ui:
        same = "SELECT subject, predicate, object, n_independent, contested FROM facts ORDER BY ALL"
        assert cli.execute(same).fetchall() == ui.execute(same).fetchall()
    stored = [p for p in (home / "storage").rglob("*") if p.is_file() and "compute_logs" not in p.parts]
    assert stored == []  # no pickled step outputs, no Parquet: they passed in memory
