"""kill -9 in the middle of a stage, then re-run: the warehouse equals one built without interruption.
An unwritable path or a full disk is one clear error, and the previous warehouse stays as it was."""
import errno
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import SAMPLE, run_pipeline
from tests.test_incremental import snapshot

RUNNER = """
import os, sys, time
import {module} as target
original = target.{function}
def slow(*args, **kwargs):
    print("IN_STAGE", flush=True)
    time.sleep(float(os.environ.get("HOLD_S", "60")))  # the kill arrives here
    return original(*args, **kwargs)
target.{function} = slow
{patch_importers}
from assets.cli import main
sys.exit(main(["run", "--inbox", sys.argv[1], "--warehouse", sys.argv[2]]))
"""
# Each stage of a batch's run, in order: the function the kill interrupts, and where an asset module holds its
# own reference to it. The assets call the others through their module, so patching the module is enough.
STAGES = {
    "1_ingest": ("pipeline.ingest", "split_inputs", ""),
    "2_cleaning": ("pipeline.clean", "clean_documents", ""),
    "3_near_duplicates": ("pipeline.near_duplicates", "assign_clusters", ""),
    "4_extraction": ("pipeline.extract", "extract_documents",
                     "import assets.entities as a; a.extract.extract_documents = slow"),
    "5_entities": ("pipeline.entities", "resolve_entities", ""),
    "6_claims": ("pipeline.facts", "resolve_claims", ""),
    "7_facts": ("pipeline.facts", "aggregate_facts", ""),
    # inside the publish transaction: the batch's rows are deleted and inserted, the commit has not happened
    "8_publish": ("warehouse.publish", "_replace_facts", ""),
}


def kill_run_in(stage: tuple[str, str, str], inbox, warehouse: str, dagster_home) -> None:
    """Start `webfacts run` in its own process group and SIGKILL the group once it is inside `stage`."""
    module, function, patch = stage
    script = RUNNER.format(module=module, function=function, patch_importers=patch)
    proc = subprocess.Popen([sys.executable, "-c", script, str(inbox), warehouse], stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, DAGSTER_HOME=str(dagster_home)), start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while proc.stdout.readline().strip() != "IN_STAGE":
            assert time.monotonic() < deadline and proc.poll() is None, f"the run never reached {function}"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def reference(tmp_path_factory, dagster_home):
    inbox = tmp_path_factory.mktemp("ref") / "inbox"
    shutil.copytree(SAMPLE, inbox)
    wh = inbox.parent / "w.duckdb"
    assert run_pipeline(inbox, wh) == 0
    return snapshot(wh)


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_kill_9_mid_stage_then_rerun_gives_the_same_warehouse(stage, reference, tmp_path, dagster_home):
    inbox, wh = tmp_path / "inbox", tmp_path / "w.duckdb"
    shutil.copytree(SAMPLE, inbox)
    # a previous, complete publish of part of the inbox, so the kill hits a live warehouse
    (tmp_path / "first").mkdir()
    shutil.copy(SAMPLE / "harbor_review_tides_of_glass.html", tmp_path / "first" / "harbor_review_tides_of_glass.html")
    assert run_pipeline(tmp_path / "first", wh) == 0
    live_before = wh.read_bytes()
    kill_run_in(STAGES[stage], inbox, str(wh), dagster_home)
    assert wh.read_bytes() == live_before  # readers never saw a partial publish
    assert run_pipeline(inbox, wh) == 0
    assert_same_build(snapshot(wh), reference)
    assert not list(tmp_path.glob("w.duckdb.tmp-*"))  # the dead publisher's half-built file is gone


def assert_same_build(after: dict, reference: dict) -> None:
    """The same warehouse as an uninterrupted build, but for the times of the batches."""
    for table in ("facts", "entities", "fact_evidence", "mentions", "raw_documents", "quarantine"):
        assert len(after[table]) == len(reference[table]), table
    assert {r[0] for r in after["facts"]} == {r[0] for r in reference["facts"]}  # same fact_ids
    assert {r[0] for r in after["entities"]} == {r[0] for r in reference["entities"]}  # same entity_ids


def test_kill_9_inside_a_ducklake_publish_commits_nothing_and_the_rerun_matches(reference, tmp_path, dagster_home):
    inbox, wh = tmp_path / "inbox", f"ducklake:{tmp_path / 'catalog.ducklake'}"
    shutil.copytree(SAMPLE, inbox)
    (tmp_path / "first").mkdir()
    shutil.copy(SAMPLE / "harbor_review_tides_of_glass.html", tmp_path / "first" / "harbor_review_tides_of_glass.html")
    assert run_pipeline(tmp_path / "first", wh) == 0
    before = snapshot(wh)
    kill_run_in(STAGES["8_publish"], inbox, wh, dagster_home)
    assert snapshot(wh) == before  # the open transaction died with the process: readers see the last publish
    assert run_pipeline(inbox, wh) == 0
    after = snapshot(wh)
    assert {r[0] for r in after["facts"]} == {r[0] for r in reference["facts"]}
    assert {r[0] for r in after["entities"]} == {r[0] for r in reference["entities"]}
    assert len(after["fact_evidence"]) == len(reference["fact_evidence"])


@pytest.mark.parametrize("backend", ["duckdb", "ducklake"])
def test_unwritable_warehouse_path_is_one_clear_error_naming_it(backend, tmp_path, dagster_home, capsys):
    not_a_folder = tmp_path / "plain_file"
    not_a_folder.write_text("a file where a folder should be")  # fails for root too, unlike permissions
    wh = not_a_folder / "w.duckdb" if backend == "duckdb" else f"ducklake:{not_a_folder / 'catalog.ducklake'}"
    assert run_pipeline(SAMPLE, wh) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(not_a_folder) in err[0] and "writable --warehouse" in err[0]


def test_failed_publish_keeps_the_previous_warehouse(tmp_path, dagster_home, monkeypatch):
    import warehouse.publish
    inbox, wh = tmp_path / "inbox", tmp_path / "w.duckdb"
    shutil.copytree(SAMPLE, inbox)
    assert run_pipeline(inbox, wh) == 0
    before = wh.read_bytes()
    (inbox / "new.txt").write_text("New\n\n\"Dry Dock\" was directed by Vera Lund and released on May 2, 2026.")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(warehouse.publish, "_fsync", disk_full)  # the new file cannot be made durable
    assert run_pipeline(inbox, wh) == 1
    assert wh.read_bytes() == before and not list(tmp_path.glob("w.duckdb.tmp-*"))


@pytest.fixture()
def small_disk(tmp_path):
    """A 24 MiB tmpfs: a real file system that runs out of space (ENOSPC), unmounted whatever happens."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CAP_SYS_ADMIN)")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here (CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def fill(disk):
    """Write a file until the disk refuses another byte."""
    with open(disk / "filler", "wb", buffering=0) as fh:  # unbuffered: every refusal surfaces here
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    assert os.statvfs(disk).f_bavail == 0


@pytest.mark.parametrize("backend", ["duckdb", "ducklake"])
def test_disk_full_is_one_clear_error_and_keeps_the_previous_warehouse(backend, small_disk, tmp_path, dagster_home,
                                                                       capsys, monkeypatch):
    from warehouse.store import Warehouse
    # The ledger lives off the small disk (as it must for a server catalog), so the publish is what hits ENOSPC.
    monkeypatch.setenv("WEBFACTS_LEDGER", str(tmp_path / "ledger.sqlite"))
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox)
    target = str(small_disk / "w.duckdb") if backend == "duckdb" else f"ducklake:{small_disk / 'catalog.ducklake'}"
    warehouse = Warehouse(target)
    assert run_pipeline(inbox, target) == 0
    live = warehouse.local_file.read_bytes()
    before = snapshot(warehouse)
    files_before = sorted(p for p in small_disk.rglob("*") if p.name != "filler")
    (inbox / "new.txt").write_text("New\n\n\"Dry Dock\" was directed by Vera Lund and released on May 2, 2026.")
    fill(small_disk)
    capsys.readouterr()
    assert run_pipeline(inbox, target) == 1
    err = capsys.readouterr().err.splitlines()
    failed = [line for line in err if "fail" in line.lower() or "No space" in line]
    assert len(failed) == 1 and failed[0].startswith("webfacts: batch "), err  # one line, no stack traces
    assert f"cannot publish warehouse {target}" in failed[0]
    assert "the disk is full (ENOSPC: No space left on device)" in failed[0]
    if backend == "duckdb":
        assert warehouse.local_file.read_bytes() == live  # byte for byte
    assert snapshot(warehouse) == before  # and queryable, with the old rows
    assert sorted(p for p in small_disk.rglob("*") if p.name != "filler") == files_before  # no temp files left
    (small_disk / "filler").unlink()  # space again: the same batch now publishes
    assert run_pipeline(inbox, target) == 0
    assert len(snapshot(warehouse)["raw_documents"]) == len(before["raw_documents"]) + 1
