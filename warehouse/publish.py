"""Publish a batch into the warehouse, atomically and idempotently, at a cost that follows the batch.

The batch's rows are replaced (delete, then insert), and what depends on them is updated for what they changed,
not rebuilt: the facts of the (subject_id, predicate) groups the batch's claims and its removed documents' claims
belong to (the batch's facts asset computed them, `frames["facts"]`), the counts of the entities their mentions
name, the derived tables (warehouse/derived.py) and the integrity checks over the rows written
(warehouse/integrity.py), all in one transaction that commits only when the checks pass. The tables are the ones
schemas/ declares (warehouse/tables.py): an empty warehouse gets them, an older one is migrated first.

The facts asset aggregates the earlier claims of the batch's groups plus the batch's. If the warehouse changed
after that read (another batch published meanwhile: `make dev` runs two batches at once; or this batch replaced
an earlier version of a file, whose claims go), those facts are stale, and the publish computes them again from
the claims it now holds, with the same function; `publish_log` records which happened.

A DuckDB file is published by copy and rename: the live file is copied aside, the transaction runs on the
copy, and the copy is renamed over the live file. A reader that already opened the old file keeps a
consistent snapshot, new connections see the new one, and a crash mid-publish leaves the previous
warehouse intact; the copy is the one part of its publish that grows with the warehouse. A DuckLake warehouse
needs no copy: its transaction commits as one snapshot, so readers see whole publishes only, and a failed publish
leaves no snapshot behind. A lock file beside the local file serialises publishers.

DuckLake has no PRIMARY KEY, UNIQUE, ON CONFLICT or indexes, and a DuckDB file would write a primary key's whole
index at every checkpoint, so neither backend declares one and the SQL here uses none: new rows are inserted where
their key is absent (NOT EXISTS), and the models' keys (tables.keys()) drive the integrity check that enforces them,
on the rows each publish writes.
"""
from __future__ import annotations

import errno
import fcntl
import os
import random
import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, TypeVar

import duckdb
import polars as pl

from schemas import ENTITY_TYPES, polars_schema
from warehouse import derived, tables
from warehouse.integrity import check_integrity
from warehouse.published import FACT_DOCUMENT_SCHEMA, PUBLISH_COUNT
from warehouse.store import (HAS_TABLES, Warehouse, arrow_frame, as_warehouse, prune_lookups, rows_by_rowid,
                             sql_string)

SQL_DIR = Path(__file__).parent
BATCH_TABLES = ("document_sources", "quarantine", "skipped_records")   # replaced by batch_id
DOCUMENT_TABLES = ("documents", "document_signatures", "document_bands", "stage_skips", "mentions", "claims",
                   "fact_evidence")
DERIVED_TABLES = tuple(tables.derived_tables())  # updated for what the batch changed (warehouse/derived.py)
TABLES = ("raw_documents",) + BATCH_TABLES + DOCUMENT_TABLES + ("entities", "facts", "publish_log") + DERIVED_TABLES
# Each table's key, from schemas/: the keys_unique and fact_id_unique checks hold both backends to them.
KEYS = tables.keys()
QUARANTINE_IDENTITY = ("source_uri", "sha256", "reason")  # no key (sha256 may be NULL), but no repeats either
# DuckDB keeps the column blocks a publish scans in its buffer pool, up to 80 % of RAM by default: a publish into a
# warehouse of 10,000,000 claims peaked at 1.6 GB that way. What a publish holds itself is small (its batch and
# the rows it touches), so a bound evicts scanned blocks instead. Not for the migration before it, which may
# rebuild whole derived tables.
PUBLISH_MEMORY_LIMIT = "512MB"


T = TypeVar("T")


class PublishError(RuntimeError):
    pass


class PublishConflict(PublishError):
    """Another publish committed to the same DuckLake while this one ran, and DuckLake refused this commit."""


# Publishes to one DuckLake are serialised by the `duckdb` pool (and a local catalog's lock file); two that race
# anyway (two Dagster instances, a pool misconfigured) both rewrite facts, sources and entity_facts, and DuckLake
# refuses the later commit. The refused one starts again from the other's snapshot (its facts recomputed, as
# after any concurrent publish), a few times, after a random pause that keeps two losers from colliding again.
CONFLICT_RETRIES = 3


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
# The batch's rows replaced, entities, facts, derived tables, checks, commit.
PUBLISH_STEPS = 6


def publish_batch(batch_id: str, frames: dict[str, pl.DataFrame], warehouse: "Warehouse | str | Path",
                  aggregate_facts: Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame],
                  facts_read_at: int | None = None, progress: Progress | None = None,
                  conflict_retries: int = CONFLICT_RETRIES) -> dict[str, int]:
    """Merge one batch's frames into the warehouse; returns row counts per table. progress(done, total) is told
    of each of the PUBLISH_STEPS as it ends.

    frames: raw_documents, document_sources, quarantine, skipped_records (this batch's inputs),
    documents, document_signatures, document_bands, stage_skips, mentions, claims, fact_evidence (documents new
    in this batch), entities (entities those documents mention), and facts: the facts of the (subject_id, predicate)
    groups of the batch's claims, as the facts asset computed them when the warehouse had seen `facts_read_at`
    publishes (PublishedState.publish_count). Without them, or when the warehouse has changed since,
    aggregate_facts(claims, documents) computes the touched groups' facts from the warehouse.

    A DuckLake commit refused because another publish committed meanwhile is tried again up to conflict_retries
    times; then PublishConflict, with nothing of this batch visible.
    """
    missing = set(TABLES) - {"facts", "publish_log", *DERIVED_TABLES} - set(frames)
    if missing:
        raise PublishError(f"cannot publish batch {batch_id}: missing frames {sorted(missing)}")
    warehouse = as_warehouse(warehouse)
    facts = _FactsSource(frames.get("facts"), facts_read_at, aggregate_facts)
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
                return _publish_file(batch_id, frames, warehouse.local_file, facts, progress)
            return _publish_lake_retrying(batch_id, frames, warehouse, facts, progress, conflict_retries)
    except tables.SchemaMismatch as exc:
        raise PublishError(f"cannot publish warehouse {warehouse}: {exc}") from exc
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


class _FactsSource:
    """The facts of the groups the publish touches: the facts asset's, unless the warehouse changed after it read
    them or the publish touches groups the asset did not compute."""

    def __init__(self, computed: pl.DataFrame | None, read_at: int | None,
                 aggregate_facts: Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]):
        self.computed, self.read_at, self.aggregate_facts = computed, read_at, aggregate_facts

    def current(self, con, earlier_claims_removed: bool) -> bool:
        """The asset's facts are still right: the warehouse saw no other publish since the asset read it, this
        publish removed no claims of earlier documents (a replaced file version), and every group it touches is one
        of the batch's claims (the asset computed those)."""
        return self.computed is not None and self.read_at is not None and not earlier_claims_removed \
            and con.execute(PUBLISH_COUNT).fetchone()[0] == self.read_at \
            and not con.execute(GROUPS_BEYOND_THE_BATCH).fetchone()[0]

    def aggregate(self, con) -> pl.DataFrame | None:
        """The touched groups' facts from the claims the warehouse holds now (group_claims, in insertion order)."""
        claims = arrow_frame(con.execute("SELECT * FROM group_claims"))
        docs = arrow_frame(con.execute(f"SELECT {', '.join(FACT_DOCUMENT_SCHEMA)} FROM group_documents"))
        return self.aggregate_facts(claims, docs) if claims.height else None


GROUPS_BEYOND_THE_BATCH = """SELECT count(*) FROM (SELECT subject_id, predicate FROM touched_groups
                             EXCEPT SELECT subject_id, predicate FROM batch_groups)"""


def _publish_file(batch_id, frames, path: Path, facts: _FactsSource, progress: Progress | None) -> dict[str, int]:
    return replace_file(path, lambda con: _merge(con, batch_id, frames, facts, duckdb_file=True, progress=progress))


def replace_file(path: Path, change: Callable[[duckdb.DuckDBPyConnection], T], copy: bool = True) -> T:
    """Build the new file beside the live one (`change` on a copy of it, or on an empty file), make it durable,
    rename it in; returns what `change` returned. The caller holds the publish lock."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        remove_stale_builds(path)
        tmp.unlink(missing_ok=True)
        if copy and path.exists():
            shutil.copyfile(path, tmp)
        with prune_lookups(duckdb.connect(str(tmp))) as con:
            result = change(con)
            con.execute("CHECKPOINT")
        _fsync(tmp)
        Path(f"{path}.wal").unlink(missing_ok=True)  # a stale WAL would replay onto the new file
        os.replace(tmp, path)
        _fsync(path.parent)
    finally:
        tmp.unlink(missing_ok=True)  # after a successful rename it is already gone
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return result


def _publish_lake(batch_id, frames, warehouse: Warehouse, facts: _FactsSource,
                  progress: Progress | None) -> dict[str, int]:
    """One DuckLake transaction. A rollback removes the data files the transaction wrote, except one whose
    write failed (ENOSPC leaves it empty): those are removed here, for a local catalog, whose lock rules out
    any other writer's files appearing meanwhile."""
    before = _local_data_files(warehouse)
    try:
        with warehouse.connect(read_only=False) as con:
            return _merge(con, batch_id, frames, facts, duckdb_file=False, progress=progress)
    except BaseException:
        for leftover in _local_data_files(warehouse) - before:
            leftover.unlink(missing_ok=True)
        raise


def _is_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and "transaction conflict" in str(exc).lower()


def _publish_lake_retrying(batch_id, frames, warehouse: Warehouse, facts: _FactsSource,
                           progress: Progress | None, retries: int) -> dict[str, int]:
    for attempt in range(retries + 1):
        try:
            return _publish_lake(batch_id, frames, warehouse, facts, progress)
        except duckdb.Error as exc:
            if not _is_conflict(exc):
                raise
            if attempt == retries:
                detail = " ".join(str(exc).split())
                raise PublishConflict(
                    f"batch {batch_id} was not published: another publish committed to {warehouse} while this one "
                    f"ran, and DuckLake refused this commit {attempt + 1} time(s) ({detail}); nothing of the batch "
                    f"is visible and it stays pending for the next run") from exc
            time.sleep(random.uniform(0.5, 1.5) * (attempt + 1))


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


def _merge(con, batch_id, frames, facts: _FactsSource, duckdb_file: bool,
           progress: Progress | None = None) -> dict[str, int]:
    """The whole publish as one transaction on `con`, committed only if every integrity check passes."""
    _use_layout(con, frames["document_bands"])
    if con.execute(HAS_TABLES).fetchone()[0]:
        # Before the publish's transaction, a statement at a time: DuckDB cannot make a column it has just filled
        # NOT NULL in the same transaction. A DuckDB file is migrated on its private copy (a failed publish
        # discards it); a DuckLake keeps an additive migration even if the publish then fails.
        tables.migrate(con, duckdb_file)
    step = iter(range(1, PUBLISH_STEPS + 1))
    done = (lambda: progress(next(step), PUBLISH_STEPS)) if progress else (lambda: None)  # noqa: E731
    con.execute(f"SET memory_limit = '{PUBLISH_MEMORY_LIMIT}'")
    con.execute("BEGIN TRANSACTION")
    try:
        if not con.execute(HAS_TABLES).fetchone()[0]:
            tables.create(con)
        orphan_claims = _replace_rows(con, batch_id, frames)
        done()
        _merge_entities(con, frames["entities"])
        done()
        computed_by = _replace_facts(con, facts, earlier_claims_removed=orphan_claims > 0)
        done()
        derived.update(con)
        # Replacing the views at every publish also makes two publishes racing on one DuckLake conflict when their
        # batches only insert rows (DuckLake commits transactions that only insert into a table side by side).
        con.execute((SQL_DIR / "views.sql").read_text())
        done()
        integrity = check_integrity(con, after_publish=True)
        if any(integrity.values()):
            raise IntegrityError(integrity)
        con.execute("INSERT INTO publish_log (batch_id, published_at, facts_computed_by) VALUES (?, now(), ?)",
                    [batch_id, computed_by])
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


def _use_layout(con, bands: pl.DataFrame) -> None:
    """The LSH layout the batch's bands were cut with: a migration that adds document_bands fills it with this one,
    and bands of another layout are cut again (_recut_bands)."""
    if bands.height:
        con.execute(f"SET VARIABLE lsh_layout = {sql_string(bands['layout'][0])}")


def _replace_rows(con, batch_id: str, frames: dict[str, pl.DataFrame]) -> int:
    """Replace the batch's rows and remove the documents no input carries any more. What changed is left in temp
    tables for the facts, entities, derived tables and checks (CHANGE_TABLES, WRITTEN, TOUCHED); returns how many
    claims the removed documents of earlier batches had."""
    for name, sql in CHANGE_TABLES.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
    for name, (frame, columns) in WRITTEN.items():
        _keep(con, name, frames[frame].select(columns))
    con.execute("INSERT INTO changed_sources SELECT doc_id FROM document_sources WHERE batch_id = ?", [batch_id])
    for table in BATCH_TABLES:
        con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
    _remove_documents(con, "SELECT doc_id FROM batch_docs", raw=False)
    _supersede_earlier_versions(con, batch_id, frames)
    _recut_bands(con, frames["document_bands"])
    for table in ("raw_documents", "document_sources", "skipped_records"):  # first sighting wins
        _insert_new(con, table, frames[table], KEYS[table])
    _insert_new(con, "quarantine", frames["quarantine"], QUARANTINE_IDENTITY)
    for table in DOCUMENT_TABLES:
        _insert(con, table, frames[table])
    con.execute("INSERT INTO changed_sources SELECT doc_id FROM written_document_sources "
                "UNION ALL SELECT doc_id FROM written_raw_documents")
    con.execute(f"CREATE OR REPLACE TEMP TABLE orphans AS {ORPHANS}")
    orphan_claims = _remove_documents(con, "SELECT doc_id FROM orphans", raw=True)
    for statement in TOUCHED:
        con.execute(statement)
    return orphan_claims


# What the batch writes, kept as temp tables: name -> (frame, columns).
WRITTEN = {
    "batch_docs": ("documents", ["doc_id"]), "new_documents": ("documents", ["doc_id", "domain", "site"]),
    "written_raw_documents": ("raw_documents", ["doc_id"]),
    "written_document_sources": ("document_sources", ["doc_id", "input_uri"]),
    "written_document_signatures": ("document_signatures", ["doc_id"]),
    "written_mentions": ("mentions", ["doc_id", "entity_id", "surface"]),
    "written_fact_evidence": ("fact_evidence", ["fact_id", "doc_id"]),
    "batch_groups": ("claims", ["subject_id", "predicate"]),
}
# What a publish changed, for what it updates next: filled as the batch's rows are replaced.
CHANGE_TABLES = {
    "changed_sources": "SELECT doc_id FROM document_sources WHERE false",  # doc_id of document_sources rows changed
    "gone_documents": "SELECT doc_id, domain, site FROM documents WHERE false",  # documents rows removed
    "gone_groups": "SELECT subject_id, predicate FROM claims WHERE false",  # groups of the claims removed
    "gone_entities": "SELECT entity_id FROM mentions WHERE false",  # entities of the mentions removed
}
# Documents whose document_sources rows were removed or written, that no input carries now: only superseded
# versions of inputs carried them.
ORPHANS = """SELECT DISTINCT doc_id FROM changed_sources WHERE doc_id NOT IN (
    SELECT doc_id FROM document_sources WHERE doc_id IN (SELECT doc_id FROM changed_sources))"""
# What the batch touched, once its rows are in: the fact groups, their claims (in the order they were inserted: a
# fact's subject and object names are its first claim's, as when every claim is read) and the documents those come
# from, read once for the facts and the derived tables (each found by its key columns, then fetched by rowid:
# store.rows_by_rowid); the documents that stay but changed sources, and those removed for good.
TOUCHED = ("""CREATE OR REPLACE TEMP TABLE touched_groups AS SELECT subject_id, predicate FROM gone_groups
    UNION SELECT subject_id, predicate FROM batch_groups""",
           *rows_by_rowid("group_claims", "claims", "*",
                          "(subject_id, predicate) IN (SELECT subject_id, predicate FROM touched_groups)"),
           *rows_by_rowid("group_docs", "documents", "doc_id, cluster_id, domain, site, url, published_date",
                          "doc_id IN (SELECT doc_id FROM group_claims)"),
           *rows_by_rowid("group_raw", "raw_documents", "doc_id, first_seen_at",
                          "doc_id IN (SELECT doc_id FROM group_claims)"),
           *rows_by_rowid("group_sources", "document_sources", "doc_id, source_uri",
                          "doc_id IN (SELECT doc_id FROM group_claims)"),
           """CREATE OR REPLACE TEMP TABLE group_documents AS
    SELECT d.*, r.first_seen_at, s.first_source FROM group_docs d JOIN group_raw r USING (doc_id)
    LEFT JOIN (SELECT doc_id, min(source_uri) AS first_source FROM group_sources GROUP BY doc_id) s USING (doc_id)""",
           """CREATE OR REPLACE TEMP TABLE resourced_documents AS
    SELECT DISTINCT doc_id FROM changed_sources
    WHERE doc_id NOT IN (SELECT doc_id FROM batch_docs) AND doc_id NOT IN (SELECT doc_id FROM gone_documents)
      AND doc_id NOT IN (SELECT doc_id FROM orphans)""", """CREATE OR REPLACE TEMP TABLE removed_documents AS
    SELECT doc_id FROM gone_documents EXCEPT SELECT doc_id FROM batch_docs""")


def _keep(con, name: str, frame: pl.DataFrame) -> None:
    """A frame as a temp table of the connection, for the statements that follow."""
    con.register("incoming", frame.to_arrow())
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM incoming")
    con.unregister("incoming")


def _remove_documents(con, doc_ids: str, raw: bool) -> int:
    """Delete the rows of the documents `doc_ids` selects (and their raw_documents rows if `raw`), first noting what
    they supported; returns how many claims they had."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE removing AS SELECT doc_id FROM documents "
                f"WHERE doc_id IN ({doc_ids})")
    claims = 0
    if con.execute("SELECT count(*) FROM removing").fetchone()[0]:
        con.execute("INSERT INTO gone_documents SELECT doc_id, domain, site FROM documents "
                    "WHERE doc_id IN (SELECT doc_id FROM removing)")
        claims = con.execute("SELECT count(*) FROM claims WHERE doc_id IN (SELECT doc_id FROM removing)").fetchone()[0]
        con.execute("INSERT INTO gone_groups SELECT DISTINCT subject_id, predicate FROM claims "
                    "WHERE doc_id IN (SELECT doc_id FROM removing)")
        con.execute("INSERT INTO gone_entities SELECT DISTINCT entity_id FROM mentions "
                    "WHERE doc_id IN (SELECT doc_id FROM removing)")
        for table in DOCUMENT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM removing)")
    if raw:
        con.execute(f"DELETE FROM raw_documents WHERE doc_id IN ({doc_ids})")
    return claims


def _recut_bands(con, bands: pl.DataFrame) -> None:
    """Bands of another layout than the batch's (the near-duplicate threshold changed) are cut again from the
    stored signatures, with the fill a migration uses: the band join then finds every earlier document again."""
    if not bands.height:
        return
    stored = con.execute("SELECT layout FROM document_bands LIMIT 1").fetchone()
    if stored is None or stored[0] == bands["layout"][0]:
        return
    con.execute("DELETE FROM document_bands")
    tables.fill(con, "document_bands")


def _supersede_earlier_versions(con, batch_id: str, frames: dict[str, pl.DataFrame]) -> None:
    """A file this batch read replaces what earlier batches read from it: a new version of an input (a file
    rewritten, or one first ingested half-written) must not count as a second source beside its old version.

    Rows of earlier batches for the batch's files (the part of an input URI before '#': the file, or the URL of a
    fetched page) are removed unless this batch has the same row again. A later stage's quarantine row (no main
    content) stays while the input still carries the same document. Documents no input carries any more are
    removed after the inserts, and with them their claims: the documents whose document_sources rows go are noted
    in changed_sources.
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
    con.execute(f"""CREATE OR REPLACE TEMP TABLE superseded_sources AS SELECT o.doc_id, o.input_uri
        FROM document_sources o WHERE {earlier.format(file_of.format('o.input_uri'))}
        AND NOT EXISTS (SELECT 1 FROM batch_sources n WHERE n.doc_id = o.doc_id AND n.input_uri = o.input_uri)""",
                [batch_id])
    con.execute("INSERT INTO changed_sources SELECT doc_id FROM superseded_sources")
    con.execute("DELETE FROM document_sources WHERE (doc_id, input_uri) IN "
                "(SELECT doc_id, input_uri FROM superseded_sources)")
    con.execute(f"""DELETE FROM skipped_records o WHERE {earlier.format(file_of.format('o.input_uri'))}
        AND NOT EXISTS (SELECT 1 FROM batch_skipped n WHERE n.input_uri = o.input_uri
                        AND n.record_type = o.record_type)""", [batch_id])
    for name in ("batch_sources", "batch_quarantine", "batch_skipped"):
        con.unregister(name)
    con.execute("DROP TABLE batch_files")


def _columns(table: str) -> list[str]:
    """The table's columns as schemas/ declares them: a frame's column the table lacks is an error, never
    dropped (the migration has added every declared column before any insert)."""
    return [c.name for c in tables.tables()[table].columns]


def _insert(con, table: str, frame: pl.DataFrame) -> None:
    columns = _columns(table)
    con.register("incoming", frame.select(columns).to_arrow())
    con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM incoming")
    con.unregister("incoming")


def _insert_new(con, table: str, frame: pl.DataFrame, identity: tuple[str, ...]) -> None:
    """Insert rows whose identity is not there yet, once each (identity columns may hold NULLs). The rows there
    already are first found by the identity's first column, when it holds no NULLs: a semi join pushes the batch's
    values into the table's scan (store.DYNAMIC_IN_FILTER_KEYS), where NOT EXISTS alone hashes the whole table."""
    columns = _columns(table)
    same = " AND ".join(f"o.{c} IS NOT DISTINCT FROM n.{c}" for c in identity)
    first = next(c for c in tables.tables()[table].columns if c.name == identity[0])
    there = table if first.nullable else (f"(SELECT {', '.join(identity)} FROM {table} "
                                          f"WHERE {first.name} IN (SELECT {first.name} FROM incoming))")
    con.register("incoming", frame.select(columns).to_arrow())
    con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT DISTINCT ON ({', '.join('n.' + c for c in identity)}) "
                f"{', '.join('n.' + c for c in columns)} FROM incoming n "
                f"WHERE NOT EXISTS (SELECT 1 FROM {there} o WHERE {same})")
    con.unregister("incoming")


def _merge_entities(con, entities: pl.DataFrame) -> None:
    """The entities the batch's mentions name and those the removed documents' mentions named, counted again from
    their mentions (each keeps its fullest name; its type is voted over all its mentions); those left without a
    mention are removed. Each entity's row is replaced whole: two passes over the entities table, one over
    mentions."""
    _keep(con, "incoming_entities", entities.select("entity_id", "name", "type"))
    for statement in MERGED_ENTITIES:
        con.execute(statement)
    con.execute("DELETE FROM entities WHERE entity_id IN (SELECT entity_id FROM current_entities)")
    columns = ", ".join(_columns("entities"))
    con.execute(f"INSERT INTO entities ({columns}) SELECT {columns} FROM merged_entities")


MERGED_ENTITIES = ("""CREATE OR REPLACE TEMP TABLE touched_entities AS SELECT entity_id FROM incoming_entities
    UNION SELECT entity_id FROM written_mentions UNION SELECT entity_id FROM gone_entities""",
                   """CREATE OR REPLACE TEMP TABLE current_entities AS
    SELECT entity_id, name FROM entities WHERE entity_id IN (SELECT entity_id FROM touched_entities)""",
                   *rows_by_rowid("touched_mentions", "mentions", "entity_id, surface, type, doc_id",
                                  "entity_id IN (SELECT entity_id FROM touched_entities)"), f"""
    CREATE OR REPLACE TEMP TABLE merged_entities AS
    WITH counts AS (
        SELECT entity_id, list(DISTINCT surface ORDER BY surface) AS aliases, count(*) AS n_mentions,
               count(DISTINCT doc_id) AS n_documents
        FROM touched_mentions GROUP BY entity_id
    ), votes AS (  -- pipeline.entities.voted_types: the most mentions, a tie to the type named first
        SELECT entity_id, type FROM (
            SELECT entity_id, type, row_number() OVER (PARTITION BY entity_id ORDER BY count(*) DESC,
                   coalesce(list_position({ENTITY_TYPES}, type), 99)) AS r
            FROM touched_mentions GROUP BY entity_id, type) WHERE r = 1
    )
    SELECT c.entity_id,
           CASE WHEN o.name IS NULL OR length(i.name) > length(o.name) THEN i.name ELSE o.name END AS name,
           v.type, c.aliases, c.n_mentions, c.n_documents
    FROM counts c JOIN votes v USING (entity_id)
    LEFT JOIN current_entities o USING (entity_id) LEFT JOIN incoming_entities i USING (entity_id)""",
                   """CREATE OR REPLACE TEMP TABLE renamed_entities AS SELECT entity_id FROM merged_entities
    JOIN current_entities o USING (entity_id) WHERE merged_entities.name <> o.name""",
                   """CREATE OR REPLACE TEMP TABLE removed_entities AS SELECT entity_id FROM current_entities
    WHERE entity_id NOT IN (SELECT entity_id FROM merged_entities)""")


def _replace_facts(con, source: _FactsSource, earlier_claims_removed: bool) -> str:
    """Replace the facts of the touched groups; returns who computed them (publish_log.facts_computed_by). The new
    rows stay in new_facts for the derived tables and the checks."""
    current = source.current(con, earlier_claims_removed)
    facts = source.computed if current else source.aggregate(con)
    con.execute("""CREATE OR REPLACE TEMP TABLE old_facts AS SELECT fact_id, subject_id, object_id FROM facts
        WHERE (subject_id, predicate) IN (SELECT subject_id, predicate FROM touched_groups)""")
    con.execute("DELETE FROM facts WHERE fact_id IN (SELECT fact_id FROM old_facts)")
    facts = facts if facts is not None else pl.DataFrame(schema=polars_schema("facts"))
    _keep(con, "new_facts", facts.select(_columns("facts")))
    con.execute(f"INSERT INTO facts ({', '.join(_columns('facts'))}) SELECT * FROM new_facts")
    return "facts asset" if current else "publish"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
