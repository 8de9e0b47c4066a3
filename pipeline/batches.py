"""The batch ledger: which inbox files arrived in which batch.

A batch is every file that is new or changed (path, size, mtime) since the
last scan. The ledger is a small SQLite file beside the warehouse, so the
sensor, the daily schedule and `webfacts run` agree on batches and a second
scan of an unchanged inbox finds nothing to do.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, batch_id TEXT NOT NULL,
    PRIMARY KEY (path, size, mtime_ns));
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY, inbox TEXT NOT NULL, created_at TEXT NOT NULL, n_files INTEGER NOT NULL,
    published_at TEXT);
"""


@dataclass(frozen=True)
class FileStat:
    path: str
    size: int
    mtime_ns: int


def ledger_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".batches.sqlite")


def connect(ledger: Path) -> sqlite3.Connection:
    ledger.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(ledger, timeout=30, isolation_level=None)
    con.executescript(SCHEMA)
    return con


def scan_inbox(inbox: Path) -> list[FileStat]:
    """Every file under the inbox with its size and mtime (one stat each, no reads)."""
    if inbox.is_file():
        st = inbox.stat()
        return [FileStat(str(inbox.resolve()), st.st_size, st.st_mtime_ns)]
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} does not exist; set WEBFACTS_INBOX or pass --inbox")
    found = []
    for root, dirs, files in os.walk(inbox):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            try:
                st = path.stat()
            except OSError:
                continue  # vanished between listing and stat: the next scan sees it or not
            found.append(FileStat(str(path.resolve()), st.st_size, st.st_mtime_ns))
    return found


def register_batch(ledger: Path, inbox: Path, warehouse_exists: bool = True) -> str | None:
    """Record new or changed files as a batch; returns its id, or None when nothing changed."""
    files = scan_inbox(inbox)
    with closing(connect(ledger)) as con:
        published = con.execute("SELECT 1 FROM batches WHERE published_at IS NOT NULL LIMIT 1").fetchone()
        if published and not warehouse_exists:  # the warehouse was removed: everything must load again
            con.executescript("DELETE FROM files; DELETE FROM batches;")
        known = set(con.execute("SELECT path, size, mtime_ns FROM files"))
        new = [f for f in files if (f.path, f.size, f.mtime_ns) not in known]
        if not new:
            return None
        now = datetime.now(timezone.utc)
        digest = hashlib.sha256("\n".join(f"{f.path}|{f.size}|{f.mtime_ns}" for f in new).encode()).hexdigest()
        batch_id = f"{now:%Y%m%dT%H%M%S}-{digest[:8]}"
        con.execute("BEGIN IMMEDIATE")
        con.executemany("INSERT OR IGNORE INTO files VALUES (?, ?, ?, ?)",
                        [(f.path, f.size, f.mtime_ns, batch_id) for f in new])
        con.execute("INSERT INTO batches VALUES (?, ?, ?, ?, NULL)",
                    (batch_id, str(inbox.resolve()), now.isoformat(), len(new)))
        con.execute("COMMIT")
        return batch_id


def batch_files(ledger: Path, batch_id: str) -> list[Path]:
    with closing(connect(ledger)) as con:
        rows = con.execute("SELECT path FROM files WHERE batch_id = ? ORDER BY path", (batch_id,)).fetchall()
        if not rows and con.execute("SELECT 1 FROM batches WHERE batch_id = ?", (batch_id,)).fetchone() is None:
            raise KeyError(f"batch {batch_id} is not in the ledger {ledger}")
    return [Path(r[0]) for r in rows]


def pending_batches(ledger: Path) -> list[str]:
    with closing(connect(ledger)) as con:
        return [r[0] for r in con.execute(
            "SELECT batch_id FROM batches WHERE published_at IS NULL ORDER BY created_at, batch_id")]


def mark_published(ledger: Path, batch_id: str) -> None:
    with closing(connect(ledger)) as con:
        con.execute("UPDATE batches SET published_at = ? WHERE batch_id = ?",
                    (datetime.now(timezone.utc).isoformat(), batch_id))


def batch_created_at(ledger: Path, batch_id: str) -> datetime:
    """When the batch was registered: its inputs' seen_at, the same on every re-run."""
    with closing(connect(ledger)) as con:
        row = con.execute("SELECT created_at FROM batches WHERE batch_id = ?", (batch_id,)).fetchone()
    if row is None:
        raise KeyError(f"batch {batch_id} is not in the ledger {ledger}")
    return datetime.fromisoformat(row[0])
