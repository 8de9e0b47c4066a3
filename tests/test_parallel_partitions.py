"""The same Definitions run two inbox batches at once, each under Dagster's multiprocess executor."""
import json
import os
import shutil
import subprocess
import sys

import duckdb

from tests.conftest import ROOT, SAMPLE


def test_two_partitions_in_parallel_with_the_multiprocess_executor(tmp_path, dagster_home):
    from dagster import DagsterInstance

    from assets.partitions import inbox_batches
    from pipeline.batches import ledger_path, register_batches

    inbox, wh = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    batches = []
    for name in ("northwind_tides_of_glass.html", "sundial_records_dump.txt"):
        shutil.copy(SAMPLE / name, inbox / name)
        batches += register_batches(ledger_path(wh), inbox)
    with DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(inbox_batches.name, batches)
    env = dict(os.environ, WEBFACTS_INBOX=str(inbox), WEBFACTS_WAREHOUSE=str(wh), PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "tests/multiprocess_job.py", b], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for b in batches]
    results = [json.loads(p.communicate(timeout=600)[0].strip().splitlines()[-1]) for p in procs]
    assert all(r["success"] for r in results)
    assert all("fact_warehouse" in r["steps"] and len(r["step_pids"]) > 1 for r in results)  # steps in subprocesses
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute("SELECT count(DISTINCT batch_id) FROM document_sources").fetchone()[0] == 2
        subjects = {r[0] for r in con.execute("SELECT DISTINCT subject FROM facts").fetchall()}
    assert {"Tides of Glass", "Priya Castellano"} <= subjects
    # Each step's output went through Parquet files (steps run in separate processes); once the batch is published
    # those files, the batch's pages among them, are removed.
    leftovers = [p for b in batches for p in (dagster_home / "storage").glob(f"*/{b}*")]
    assert leftovers == []
