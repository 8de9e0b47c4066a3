"""Two publishes racing on one DuckLake with a PostgreSQL catalog, the `duckdb` pool bypassed on purpose.

Dagster's pool lets one publish run at a time; here two processes call publish_batch at the same moment, as two
Dagster instances sharing a catalog would. DuckLake refuses the later of two commits that both rewrite facts,
sources and entity_facts: the loser starts again from the winner's snapshot, or, out of retries, fails with the
reason and leaves its batch pending. Every snapshot shows whole publishes only.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import SAMPLE, run_pipeline
from tests.racing import run_at_once
from tests.test_ducklake import postgres_catalog  # noqa: F401  (the private PostgreSQL server fixture)
from warehouse.store import Warehouse, read_frame

BY_BATCH = ("document_sources", "quarantine", "skipped_records")
BY_DOCUMENT = ("raw_documents", "documents", "document_signatures", "document_bands", "stage_skips", "mentions",
               "claims", "fact_evidence")


def batch_frames(warehouse: Warehouse, batch_id: str) -> dict[str, pl.DataFrame]:
    """One published batch's frames as its run handed them to the publish (the facts left to the publish)."""
    frames = {t: read_frame(warehouse, f"SELECT * FROM {t} WHERE batch_id = ?", [batch_id]) for t in BY_BATCH}
    docs = frames["document_sources"]["doc_id"].unique().to_list()
    for table in BY_DOCUMENT:
        frames[table] = read_frame(warehouse, f"SELECT * FROM {table} WHERE list_contains(?, doc_id)", [docs])
    frames["entities"] = read_frame(warehouse, "SELECT * FROM entities WHERE entity_id IN (SELECT entity_id FROM "
                                               "mentions WHERE list_contains(?, doc_id))", [docs])
    return frames


def _publish_when_released(batch_id, frames, target, data_path, retries, barrier, results):
    from pipeline.facts import aggregate_facts
    from warehouse.publish import PublishConflict, publish_batch
    barrier.wait(timeout=60)
    try:
        publish_batch(batch_id, frames, Warehouse(target, data_path), aggregate_facts, conflict_retries=retries)
        results.put((batch_id, "committed", ""))
    except PublishConflict as exc:
        results.put((batch_id, "refused", str(exc)))


def race(lake: Warehouse, frames: dict[str, dict], retries: int) -> dict[str, tuple[str, str]]:
    """Each batch published by its own process, all released at once: {batch: (outcome, message)}."""
    outcomes = run_at_once(_publish_when_released, [(b, f, lake.target, lake.data_path, retries)
                                                    for b, f in frames.items()])
    return {b: (outcome, message) for b, outcome, message in outcomes}


@pytest.fixture(scope="module")
def source_batches(tmp_path_factory, dagster_home):
    """The sample as four batches published one after another into a DuckDB file, and each batch's frames."""
    root = tmp_path_factory.mktemp("race_source")
    shutil.copytree(SAMPLE, root / "inbox")
    os.environ["WEBFACTS_BATCH_MAX_FILES"] = "3"
    try:
        assert run_pipeline(root / "inbox", root / "source.duckdb") == 0
    finally:
        del os.environ["WEBFACTS_BATCH_MAX_FILES"]
    source = Warehouse(str(root / "source.duckdb"))
    batches = read_frame(source, "SELECT batch_id FROM publish_log ORDER BY published_at")["batch_id"].to_list()
    assert len(batches) == 4
    return source, {b: batch_frames(source, b) for b in batches}


def rows(lake: Warehouse, sql: str, *params) -> list[tuple]:
    with lake.connect() as con:
        return con.execute(sql, list(params)).fetchall()


def every_snapshot_is_whole_publishes(lake: Warehouse, publishes: int) -> None:
    """At every snapshot of the lake, the batches publish_log records are exactly those whose rows are there, and
    the facts reference only entities there: no commit showed half a publish."""
    checked = 0
    for (version,) in rows(lake, "SELECT snapshot_id FROM ducklake_snapshots('webfacts') ORDER BY 1"):
        at = f"AT (VERSION => {version})"
        try:
            logged = {r[0] for r in rows(lake, f"SELECT batch_id FROM publish_log {at}")}
        except Exception as exc:  # a snapshot from before the tables existed
            assert "does not exist" in str(exc) or "not found" in str(exc).lower(), exc
            continue
        present = {r[0] for r in rows(lake, f"SELECT batch_id FROM document_sources {at} UNION "
                                             f"SELECT batch_id FROM quarantine {at} UNION "
                                             f"SELECT batch_id FROM skipped_records {at}")}
        assert present == logged, version
        dangling = rows(lake, f"SELECT count(*) FROM facts {at} WHERE subject_id NOT IN "
                              f"(SELECT entity_id FROM entities {at})")[0][0]
        assert dangling == 0, version
        checked += 1
    assert checked >= publishes


FACTS = "SELECT fact_id, n_documents, n_independent, contested FROM facts ORDER BY fact_id"


@pytest.fixture
def fresh_lake(postgres_catalog, tmp_path):  # noqa: F811
    """An empty DuckLake in a database of its own on the private server."""
    import subprocess
    conninfo = postgres_catalog.removeprefix("ducklake:postgres:")
    database = f"race_{tmp_path.name[-12:].replace('-', '_').lower()}"
    host = dict(kv.split("=", 1) for kv in conninfo.split())
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    createdb = shutil.which("createdb") or sorted(Path("/usr/lib/postgresql").glob("*/bin/createdb"))[-1]
    subprocess.run(as_postgres + [str(createdb), "-h", host["host"], "-p", host["port"], "-U", "postgres", database],
                   check=True, capture_output=True)
    return Warehouse(postgres_catalog.replace("dbname=webfacts", f"dbname={database}"), str(tmp_path / "lake"))


def test_racing_publishes_both_commit_one_after_a_retry(source_batches, fresh_lake):
    from pipeline.facts import aggregate_facts
    from warehouse.publish import publish_batch
    source, frames = source_batches
    first, *racing, last = frames
    publish_batch(first, frames[first], fresh_lake, aggregate_facts)
    outcomes = race(fresh_lake, {b: frames[b] for b in racing}, retries=3)
    assert {o for o, _ in outcomes.values()} == {"committed"}, outcomes
    publish_batch(last, frames[last], fresh_lake, aggregate_facts)
    # The same warehouse as the four batches published one after another: nothing lost, nothing twice.
    assert rows(fresh_lake, FACTS) == rows(source, FACTS)
    assert rows(fresh_lake, "SELECT entity_id, n_mentions FROM entities ORDER BY 1") == \
        rows(source, "SELECT entity_id, n_mentions FROM entities ORDER BY 1")
    assert sorted(r[0] for r in rows(fresh_lake, "SELECT batch_id FROM publish_log")) == sorted(frames)
    every_snapshot_is_whole_publishes(fresh_lake, publishes=4)


def test_a_refused_publish_is_left_pending_with_its_reason_and_nothing_of_it_visible(source_batches, fresh_lake):
    from pipeline.facts import aggregate_facts
    from warehouse.integrity import integrity_report
    from warehouse.publish import publish_batch
    _, frames = source_batches
    first, *racing, _ = frames
    publish_batch(first, frames[first], fresh_lake, aggregate_facts)
    snapshots = rows(fresh_lake, "SELECT count(*) FROM ducklake_snapshots('webfacts')")[0][0]
    outcomes = race(fresh_lake, {b: frames[b] for b in racing}, retries=0)
    assert sorted(o for o, _ in outcomes.values()) == ["committed", "refused"], outcomes
    [(refused, (_, reason))] = [(b, o) for b, o in outcomes.items() if o[0] == "refused"]
    assert f"batch {refused} was not published: another publish committed" in reason
    assert "Transaction conflict" in reason and "stays pending for the next run" in reason
    assert rows(fresh_lake, "SELECT count(*) FROM ducklake_snapshots('webfacts')")[0][0] == snapshots + 1
    assert rows(fresh_lake, "SELECT count(*) FROM document_sources WHERE batch_id = ?", refused) == [(0,)]
    assert refused not in {r[0] for r in rows(fresh_lake, "SELECT batch_id FROM publish_log")}
    assert not any(integrity_report(fresh_lake).values())
    every_snapshot_is_whole_publishes(fresh_lake, publishes=2)
    publish_batch(refused, frames[refused], fresh_lake, aggregate_facts)  # the next run publishes it
    assert rows(fresh_lake, "SELECT count(*) FROM publish_log") == [(3,)]


ID_COLUMNS = ("entity_id", "subject_id", "object_id", "fact_id")


def with_new_ids(frames: dict[str, pl.DataFrame], racer: str) -> dict[str, pl.DataFrame]:
    """The batch again, its entities, facts and domains under new ids the same in every racer (rows neither finds in
    the lake: each only inserts them), its documents and inputs under ids of its own."""
    def renamed(frame: pl.DataFrame) -> pl.DataFrame:
        changes = {c: pl.col(c).map_elements(lambda v: hashlib.sha256(f"shared:{v}".encode()).hexdigest()[:len(v)],
                                             return_dtype=pl.String) for c in ID_COLUMNS if c in frame.columns}
        changes |= {c: pl.col(c).map_elements(lambda v: hashlib.sha256(f"{racer}:{v}".encode()).hexdigest()[:len(v)],
                                              return_dtype=pl.String) for c in ("doc_id", "cluster_id")
                    if c in frame.columns}
        changes |= {c: pl.lit(f"{racer}-") + pl.col(c) for c in ("input_uri", "source_uri", "batch_id")
                    if c in frame.columns}
        changes |= {c: pl.lit("shared-") + pl.col(c).fill_null("none") for c in ("domain", "site")
                    if c in frame.columns}
        return frame.with_columns(**changes)
    return {table: renamed(frame) for table, frame in frames.items()}


def test_racing_publishes_that_only_insert_the_same_new_rows_still_conflict(source_batches, fresh_lake):
    """DuckLake lets two transactions that only insert into a table both commit: two batches naming the same new
    entity, fact and domain would each insert it once, and each publish's checks see only its own. Every publish
    replaces the views, so the later commit is refused all the same."""
    from pipeline.facts import aggregate_facts
    from warehouse.publish import publish_batch
    _, frames = source_batches
    first = next(iter(frames))
    publish_batch(first, frames[first], fresh_lake, aggregate_facts)
    racers = {racer: with_new_ids(frames[first], racer) for racer in ("racer-a", "racer-b")}
    outcomes = race(fresh_lake, racers, retries=0)
    assert sorted(o for o, _ in outcomes.values()) == ["committed", "refused"], outcomes
    assert "Transaction conflict" in next(message for outcome, message in outcomes.values() if outcome == "refused")
    assert rows(fresh_lake, "SELECT count(*) - count(DISTINCT entity_id) FROM entities") == [(0,)]
