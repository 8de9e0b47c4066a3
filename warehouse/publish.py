"""Publish a batch into the warehouse, atomically and idempotently.

The live file is copied aside, the batch's rows are replaced (delete, then
insert), entity aggregates and facts are recomputed from all claims, and the
copy is renamed over the live file. A reader that already opened the old file
keeps a consistent snapshot, new connections see the new one, and a crash
mid-publish leaves the previous warehouse intact. A lock file serialises
publishers.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import duckdb
import polars as pl

SQL_DIR = Path(__file__).parent
BATCH_TABLES = ("document_sources", "quarantine", "skipped_records")   # replaced by batch_id
DOCUMENT_TABLES = ("documents", "document_signatures", "stage_skips", "mentions", "claims", "fact_evidence")
TABLES = ("raw_documents",) + BATCH_TABLES + DOCUMENT_TABLES + ("entities", "facts", "sources")


class PublishError(RuntimeError):
    pass


# Each query returns the violating rows; publishing stops before the rename if any returns one.
INTEGRITY_CHECKS = {
    "fact_id_unique": "SELECT fact_id, count(*) AS n FROM facts GROUP BY fact_id HAVING count(*) > 1",
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


def read_write_holder(path: Path) -> bool:
    """True when another process has the warehouse open read-write (DuckDB then holds a write lock).

    Publishing does not need that process's lock (the new file is renamed in), but whatever it
    writes goes to a file that is about to be replaced.
    """
    if not Path(path).exists():
        return False
    with open(path, "rb") as fh:
        try:
            fcntl.lockf(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(fh, fcntl.LOCK_UN)
    return False


READ_WRITE_WARNING = ("{path} is open read-write by another process: its changes will be lost when this run "
                      "publishes. Open the warehouse with duckdb.connect('{path}', read_only=True) in notebooks.")


def check_integrity(con) -> dict[str, list[tuple]]:
    return {name: con.execute(sql + " LIMIT 20").fetchall() for name, sql in INTEGRITY_CHECKS.items()}


@contextmanager
def publish_lock(path: Path):
    lock = Path(f"{path}.lock")
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def publish_batch(batch_id: str, frames: dict[str, pl.DataFrame], path: Path,
                  aggregate_facts: Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]) -> dict[str, int]:
    """Merge one batch's frames into the warehouse at `path`; returns row counts per table.

    frames: raw_documents, document_sources, quarantine, skipped_records (this batch's inputs),
    documents, document_signatures, stage_skips, mentions, claims, fact_evidence (documents new
    in this batch), entities (entities those documents mention).
    """
    missing = set(TABLES) - {"facts", "sources"} - set(frames)
    if missing:
        raise PublishError(f"cannot publish batch {batch_id}: missing frames {sorted(missing)}")
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create warehouse folder {path.parent}: {exc.strerror}") from exc
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        with publish_lock(path):
            remove_stale_builds(path)
            tmp.unlink(missing_ok=True)
            if path.exists():
                shutil.copyfile(path, tmp)
            counts = _merge(batch_id, frames, tmp, aggregate_facts)
            _fsync(tmp)
            Path(f"{path}.wal").unlink(missing_ok=True)  # a stale WAL would replay onto the new file
            os.replace(tmp, path)
            _fsync(path.parent)
    except (OSError, duckdb.Error) as exc:
        raise PublishError(f"cannot publish warehouse {path}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)  # after a successful rename it is already gone
    return counts


def remove_stale_builds(path: Path) -> None:
    """Half-built files of publishers that died (kill -9, power loss); the live file never was one of them."""
    for stale in path.parent.glob(f"{path.name}.tmp-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not Path(f"/proc/{pid}").exists():
            stale.unlink(missing_ok=True)


def _merge(batch_id, frames, tmp: Path, aggregate_facts) -> dict[str, int]:
    con = duckdb.connect(str(tmp))
    try:
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'facts'").fetchone()[0]:
            con.execute((SQL_DIR / "schema.sql").read_text())
        con.execute("BEGIN TRANSACTION")
        for table in BATCH_TABLES:
            con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
        doc_ids = frames["documents"].select("doc_id")
        con.register("batch_docs", doc_ids.to_arrow())
        for table in DOCUMENT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM batch_docs)")
        _insert(con, "raw_documents", frames["raw_documents"], "ON CONFLICT DO NOTHING")
        _insert(con, "document_sources", frames["document_sources"], "ON CONFLICT DO NOTHING")
        _insert_new(con, "quarantine", frames["quarantine"], "o.source_uri = n.source_uri AND "
                    "o.sha256 IS NOT DISTINCT FROM n.sha256 AND o.reason = n.reason")
        _insert(con, "skipped_records", frames["skipped_records"], "ON CONFLICT DO NOTHING")
        for table in DOCUMENT_TABLES:
            _insert(con, table, frames[table])
        _merge_entities(con, frames["entities"])
        _replace_facts(con, aggregate_facts)
        con.execute((SQL_DIR / "derived.sql").read_text())
        integrity = check_integrity(con)
        if any(integrity.values()):
            con.execute("ROLLBACK")
            raise IntegrityError(integrity)
        con.execute("COMMIT")
        con.execute((SQL_DIR / "views.sql").read_text())
        con.execute("CHECKPOINT")
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def integrity_report(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return check_integrity(con)


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def _insert(con, table: str, frame: pl.DataFrame, conflict: str = "") -> None:
    columns = _columns(con, table)
    con.register("incoming", frame.select(columns).to_arrow())
    con.execute(f"INSERT INTO {table} SELECT {', '.join(columns)} FROM incoming {conflict}")
    con.unregister("incoming")


def _insert_new(con, table: str, frame: pl.DataFrame, same_row: str) -> None:
    """Insert rows whose identity is not already there (identity may contain NULLs)."""
    columns = _columns(con, table)
    con.register("incoming", frame.select(columns).to_arrow())
    con.execute(f"INSERT INTO {table} SELECT {', '.join('n.' + c for c in columns)} FROM incoming n "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE {same_row})")
    con.unregister("incoming")


def _merge_entities(con, entities: pl.DataFrame) -> None:
    """Upsert names and types, then recount everything from the mentions table."""
    con.register("incoming", entities.select("entity_id", "name", "type").to_arrow())
    con.execute("""
        INSERT INTO entities SELECT entity_id, name, type, [], 0, 0 FROM incoming
        ON CONFLICT (entity_id) DO UPDATE SET
            name = CASE WHEN length(excluded.name) > length(entities.name) THEN excluded.name ELSE entities.name END""")
    con.unregister("incoming")
    con.execute("""
        UPDATE entities SET aliases = m.aliases, n_mentions = m.n, n_documents = m.d
        FROM (SELECT entity_id, list(DISTINCT surface ORDER BY surface) AS aliases, count(*) AS n,
                     count(DISTINCT doc_id) AS d FROM mentions GROUP BY entity_id) m
        WHERE entities.entity_id = m.entity_id""")
    con.execute("DELETE FROM entities WHERE entity_id NOT IN (SELECT entity_id FROM mentions)")


def _replace_facts(con, aggregate_facts) -> None:
    claims = pl.from_arrow(con.execute("SELECT * FROM claims").to_arrow_table())
    docs = pl.from_arrow(con.execute(
        "SELECT d.doc_id, d.cluster_id, r.first_seen_at FROM documents d JOIN raw_documents r USING (doc_id)"
    ).to_arrow_table())
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


def read_frame(path: Path, sql: str, params: list | None = None, schema: dict | None = None) -> pl.DataFrame | None:
    """A query on the live warehouse, read-only; None when there is no warehouse yet.

    When another process holds the file read-write, DuckDB refuses even read-only
    connections; the query then runs on a private copy (copying needs no lock, and
    the copy holds everything that process had checkpointed).
    """
    if not Path(path).exists():
        return pl.DataFrame(schema=schema) if schema is not None else None
    try:
        frame = _query(Path(path), sql, params)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        with tempfile.TemporaryDirectory(prefix="webfacts-snapshot-") as tmpdir:
            frame = _query(Path(shutil.copy(path, Path(tmpdir) / "snapshot.duckdb")), sql, params)
    return frame.cast(schema) if schema is not None else frame


def _query(path: Path, sql: str, params: list | None) -> pl.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return pl.from_arrow(con.execute(sql, params or []).to_arrow_table())
