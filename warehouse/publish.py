"""Publish a batch into the warehouse, atomically and idempotently.

The batch's rows are replaced (delete, then insert), entity aggregates and facts are recomputed from all
claims and the integrity checks run, all in one transaction that commits only when the checks pass.

A DuckDB file is published by copy and rename: the live file is copied aside, the transaction runs on the
copy, and the copy is renamed over the live file. A reader that already opened the old file keeps a
consistent snapshot, new connections see the new one, and a crash mid-publish leaves the previous
warehouse intact. A DuckLake warehouse needs no copy: its transaction commits as one snapshot, so readers
see whole publishes only, and a failed publish leaves no snapshot behind. A lock file beside the local
file serialises publishers.

DuckLake has no PRIMARY KEY, UNIQUE, ON CONFLICT or indexes, so the SQL here uses none of them: new rows
are inserted where their key is absent (NOT EXISTS), and KEYS drives both the DuckDB file's primary keys
and the integrity check that enforces them on either backend.
"""
from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import sqlite3
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable

import duckdb
import polars as pl

from schemas import ENTITY_TYPES
from warehouse.store import HAS_TABLES, Warehouse, arrow_frame, as_warehouse

SQL_DIR = Path(__file__).parent
BATCH_TABLES = ("document_sources", "quarantine", "skipped_records")   # replaced by batch_id
DOCUMENT_TABLES = ("documents", "document_signatures", "stage_skips", "mentions", "claims", "fact_evidence")
TABLES = ("raw_documents",) + BATCH_TABLES + DOCUMENT_TABLES + ("entities", "facts", "sources")
# Each table's key. The DuckDB file declares them as primary keys; DuckLake cannot, so the keys_unique and
# fact_id_unique checks hold both backends to them.
KEYS = {
    "raw_documents": ("doc_id",), "document_sources": ("doc_id", "input_uri"), "skipped_records": ("input_uri",),
    "documents": ("doc_id",), "entities": ("entity_id",), "facts": ("fact_id",), "document_signatures": ("doc_id",),
}
# Keys of the tables derived.sql rebuilds at every publish: held by the keys_unique check alone.
DERIVED_KEYS = {"sources": ("domain",)}
QUARANTINE_IDENTITY = ("source_uri", "sha256", "reason")  # no key (sha256 may be NULL), but no repeats either


class PublishError(RuntimeError):
    pass


def _duplicate_keys(tables) -> str:
    keys = KEYS | DERIVED_KEYS
    return " UNION ALL ".join(
        f"SELECT '{t}' AS table_name, concat_ws(' | ', {', '.join(keys[t])}) AS key, count(*) AS n FROM {t} "
        f"GROUP BY ALL HAVING count(*) > 1" for t in tables)


# Each query returns the violating rows; publishing rolls back instead of committing if any returns one.
INTEGRITY_CHECKS = {
    "fact_id_unique": _duplicate_keys(["facts"]),
    "keys_unique": _duplicate_keys([t for t in KEYS | DERIVED_KEYS if t != "facts"]),
    "facts_reference_entities": """
        SELECT f.fact_id, f.subject_id, f.object_id FROM facts f
        WHERE f.subject_id NOT IN (SELECT entity_id FROM entities)
           OR (f.object_id IS NOT NULL AND f.object_id NOT IN (SELECT entity_id FROM entities))""",
    "evidence_references_facts_and_documents": """
        SELECT e.fact_id, e.doc_id FROM fact_evidence e
        WHERE e.fact_id NOT IN (SELECT fact_id FROM facts) OR e.doc_id NOT IN (SELECT doc_id FROM documents)""",
    "mentions_reference_entities_and_documents": """
        SELECT m.doc_id, m.entity_id, m.surface FROM mentions m
        WHERE m.entity_id NOT IN (SELECT entity_id FROM entities) OR m.doc_id NOT IN (SELECT doc_id FROM documents)""",
    "sources_reference_raw_documents": """
        SELECT s.doc_id, s.input_uri FROM document_sources s WHERE s.doc_id NOT IN (SELECT doc_id FROM raw_documents)""",
}


class IntegrityError(PublishError):
    def __init__(self, results: dict[str, list[tuple]]):
        self.results = results
        broken = {k: len(v) for k, v in results.items() if v}
        super().__init__(f"warehouse integrity violated, not published: {broken}")


def read_write_holder(warehouse: "Warehouse | str | Path") -> bool:
    """True when another process has the DuckDB-file warehouse open read-write (DuckDB then holds a write lock).

    Publishing does not need that process's lock (the new file is renamed in), but whatever it
    writes goes to a file that is about to be replaced. A DuckLake warehouse is never replaced.
    """
    warehouse = as_warehouse(warehouse)
    path = warehouse.local_file
    return not warehouse.is_lake and path.exists() and held_by_another(path)


def held_by_another(path: Path, lock=fcntl.lockf) -> bool:
    """True when another process holds a lock on the file: lockf for DuckDB's own, flock for the publish lock."""
    with open(path, "rb") as fh:
        try:
            lock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        lock(fh, fcntl.LOCK_UN)
    return False


READ_WRITE_WARNING = ("{path} is open read-write by another process: its changes will be lost when this run "
                      "publishes. Open the warehouse with duckdb.connect('{path}', read_only=True) in notebooks.")
DISK_FULL = f"the disk is full (ENOSPC: {os.strerror(errno.ENOSPC)})"


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC however it surfaces: an OSError's errno, SQLite's SQLITE_FULL, or DuckDB's message (its
    exceptions carry no errno, only the strerror text)."""
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or os.strerror(errno.ENOSPC) in str(exc)


def check_integrity(con) -> dict[str, list[tuple]]:
    return {name: con.execute(sql + " LIMIT 20").fetchall() for name, sql in INTEGRITY_CHECKS.items()}


@contextmanager
def publish_lock(path: Path | None):
    """Serialises publishers on this machine. A server catalog has no local file: there the Dagster pool
    allows one publisher, and DuckLake refuses a commit that conflicts with another.

    The holder removes the lock file when it is done, so none is left beside the warehouse; a waiter that then
    holds the lock of a removed file tries again on the current one. A process killed while holding it loses the
    lock with its file descriptor, and the next publisher takes over the file it left.
    """
    if path is None:
        yield
        return
    lock = Path(f"{path}.lock")
    while True:
        fh = open(lock, "a")
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            if os.fstat(fh.fileno()).st_ino == os.stat(lock).st_ino:
                break
        except FileNotFoundError:
            pass
        fh.close()  # locked a file the previous holder had already removed
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
        fh.close()


Progress = Callable[[int, int], None]  # (steps done, PUBLISH_STEPS)
# Replace the batch's rows, insert the new ones, entities, facts, derived tables and checks, commit.
PUBLISH_STEPS = 6


def publish_batch(batch_id: str, frames: dict[str, pl.DataFrame], warehouse: "Warehouse | str | Path",
                  aggregate_facts: Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame],
                  progress: Progress | None = None) -> dict[str, int]:
    """Merge one batch's frames into the warehouse; returns row counts per table. progress(done, total) is told
    of each of the PUBLISH_STEPS as it ends.

    frames: raw_documents, document_sources, quarantine, skipped_records (this batch's inputs),
    documents, document_signatures, stage_skips, mentions, claims, fact_evidence (documents new
    in this batch), entities (entities those documents mention).
    """
    missing = set(TABLES) - {"facts", "sources"} - set(frames)
    if missing:
        raise PublishError(f"cannot publish batch {batch_id}: missing frames {sorted(missing)}")
    warehouse = as_warehouse(warehouse)
    folders = [p.parent for p in [warehouse.local_file] if p is not None]
    if warehouse.is_lake and "://" not in warehouse.lake_data_path and warehouse.lake_data_path:
        folders.append(Path(warehouse.lake_data_path))
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PublishError(f"cannot create warehouse folder {folder}: {exc.strerror}") from exc
    try:
        with publish_lock(warehouse.local_file):
            if not warehouse.is_lake:
                return _publish_file(batch_id, frames, warehouse.local_file, aggregate_facts, progress)
            return _publish_lake(batch_id, frames, warehouse, aggregate_facts, progress)
    except (OSError, duckdb.Error) as exc:
        where = f" (data path {warehouse.lake_data_path})" if warehouse.is_lake else ""
        raise PublishError(f"cannot publish warehouse {warehouse}{where}: {_reason(warehouse, exc)}; the previous "
                           f"warehouse is unchanged") from exc


def _reason(warehouse: Warehouse, exc: BaseException) -> str:
    """What went wrong, on one line (the CLI shows the first line of a failure)."""
    if is_disk_full(exc):
        return DISK_FULL
    detail = " ".join(str(exc).split())
    if warehouse.is_lake and "Could not set lock" in detail:  # e.g. an analyst's notebook, even read-only
        return (f"another process has the catalog {warehouse.local_file} open, and a DuckDB-file catalog takes one "
                f"process at a time (close that connection, or use a PostgreSQL catalog): {detail}")
    return detail


def _publish_file(batch_id, frames, path: Path, aggregate_facts, progress: Progress | None) -> dict[str, int]:
    """Build the new file beside the live one, make it durable, rename it in."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        remove_stale_builds(path)
        tmp.unlink(missing_ok=True)
        if path.exists():
            shutil.copyfile(path, tmp)
        with duckdb.connect(str(tmp)) as con:
            counts = _merge(con, batch_id, frames, aggregate_facts, primary_keys=True, progress=progress)
            con.execute("CHECKPOINT")
        _fsync(tmp)
        Path(f"{path}.wal").unlink(missing_ok=True)  # a stale WAL would replay onto the new file
        os.replace(tmp, path)
        _fsync(path.parent)
    finally:
        tmp.unlink(missing_ok=True)  # after a successful rename it is already gone
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return counts


def _publish_lake(batch_id, frames, warehouse: Warehouse, aggregate_facts,
                  progress: Progress | None) -> dict[str, int]:
    """One DuckLake transaction. A rollback removes the data files the transaction wrote, except one whose
    write failed (ENOSPC leaves it empty): those are removed here, for a local catalog, whose lock rules out
    any other writer's files appearing meanwhile."""
    before = _local_data_files(warehouse)
    try:
        with warehouse.connect(read_only=False) as con:
            return _merge(con, batch_id, frames, aggregate_facts, primary_keys=False, progress=progress)
    except BaseException:
        for leftover in _local_data_files(warehouse) - before:
            leftover.unlink(missing_ok=True)
        raise


def _local_data_files(warehouse: Warehouse) -> set[Path]:
    folder = Path(warehouse.lake_data_path)
    if warehouse.local_file is None or "://" in warehouse.lake_data_path or not folder.exists():
        return set()
    return {p for p in folder.rglob("*") if p.is_file()}


def remove_stale_builds(path: Path) -> None:
    """Half-built files of publishers that died (kill -9, power loss): `<name>.tmp-<pid>` and whatever DuckDB
    keeps beside it (`.tmp-<pid>.wal`, ...); the live file never was one of them."""
    for stale in path.parent.glob(f"{path.name}.tmp-*"):
        pid = re.match(r"(\d+)", stale.name[len(path.name) + len(".tmp-"):])
        if pid and int(pid.group(1)) != os.getpid() and not Path(f"/proc/{pid.group(1)}").exists():
            stale.unlink(missing_ok=True)


def _merge(con, batch_id, frames, aggregate_facts, primary_keys: bool,
           progress: Progress | None = None) -> dict[str, int]:
    """The whole publish as one transaction on `con`, committed only if every integrity check passes."""
    step = iter(range(1, PUBLISH_STEPS + 1))
    done = (lambda: progress(next(step), PUBLISH_STEPS)) if progress else (lambda: None)  # noqa: E731
    con.execute("BEGIN TRANSACTION")
    try:
        if not con.execute(HAS_TABLES).fetchone()[0]:
            con.execute((SQL_DIR / "schema.sql").read_text())
            if primary_keys:  # DuckLake has none; keys_unique checks it instead
                for table, key in KEYS.items():
                    con.execute(f"ALTER TABLE {table} ADD PRIMARY KEY ({', '.join(key)})")
        _require_current_columns(con)
        for table in BATCH_TABLES:
            con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
        doc_ids = frames["documents"].select("doc_id")
        con.register("batch_docs", doc_ids.to_arrow())
        for table in DOCUMENT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM batch_docs)")
        _supersede_earlier_versions(con, batch_id, frames)
        done()
        for table in ("raw_documents", "document_sources", "skipped_records"):  # first sighting wins
            _insert_new(con, table, frames[table], KEYS[table])
        _insert_new(con, "quarantine", frames["quarantine"], QUARANTINE_IDENTITY)
        for table in DOCUMENT_TABLES:
            _insert(con, table, frames[table])
        for table in ("raw_documents",) + DOCUMENT_TABLES:  # documents only superseded versions carried
            con.execute(f"DELETE FROM {table} WHERE doc_id NOT IN (SELECT doc_id FROM document_sources)")
        done()
        _merge_entities(con, frames["entities"])
        done()
        _replace_facts(con, aggregate_facts)
        done()
        con.execute((SQL_DIR / "derived.sql").read_text())
        con.execute((SQL_DIR / "views.sql").read_text())
        integrity = check_integrity(con)
        if any(integrity.values()):
            raise IntegrityError(integrity)
        done()
        con.execute("COMMIT")
        done()
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # a failed COMMIT has already rolled back
        raise
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _supersede_earlier_versions(con, batch_id: str, frames: dict[str, pl.DataFrame]) -> None:
    """A file this batch read replaces what earlier batches read from it: a new version of an input (a file
    rewritten, or one first ingested half-written) must not count as a second source beside its old version.

    Rows of earlier batches for the batch's files (the part of an input URI before '#': the file, or the URL of a
    fetched page) are removed unless this batch has the same row again. A later stage's quarantine row (no main
    content) stays while the input still carries the same document. Documents no input carries any more are
    removed after the inserts, and with them their claims.
    """
    file_of = "split_part({}, '#', 1)"
    sources = frames["document_sources"].select("doc_id", "input_uri")
    con.register("batch_sources", sources.to_arrow())
    con.register("batch_quarantine", frames["quarantine"].select(*QUARANTINE_IDENTITY).to_arrow())
    con.register("batch_skipped", frames["skipped_records"].select("input_uri", "record_type").to_arrow())
    con.execute(f"""CREATE OR REPLACE TEMP TABLE batch_files AS
        SELECT DISTINCT {file_of.format('input_uri')} AS f FROM batch_sources
        UNION SELECT DISTINCT {file_of.format('source_uri')} FROM batch_quarantine
        UNION SELECT DISTINCT {file_of.format('input_uri')} FROM batch_skipped""")
    earlier = "o.batch_id <> ? AND {} IN (SELECT f FROM batch_files)"
    same = " AND ".join(f"o.{c} IS NOT DISTINCT FROM n.{c}" for c in QUARANTINE_IDENTITY)
    con.execute(f"""DELETE FROM quarantine o WHERE {earlier.format(file_of.format('o.source_uri'))}
        AND NOT EXISTS (SELECT 1 FROM batch_quarantine n WHERE {same})
        AND NOT EXISTS (SELECT 1 FROM document_sources s JOIN batch_sources n USING (doc_id, input_uri)
                        WHERE s.input_uri = o.source_uri)""", [batch_id])
    con.execute(f"""DELETE FROM document_sources o WHERE {earlier.format(file_of.format('o.input_uri'))}
        AND NOT EXISTS (SELECT 1 FROM batch_sources n WHERE n.doc_id = o.doc_id AND n.input_uri = o.input_uri)""",
                [batch_id])
    con.execute(f"""DELETE FROM skipped_records o WHERE {earlier.format(file_of.format('o.input_uri'))}
        AND NOT EXISTS (SELECT 1 FROM batch_skipped n WHERE n.input_uri = o.input_uri
                        AND n.record_type = o.record_type)""", [batch_id])
    for name in ("batch_sources", "batch_quarantine", "batch_skipped"):
        con.unregister(name)
    con.execute("DROP TABLE batch_files")


def integrity_report(warehouse: "Warehouse | str | Path") -> dict[str, list[tuple]]:
    with as_warehouse(warehouse).connect(read_only=True) as con:
        return check_integrity(con)


@lru_cache(maxsize=1)
def _declared_columns() -> dict[str, list[str]]:
    """Each table's columns as warehouse/schema.sql declares them."""
    with duckdb.connect() as scratch:
        scratch.execute((SQL_DIR / "schema.sql").read_text())
        tables = [r[0] for r in scratch.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {t: _columns(scratch, t) for t in tables}


def missing_columns(con) -> dict[str, list[str]]:
    """The columns warehouse/schema.sql declares that the warehouse on `con` lacks, per table."""
    existing = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                          "WHERE database_name = current_database()").fetchall()}
    live = {t: _columns(con, t) if t in existing else [] for t in _declared_columns()}
    return {t: missing for t, declared in _declared_columns().items()
            if (missing := [c for c in declared if c not in live[t]])}


def older_warehouse_message(table: str, missing: list[str]) -> str:
    return (f"the warehouse's {table} table has no column {', '.join(missing)}: it was built by an older webfacts; "
            "rebuild it (make clean, then webfacts run)")


def _require_current_columns(con) -> None:
    """Never drop a column silently: a warehouse an older webfacts built may lack one (issue 16 adds migrations)."""
    for table, missing in missing_columns(con).items():
        raise PublishError(older_warehouse_message(table, missing))


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def _insert(con, table: str, frame: pl.DataFrame) -> None:
    columns = _columns(con, table)
    con.register("incoming", frame.select(columns).to_arrow())
    con.execute(f"INSERT INTO {table} SELECT {', '.join(columns)} FROM incoming")
    con.unregister("incoming")


def _insert_new(con, table: str, frame: pl.DataFrame, identity: tuple[str, ...]) -> None:
    """Insert rows whose identity is not there yet, once each (identity columns may hold NULLs)."""
    columns = _columns(con, table)
    same = " AND ".join(f"o.{c} IS NOT DISTINCT FROM n.{c}" for c in identity)
    con.register("incoming", frame.select(columns).to_arrow())
    con.execute(f"INSERT INTO {table} SELECT DISTINCT ON ({', '.join('n.' + c for c in identity)}) "
                f"{', '.join('n.' + c for c in columns)} FROM incoming n "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE {same})")
    con.unregister("incoming")


def _merge_entities(con, entities: pl.DataFrame) -> None:
    """Keep each entity's fullest name, add new entities, then recount everything from the mentions table."""
    incoming = entities.select("entity_id", "name", "type")
    con.register("incoming", incoming.to_arrow())
    con.execute("UPDATE entities SET name = n.name FROM incoming n "
                "WHERE entities.entity_id = n.entity_id AND length(n.name) > length(entities.name)")
    con.unregister("incoming")
    _insert_new(con, "entities", incoming.with_columns(aliases=pl.lit([], pl.List(pl.String)), n_mentions=0,
                                                       n_documents=0), KEYS["entities"])
    con.execute("""
        UPDATE entities SET aliases = m.aliases, n_mentions = m.n, n_documents = m.d
        FROM (SELECT entity_id, list(DISTINCT surface ORDER BY surface) AS aliases, count(*) AS n,
                     count(DISTINCT doc_id) AS d FROM mentions GROUP BY entity_id) m
        WHERE entities.entity_id = m.entity_id""")
    # One type per entity, voted over all its mentions in all documents (pipeline.entities.voted_types).
    con.execute("""
        UPDATE entities SET type = v.type
        FROM (SELECT entity_id, type FROM (
                SELECT entity_id, type, row_number() OVER (
                    PARTITION BY entity_id ORDER BY count(*) DESC, coalesce(list_position({priority}, type), 99)) AS r
                FROM mentions GROUP BY entity_id, type) WHERE r = 1) v
        WHERE entities.entity_id = v.entity_id AND entities.type <> v.type""".format(priority=ENTITY_TYPES))
    con.execute("DELETE FROM entities WHERE entity_id NOT IN (SELECT entity_id FROM mentions)")


def _replace_facts(con, aggregate_facts) -> None:
    claims = arrow_frame(con.execute("SELECT * FROM claims"))
    docs = arrow_frame(con.execute(
        "SELECT d.doc_id, d.cluster_id, r.first_seen_at, d.published_date FROM documents d "
        "JOIN raw_documents r USING (doc_id)"))
    facts = aggregate_facts(claims, docs) if claims.height else None
    con.execute("DELETE FROM facts")
    if facts is not None:
        _insert(con, "facts", facts)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
