"""DuckLake maintenance: the schedule, its job, and what it does to a lake that several publishes built."""
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run_pipeline
from tests.test_incremental import snapshot
from warehouse.store import Warehouse


@pytest.fixture
def many_publishes(tmp_path, dagster_home, monkeypatch) -> Warehouse:
    """The sample as four batches, four publishes: four snapshots' worth of small files and replaced tables."""
    monkeypatch.setenv("WEBFACTS_BATCH_MAX_FILES", "3")
    shutil.copytree(SAMPLE, tmp_path / "inbox")
    target = f"ducklake:{tmp_path / 'catalog.ducklake'}"
    assert run_pipeline(tmp_path / "inbox", target) == 0
    return Warehouse(target)


def counts(lake: Warehouse) -> tuple[int, int, int]:
    from warehouse.maintenance import ALL_FILES, LIVE_FILES, SNAPSHOTS
    with lake.connect() as con:
        return tuple(con.execute(sql).fetchone()[0] for sql in (LIVE_FILES, ALL_FILES, SNAPSHOTS))


def parquet_files(lake: Warehouse) -> set[Path]:
    return set(Path(lake.lake_data_path).rglob("*.parquet"))


def test_the_maintenance_job_merges_expires_and_cleans_up_a_lake_without_changing_a_row(many_publishes):
    from dagster import AssetKey, DagsterInstance

    from assets.definitions import build_definitions
    from assets.resources import WebfactsSettings
    lake = many_publishes
    tables, (live, every, snapshots), on_disk = snapshot(lake), counts(lake), parquet_files(lake)
    assert snapshots > 4 and every >= live  # a file whose rows a publish deleted stays on disk for time travel
    settings = WebfactsSettings.from_env(warehouse=lake.target, lake_retention_days=0.0)
    job = build_definitions(settings).resolve_job_def("maintain_warehouse")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance)
        assert result.success
        metadata = instance.get_latest_materialization_event(AssetKey("lake_maintenance")).asset_materialization.metadata
    report = {k: v.value for k, v in metadata.items()}
    assert report["maintained"] is True and report["retention_days"] == 0.0
    assert report["live_files_before"] == live and report["snapshots_before"] == snapshots
    assert report["files_merged"] > 0 and report["live_files_after"] < live
    assert report["snapshots_expired"] == snapshots  # every one before the merge's own, the latest
    assert report["files_deleted"] > 0
    live_after, every_after, snapshots_after = counts(lake)
    assert (live_after, snapshots_after) == (report["live_files_after"], 1) and every_after == live_after
    assert on_disk - parquet_files(lake)  # the files rewritten or merged are gone from the data path
    assert snapshot(lake) == tables  # the same rows in every table


def test_files_most_of_whose_rows_were_deleted_are_written_again_without_them(tmp_path):
    """Publishes delete the rows their batches replace wherever they were written; DuckLake merges no file with
    deletes, so maintenance first rewrites those where at least half the rows are gone."""
    from warehouse.maintenance import maintain_lake
    lake = Warehouse(f"ducklake:{tmp_path / 'catalog.ducklake'}")
    with lake.connect(read_only=False) as con:
        con.execute("CREATE TABLE facts_like (n BIGINT)")
        for start in (0, 1000, 2000):  # three files, beyond what DuckLake inlines in its catalog
            con.execute(f"INSERT INTO facts_like SELECT range FROM range({start}, {start + 1000})")
        con.execute("DELETE FROM facts_like WHERE n < 600 OR n BETWEEN 1000 AND 1100")  # 60 % and 10 % of two
        before = con.execute("SELECT sum(n), count(*) FROM facts_like").fetchone()
    report = maintain_lake(lake, retention_days=0)
    with lake.connect() as con:
        assert con.execute("SELECT sum(n), count(*) FROM facts_like").fetchone() == before
    assert report.files_rewritten == 1 and report.live_files_after < report.live_files_before


def test_a_short_retention_keeps_recent_snapshots(many_publishes):
    from warehouse.maintenance import maintain_lake
    _, _, snapshots = counts(many_publishes)
    report = maintain_lake(many_publishes, retention_days=7)  # every snapshot is minutes old
    assert report.snapshots_expired == report.files_deleted == 0
    assert counts(many_publishes)[2] == snapshots + (report.files_merged > 0)  # merging commits a snapshot


def test_a_duckdb_file_gets_its_tables_in_key_order_and_keeps_every_row(tmp_path, dagster_home, monkeypatch):
    """Publishes append their rows unsorted; maintenance rewrites the clustered tables in key order, each key's rows
    in the order they were inserted."""
    from warehouse import tables
    from warehouse.maintenance import maintain_file
    monkeypatch.setenv("WEBFACTS_BATCH_MAX_FILES", "3")
    shutil.copytree(SAMPLE, tmp_path / "inbox")
    file = Warehouse(str(tmp_path / "w.duckdb"))
    assert run_pipeline(tmp_path / "inbox", file.target) == 0
    group_order = ("SELECT subject_id, predicate, list((doc_id, sentence_index, start_char, extractor) ORDER BY rowid) "
                   "FROM claims GROUP BY ALL ORDER BY ALL")  # a fact's names are its group's first claim's
    with file.connect() as con:
        claims_in_order = con.execute(group_order).fetchall()
    before = snapshot(file)
    report = maintain_file(file)
    assert report.tables_sorted == len(tables.CLUSTERED_BY) and snapshot(file) == before
    with file.connect() as con:
        for table, columns in tables.CLUSTERED_BY.items():
            keys = ", ".join(columns)
            assert con.execute(f"SELECT count(*) FROM (SELECT ({keys}) AS k, lag(({keys})) OVER (ORDER BY rowid) "
                               f"AS p FROM {table}) WHERE p > k").fetchone()[0] == 0, table
        assert con.execute(group_order).fetchall() == claims_in_order


def test_the_schedule_is_daily_for_both_backends(tmp_path):
    from dagster import build_schedule_context

    from assets.definitions import build_definitions
    from assets.resources import WebfactsSettings
    for warehouse in (str(tmp_path / "w.duckdb"), f"ducklake:{tmp_path / 'c.ducklake'}"):
        settings = WebfactsSettings.from_env(warehouse=warehouse)
        schedule = build_definitions(settings).resolve_schedule_def("daily_warehouse_maintenance")
        assert schedule.cron_schedule == "0 4 * * *" and schedule.job_name == "maintain_warehouse"
        tick = datetime(2026, 11, 30, 4, tzinfo=timezone.utc)
        outcome = schedule.evaluate_tick(build_schedule_context(resources={"settings": settings},
                                                                scheduled_execution_time=tick))
        requests = outcome.run_requests or []
        assert [r.run_key for r in requests] == ["maintenance-20261130T0400"], outcome.skip_message
    settings = WebfactsSettings.from_env(maintenance_cron="30 1 * * 0")
    assert build_definitions(settings).resolve_schedule_def("daily_warehouse_maintenance").cron_schedule == \
        "30 1 * * 0"
