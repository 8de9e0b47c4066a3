"""Batches: a second run does no work, a re-run batch changes nothing, new files add only what is new."""
import shutil

import duckdb
import pytest

from tests.conftest import SAMPLE, run_pipeline
from warehouse.store import as_warehouse

TABLES = ("raw_documents", "document_sources", "quarantine", "skipped_records", "documents", "entities",
          "mentions", "claims", "facts", "fact_evidence", "document_signatures")


def snapshot(warehouse):
    """Every table's rows, of a DuckDB file or a ducklake: warehouse."""
    with as_warehouse(warehouse).connect(read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


@pytest.fixture()
def inbox(tmp_path):
    target = tmp_path / "inbox"
    shutil.copytree(SAMPLE, target)
    return target


def test_second_run_does_no_work_and_changes_nothing(inbox, tmp_path, dagster_home, capsys):
    wh = tmp_path / "w.duckdb"
    assert run_pipeline(inbox, wh) == 0
    before = snapshot(wh)
    capsys.readouterr()
    assert run_pipeline(inbox, wh) == 0
    assert "no extraction work" in capsys.readouterr().out
    assert snapshot(wh) == before


def test_rerunning_a_batch_leaves_every_table_identical(inbox, tmp_path, dagster_home):
    from dagster import DagsterInstance

    from assets.definitions import build_definitions
    from assets.resources import WebfactsSettings
    from pipeline.batches import connect, ledger_path
    wh = tmp_path / "w.duckdb"
    assert run_pipeline(inbox, wh) == 0
    before = snapshot(wh)
    batch_id = connect(ledger_path(wh)).execute("SELECT batch_id FROM batches").fetchone()[0]
    settings = WebfactsSettings.from_env(inbox=str(inbox), warehouse=str(wh))
    job = build_definitions(settings).resolve_job_def("materialize_all")
    with DagsterInstance.get() as instance:
        assert job.execute_in_process(instance=instance, partition_key=batch_id).success
    assert snapshot(wh) == before


def test_new_files_form_a_new_batch_and_duplicates_add_only_a_source(inbox, tmp_path, dagster_home):
    wh = tmp_path / "w.duckdb"
    assert run_pipeline(inbox, wh) == 0
    before = snapshot(wh)
    shutil.copy(inbox / "harbor_review_tides_of_glass.html", inbox / "harbor_copy.html")
    (inbox / "new_story.txt").write_text(
        "Quiet Orbit premieres\n\n\"Quiet Orbit\" was directed by Lucia Ferrant and released on May 2, 2026. "
        "The film follows a lighthouse keeper on a remote island who starts receiving letters from the future.")
    assert run_pipeline(inbox, wh) == 0
    after = snapshot(wh)
    assert len(after["raw_documents"]) == len(before["raw_documents"]) + 1
    assert len(after["document_sources"]) == len(before["document_sources"]) + 2
    assert len(after["mentions"]) > len(before["mentions"])
    assert set(before["claims"]) < set(after["claims"])
    with duckdb.connect(str(wh), read_only=True) as con:
        batches = con.execute("SELECT count(DISTINCT batch_id) FROM document_sources").fetchone()[0]
        ferrant = con.execute("SELECT n_documents FROM facts WHERE subject = 'Quiet Orbit' AND "
                              "predicate = 'director' AND object = 'Lucia Ferrant'").fetchall()
        reyes = con.execute("SELECT n_documents, n_independent FROM facts WHERE object = 'Jonah Reyes' "
                            "AND predicate = 'director'").fetchall()
    assert batches == 2 and ferrant == [(1,)]
    assert reyes == [(1, 1)]  # the exact copy is a source, not a second document


def test_removed_warehouse_loads_everything_again(inbox, tmp_path, dagster_home):
    wh = tmp_path / "w.duckdb"
    assert run_pipeline(inbox, wh) == 0
    first = snapshot(wh)
    wh.unlink()
    assert run_pipeline(inbox, wh) == 0
    assert {t: len(v) for t, v in snapshot(wh).items()} == {t: len(v) for t, v in first.items()}


def test_sensor_requests_a_run_only_for_new_files(inbox, tmp_path):
    from dagster import DagsterInstance, SkipReason, build_sensor_context

    from assets.resources import WebfactsSettings
    from assets.sensors import inbox_sensor
    settings = WebfactsSettings.from_env(inbox=str(inbox), warehouse=str(tmp_path / "w.duckdb"))
    with DagsterInstance.ephemeral() as instance:
        result = inbox_sensor(build_sensor_context(instance=instance, resources={"settings": settings}))
        assert len(result.run_requests) == 1 and result.dynamic_partitions_requests
        again = inbox_sensor(build_sensor_context(instance=instance, resources={"settings": settings}))
        assert isinstance(again, SkipReason)
        (inbox / "later.txt").write_text("A later arrival with enough words to be an article of its own.")
        third = inbox_sensor(build_sensor_context(instance=instance, resources={"settings": settings}))
        assert third.run_requests[0].partition_key != result.run_requests[0].partition_key


def test_whole_inbox_ingested_again_as_a_new_batch_changes_nothing(inbox, tmp_path, dagster_home, capsys):
    wh = tmp_path / "w.duckdb"
    assert run_pipeline(inbox, wh) == 0
    before = snapshot(wh)
    for path in inbox.rglob("*"):
        if path.is_file():
            path.touch()  # every file "changed": one new batch with all of them
    capsys.readouterr()
    assert run_pipeline(inbox, wh) == 0
    assert "balanced" in capsys.readouterr().out
    assert snapshot(wh) == before


def test_materialization_records_new_rows_per_table(inbox, tmp_path, dagster_home):
    from dagster import AssetKey, DagsterInstance
    wh = tmp_path / "w.duckdb"
    assert run_pipeline(inbox, wh) == 0
    (inbox / "extra.txt").write_text("Extra\n\n\"Blue Hour\" was directed by Vera Lund and released on May 9, 2026. "
                                     "It follows two sisters who restore a lighthouse on the northern coast.")
    assert run_pipeline(inbox, wh) == 0
    with DagsterInstance.get() as instance:
        latest = instance.get_latest_materialization_event(AssetKey("fact_warehouse")).asset_materialization
    meta = {k: v.value for k, v in latest.metadata.items()}
    assert meta["new_rows/raw_documents"] == 1 and meta["new_rows/quarantine"] == 0
    assert meta["new_rows/facts"] >= 1 and meta["rows/facts"] > meta["new_rows/facts"]


def test_split_batches_bounds_files_and_bytes_and_keeps_inbox_order():
    from pipeline.batches import FileStat, split_batches
    files = [FileStat(f"f{i}", size, 0) for i, size in enumerate([5, 5, 5, 20, 1, 1, 1])]
    groups = split_batches(files, max_files=3, max_bytes=10)
    assert [[f.path for f in g] for g in groups] == [["f0", "f1"], ["f2"], ["f3"], ["f4", "f5", "f6"]]


def test_many_files_at_once_run_as_bounded_batches_with_the_facts_of_one_batch(inbox, tmp_path, dagster_home,
                                                                              monkeypatch):
    one = tmp_path / "one.duckdb"
    assert run_pipeline(inbox, one) == 0
    monkeypatch.setenv("WEBFACTS_BATCH_MAX_FILES", "4")
    split = tmp_path / "split.duckdb"
    assert run_pipeline(inbox, split) == 0
    with duckdb.connect(str(split), read_only=True) as con:
        batches = con.execute("SELECT count(DISTINCT batch_id) FROM document_sources").fetchone()[0]
    assert batches == -(-len(list(inbox.rglob("*.*"))) // 4) > 1
    before, after = snapshot(one), snapshot(split)
    for table in ("raw_documents", "documents", "facts", "fact_evidence"):
        assert len(after[table]) == len(before[table]), table
    assert {r[0] for r in after["facts"]} == {r[0] for r in before["facts"]}
