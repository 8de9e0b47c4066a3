"""The DuckLake backend end to end: the sample corpus into a local DuckLake catalog gives the DuckDB file's facts."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.conftest import SAMPLE, run_pipeline
from tests.test_incremental import snapshot
from warehouse.store import Warehouse, extension_file, read_frame


@pytest.mark.parametrize("value, target, local_file", [
    ("w.duckdb", "{cwd}/w.duckdb", "{cwd}/w.duckdb"),
    ("ducklake:lake/catalog.ducklake", "ducklake:{cwd}/lake/catalog.ducklake", "{cwd}/lake/catalog.ducklake"),
    ("ducklake:duckdb:/srv/c.ducklake", "ducklake:/srv/c.ducklake", "/srv/c.ducklake"),
    ("ducklake:postgres:dbname=webfacts host=pg", "ducklake:postgres:dbname=webfacts host=pg", None),
])
def test_warehouse_setting_forms(value, target, local_file, tmp_path, monkeypatch):
    from pipeline.config import settings_from_env
    monkeypatch.chdir(tmp_path)
    settings = settings_from_env({"WEBFACTS_WAREHOUSE": value})
    assert settings.warehouse == target.format(cwd=tmp_path)
    store = Warehouse(settings.warehouse)
    assert store.local_file == (Path(local_file.format(cwd=tmp_path)) if local_file else None)
    assert store.is_lake == value.startswith("ducklake:")


def test_server_catalog_keeps_the_ledger_in_its_database_and_needs_its_extension():
    from assets.resources import WebfactsSettings
    from pipeline.batches import PostgresLedger
    from warehouse.store import WarehouseConfigError
    settings = WebfactsSettings.from_env(warehouse="ducklake:postgres:dbname=webfacts host=127.0.0.1 port=1")
    assert settings.ledger == PostgresLedger("dbname=webfacts host=127.0.0.1 port=1")
    assert WebfactsSettings.from_env(warehouse=settings.warehouse, batch_ledger="/srv/b.sqlite").ledger == \
        Path("/srv/b.sqlite")
    with pytest.raises(WarehouseConfigError, match="set WEBFACTS_LEDGER"):  # a server DuckLake has no ledger of
        Warehouse("ducklake:mysql:db=webfacts host=127.0.0.1").ledger()   # its own here
    with pytest.raises(duckdb.Error, match="(?i)connection refused|could not connect"):  # the extension loaded
        settings.store.connect()


@pytest.fixture(scope="module")
def lake(tmp_path_factory, dagster_home) -> Warehouse:
    root = tmp_path_factory.mktemp("lake")
    shutil.copytree(SAMPLE, root / "inbox")
    target = f"ducklake:{root / 'catalog.ducklake'}"
    assert run_pipeline(root / "inbox", target) == 0
    return Warehouse(target)


def rows(warehouse, sql, *params):
    with warehouse.connect() as con:
        return con.execute(sql, params).fetchall()


def hold(lake: Warehouse, read_only: bool) -> subprocess.Popen:
    """Another process with the catalog attached (a publisher, or an analyst), until killed."""
    attach = f"ATTACH '{lake.target}' AS lake" + (" (READ_ONLY)" if read_only else "")
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect(); "
                               f"c.execute(\"LOAD '{extension_file('ducklake')}'\"); c.execute(\"{attach}\"); "
                               "print('open', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    return holder


def latest_snapshot(lake: Warehouse) -> int:
    return rows(lake, "SELECT max(snapshot_id) FROM ducklake_snapshots('webfacts')")[0][0]


# A batch's frames, as publish_batch takes them (here: every row the lake holds).
BATCH_FRAMES = ("raw_documents", "document_sources", "quarantine", "skipped_records", "documents",
                "document_signatures", "document_bands", "stage_skips", "entities", "mentions", "claims",
                "fact_evidence")
FACTS = "SELECT fact_id, subject, predicate, object, n_documents, n_independent, contested, round(confidence, 9) " \
        "FROM facts ORDER BY fact_id"


def test_same_facts_entities_and_sources_as_the_duckdb_file(lake, sample_warehouse):
    file = Warehouse(str(sample_warehouse))
    lake_facts = rows(lake, FACTS)
    assert len(lake_facts) > 20 and any(f[6] for f in lake_facts)  # contested facts too
    assert lake_facts == rows(file, FACTS)
    for sql in ("SELECT * FROM entities ORDER BY entity_id", "SELECT * FROM sources ORDER BY site",
                "SELECT * EXCLUDE (first_seen_at) FROM raw_documents ORDER BY doc_id",
                "SELECT * FROM documents ORDER BY doc_id", "SELECT * FROM mentions ORDER BY ALL",
                "SELECT * FROM fact_evidence ORDER BY ALL",
                "SELECT subject, object, competing_objects, site FROM contested_facts ORDER BY ALL"):
        assert rows(lake, sql) == rows(file, sql), sql


def test_tables_views_and_comments_are_the_duckdb_files(lake, sample_warehouse):
    catalog = ("SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
               "WHERE database_name = current_database() ORDER BY ALL")
    lake_columns = rows(lake, catalog)
    assert lake_columns == rows(Warehouse(str(sample_warehouse)), catalog)  # views' columns included
    assert [c for c in lake_columns if c[3] is None and c[0] not in ("fact_sources", "contested_facts")] == []
    views = "SELECT view_name, comment FROM duckdb_views() WHERE database_name = current_database() ORDER BY 1"
    assert [v[0] for v in rows(lake, views)] == ["contested_facts", "fact_sources"]
    assert all(v[1] for v in rows(lake, views))


def test_cli_facts_prints_the_same_table_as_for_the_duckdb_file(lake, sample_warehouse, capsys):
    from assets.cli import main
    capsys.readouterr()
    assert main(["facts", "--about", "tides of glass", "--warehouse", lake.target]) == 0
    from_lake = capsys.readouterr().out
    assert main(["facts", "--about", "tides of glass", "--warehouse", str(sample_warehouse)]) == 0
    assert from_lake == capsys.readouterr().out and "CONTESTED" in from_lake and "Harbor Review" in from_lake


def test_second_unchanged_run_commits_no_snapshot(lake, capsys):
    before, tables = latest_snapshot(lake), snapshot(lake)
    capsys.readouterr()
    assert run_pipeline(lake.local_file.parent / "inbox", lake.target) == 0
    out = capsys.readouterr().out
    assert "no extraction work" in out and f"facts               {len(tables['facts'])}\n" in out  # summary
    assert latest_snapshot(lake) == before and snapshot(lake) == tables


def test_republishing_a_batch_commits_one_snapshot_and_changes_no_row(lake):
    from dagster import DagsterInstance

    from assets.definitions import build_definitions
    from assets.resources import WebfactsSettings
    from pipeline.batches import connect, ledger_path
    before, tables = latest_snapshot(lake), snapshot(lake)
    batch_id = connect(ledger_path(lake.local_file)).execute("SELECT batch_id FROM batches").fetchone()[0]
    settings = WebfactsSettings.from_env(inbox=str(lake.local_file.parent / "inbox"), warehouse=lake.target)
    job = build_definitions(settings).resolve_job_def("materialize_all")
    with DagsterInstance.get() as instance:
        assert job.execute_in_process(instance=instance, partition_key=batch_id).success
    assert latest_snapshot(lake) == before + 1  # it did publish, as one snapshot
    assert snapshot(lake) == tables


def test_failed_integrity_check_commits_nothing(lake):
    from pipeline.facts import aggregate_facts
    from warehouse.publish import IntegrityError, publish_batch
    frames = {t: read_frame(lake, f"SELECT * FROM {t}") for t in BATCH_FRAMES}
    frames["documents"] = pl.concat([frames["documents"], frames["documents"].head(1)])  # a repeated key
    before, tables = latest_snapshot(lake), snapshot(lake)
    with pytest.raises(IntegrityError) as failed:
        publish_batch("broken", frames, lake, aggregate_facts)
    assert failed.value.results["keys_unique"][0][0] == "documents"
    assert latest_snapshot(lake) == before and snapshot(lake) == tables  # the deletes and inserts rolled back


def test_unwritable_data_path_is_one_clear_error_naming_it(lake, tmp_path):
    from pipeline.facts import aggregate_facts
    from warehouse.publish import PublishError, publish_batch
    not_a_folder = tmp_path / "plain_file"
    not_a_folder.write_text("a file where the data folder should be")
    target = Warehouse(f"ducklake:{tmp_path / 'new.ducklake'}", data_path=str(not_a_folder / "data"))
    frames = {t: read_frame(lake, f"SELECT * FROM {t}") for t in BATCH_FRAMES}
    with pytest.raises(PublishError, match=f"cannot create warehouse folder {not_a_folder / 'data'}: Not a directory"):
        publish_batch("b", frames, target, aggregate_facts)
    assert not target.local_file.exists()  # no half-made catalog either


def test_analyst_attaches_read_only_from_plain_duckdb(lake):
    con = duckdb.connect()
    con.execute(f"LOAD '{extension_file('ducklake')}'")
    con.execute(f"ATTACH '{lake.target}' AS lake (READ_ONLY)")
    assert con.execute("SELECT count(*) FROM lake.facts WHERE contested").fetchone()[0] == 2
    directors = con.execute("SELECT object, competing_objects FROM lake.contested_facts WHERE predicate = "
                            "'director' GROUP BY ALL ORDER BY 1").fetchall()
    assert directors == [("Jonah Reyes", ["Marisol Okafor"]), ("Marisol Okafor", ["Jonah Reyes"])]
    with pytest.raises(duckdb.Error, match="read-only"):
        con.execute("DELETE FROM lake.facts")
    con.close()


def test_reads_during_a_publish_in_another_process_see_the_last_commit(lake):
    """A DuckDB-file catalog is locked by the process writing it; the assets' reads then use a copy."""
    n_facts = rows(lake, "SELECT count(*) FROM facts")[0][0]
    holder = hold(lake, read_only=False)
    try:
        with pytest.raises(duckdb.IOException, match="lock"):
            lake.connect().close()
        counts = read_frame(lake, "SELECT count(*) AS n FROM facts")
    finally:
        holder.kill()
        holder.wait()
    assert counts["n"][0] == n_facts > 0


def test_an_analyst_holding_a_local_catalog_blocks_publishing_with_a_clear_error(lake):
    """The local catalog is a DuckDB file: one process at a time, even read-only (PostgreSQL has no such limit)."""
    from pipeline.facts import aggregate_facts
    from warehouse.publish import PublishError, publish_batch
    frames = {t: read_frame(lake, f"SELECT * FROM {t}") for t in BATCH_FRAMES}
    before = latest_snapshot(lake)
    analyst = hold(lake, read_only=True)
    try:
        with pytest.raises(PublishError, match=f"another process has the catalog {lake.local_file} open"):
            publish_batch("while-reading", frames, lake, aggregate_facts)
    finally:
        analyst.kill()
        analyst.wait()
    assert latest_snapshot(lake) == before


@pytest.fixture(scope="module")
def postgres_catalog():
    """A private PostgreSQL server on a Unix socket (no TCP), for the production catalog; skipped without one."""
    import glob
    import pwd
    import tempfile
    # Debian keeps them off PATH, in /usr/lib/postgresql/<version>/bin
    bindir = next((Path(p).resolve().parent for p in [shutil.which("initdb"), *sorted(glob.glob(
        "/usr/lib/postgresql/*/bin/initdb"))] if p and Path(p).resolve().with_name("pg_ctl").exists()), None)
    if bindir is None:
        pytest.skip("PostgreSQL server programs (initdb, pg_ctl) are not installed (.ci/run installs them)")
    as_postgres = []
    if os.geteuid() == 0:  # the server refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a postgres user to run the server as")
        as_postgres = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--"]
    home = Path(tempfile.mkdtemp(prefix="webfacts-pg-"))  # short: a socket path has a length limit
    if as_postgres:
        shutil.chown(home, "postgres")
    port = "5999"
    try:
        subprocess.run(as_postgres + [f"{bindir}/initdb", "-D", str(home / "data"), "--auth=trust",
                                      "--username=postgres", "-E", "UTF8"], check=True, capture_output=True)
        subprocess.run(as_postgres + [f"{bindir}/pg_ctl", "-D", str(home / "data"), "-l", str(home / "log"), "-w", "-o",
                                      f"-k {home} -c listen_addresses= -p {port}", "start"], check=True,
                       capture_output=True)
        subprocess.run(as_postgres + [f"{bindir}/createdb", "-h", str(home), "-p", port, "-U", "postgres", "webfacts"],
                       check=True, capture_output=True)
        yield f"ducklake:postgres:dbname=webfacts host={home} port={port} user=postgres"
    finally:
        try:
            subprocess.run(as_postgres + [f"{bindir}/pg_ctl", "-D", str(home / "data"), "-m", "fast", "-w", "stop"],
                           capture_output=True)
        finally:  # the folder goes even when the server never started
            shutil.rmtree(home, ignore_errors=True)


def test_postgres_catalog_end_to_end(postgres_catalog, sample_warehouse, tmp_path, monkeypatch, capsys):
    """The production configuration (docs/scaling.md) on a real PostgreSQL: the DuckDB file's facts, no-op rerun,
    the batch ledger in the catalog's database (schema webfacts_ledger), no file for it anywhere."""
    from pipeline.batches import PostgresLedger, pending_batches
    monkeypatch.delenv("WEBFACTS_LEDGER", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WEBFACTS_DUCKLAKE_DATA_PATH", str(tmp_path / "lake"))
    lake = Warehouse(postgres_catalog)
    assert not lake.exists()  # an empty catalog database, before the first publish
    assert run_pipeline(SAMPLE, postgres_catalog) == 0
    assert rows(lake, FACTS) == rows(Warehouse(str(sample_warehouse)), FACTS)
    assert list((tmp_path / "lake").rglob("*.parquet"))  # the data path is where the rows went
    ledger = PostgresLedger(postgres_catalog.removeprefix("ducklake:postgres:"))
    assert pending_batches(ledger) == [] and rows(lake, "SELECT count(*) FROM publish_log")[0][0] == 1
    with duckdb.connect() as con:  # the ledger's tables, in their own schema of the catalog's database
        con.execute(f"LOAD '{extension_file('postgres_scanner')}'")
        con.execute(f"ATTACH '{ledger.conninfo}' AS pg (TYPE postgres, READ_ONLY)")
        assert con.execute("SELECT count(*) FROM pg.webfacts_ledger.batches WHERE published_at IS NOT NULL"
                           ).fetchone()[0] == 1
    assert not list(tmp_path.rglob("*.sqlite")) and not list(Path.cwd().glob("*.sqlite"))
    before = latest_snapshot(lake)
    capsys.readouterr()
    assert run_pipeline(SAMPLE, postgres_catalog) == 0
    assert "no extraction work" in capsys.readouterr().out and latest_snapshot(lake) == before
