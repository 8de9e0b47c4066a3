"""Publish frames as a new warehouse file, atomically.

The new database is built beside the live one and renamed over it: a reader
that already opened the old file keeps a consistent snapshot, new connections
see the new one, and a crash mid-build leaves the previous warehouse intact.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl

SQL_DIR = Path(__file__).parent
TABLE_ORDER = ("raw_documents", "document_sources", "quarantine", "documents", "stage_skips",
               "entities", "mentions", "facts", "fact_evidence")


class PublishError(RuntimeError):
    pass


def publish(frames: dict[str, pl.DataFrame], path: Path) -> dict[str, int]:
    """Write every table of the contract to `path`; returns row counts."""
    missing = set(TABLE_ORDER) - set(frames)
    if missing:
        raise PublishError(f"cannot publish: missing tables {sorted(missing)}")
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create warehouse folder {path.parent}: {exc.strerror}") from exc
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        counts = _build(frames, tmp)
        _fsync(tmp)
        Path(f"{path}.wal").unlink(missing_ok=True)  # a stale WAL would replay onto the new file
        os.replace(tmp, path)
        _fsync(path.parent)
    except (OSError, duckdb.Error) as exc:
        raise PublishError(f"cannot publish warehouse {path}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)  # after a successful rename it is already gone
    return counts


def _build(frames: dict[str, pl.DataFrame], tmp: Path) -> dict[str, int]:
    con = duckdb.connect(str(tmp))
    try:
        con.execute((SQL_DIR / "schema.sql").read_text())
        for table in TABLE_ORDER:
            frame = frames[table]
            columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            con.register("incoming", frame.select(columns).to_arrow())
            con.execute(f"INSERT INTO {table} SELECT * FROM incoming")
            con.unregister("incoming")
        con.execute((SQL_DIR / "views.sql").read_text())
        con.execute("CHECKPOINT")
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLE_ORDER}
    finally:
        con.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def previous_sightings(path: Path) -> dict[str, pl.DataFrame]:
    """First-seen times and batches from the live warehouse, to keep them across re-runs."""
    empty = {
        "raw_documents": pl.DataFrame(schema={"doc_id": pl.String, "first_seen_at": pl.Datetime("us", "UTC")}),
        "document_sources": pl.DataFrame(schema={"doc_id": pl.String, "source_uri": pl.String,
                                                 "batch_id": pl.String, "seen_at": pl.Datetime("us", "UTC")}),
        "quarantine": pl.DataFrame(schema={"source_uri": pl.String, "sha256": pl.String,
                                           "batch_id": pl.String, "seen_at": pl.Datetime("us", "UTC")}),
    }
    if not Path(path).exists():
        return empty
    queries = {
        "raw_documents": "SELECT doc_id, first_seen_at FROM raw_documents",
        "document_sources": "SELECT doc_id, source_uri, batch_id, seen_at FROM document_sources",
        "quarantine": "SELECT source_uri, sha256, batch_id, seen_at FROM quarantine",
    }
    with duckdb.connect(str(path), read_only=True) as con:
        return {name: pl.from_arrow(con.execute(sql).to_arrow_table()).cast(empty[name].schema)
                for name, sql in queries.items()}
