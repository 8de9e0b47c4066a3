"""The batch ledger: which inbox files arrived in which batch.

A batch is a group of files that are new or changed (path, size, mtime)
since the last scan; many files arriving at once become several batches of
bounded size. The ledger is a small SQLite file beside the warehouse, so the
sensor, the daily schedule and `webfacts run` agree on batches and a second
scan of an unchanged inbox finds nothing to do.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipeline.config import DEFAULT_BATCH_MAX_BYTES, DEFAULT_BATCH_MAX_FILES, DEFAULT_BATCH_MAX_URLS, DEFAULT_MAX_BYTES
from pipeline.sources import count_listed_urls

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, batch_id TEXT NOT NULL,
    PRIMARY KEY (path, size, mtime_ns));
CREATE TABLE IF NOT EXISTS url_parts (
    path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, first_url INTEGER NOT NULL,
    n_urls INTEGER NOT NULL, batch_id TEXT NOT NULL, PRIMARY KEY (path, size, mtime_ns, first_url));
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY, inbox TEXT NOT NULL, created_at TEXT NOT NULL, n_files INTEGER NOT NULL,
    published_at TEXT);
"""


@dataclass(frozen=True)
class FileStat:
    path: str
    size: int
    mtime_ns: int
    first_url: int = -1  # a part of a long URL list: its first URL (0-based) and how many
    n_urls: int = 0


def ledger_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".batches.sqlite")


def connect(ledger: Path) -> sqlite3.Connection:
    ledger.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(ledger, timeout=30, isolation_level=None)
    con.executescript(SCHEMA)
    return con


def scan_inbox(inbox: Path) -> list[FileStat]:
    """Every file under the inbox with its size and mtime (one stat each, no reads).

    Paths are the inbox's real path joined with the names found, not resolved further: a symlink stays itself,
    so ingestion can tell one leading out of the inbox. A name that is not UTF-8 is kept as found (surrogate
    escapes; the ledger stores its bytes). A dangling symlink is listed too: ingestion quarantines it.
    """
    if inbox.is_file():
        st = inbox.stat()
        return [FileStat(str(inbox.resolve()), st.st_size, st.st_mtime_ns)]
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} does not exist; set WEBFACTS_INBOX or pass --inbox")
    found = []
    for root, dirs, files in os.walk(inbox.resolve()):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            try:
                st = path.stat()
            except OSError:
                try:
                    st = path.lstat()  # a dangling symlink: recorded, so it is accounted for
                except OSError:
                    continue  # vanished between listing and stat: the next scan sees it or not
            found.append(FileStat(str(path), st.st_size, st.st_mtime_ns))
    return found


def _stored(path: str) -> str | bytes:
    """A path as the ledger stores it: text, or its bytes when the name is not UTF-8 (SQLite text must be)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def _loaded(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def split_batches(files: list[FileStat], max_files: int, max_bytes: int) -> list[list[FileStat]]:
    """Consecutive groups of at most max_files files and max_bytes bytes (a larger file is a group of its own).

    A batch is held in memory whole (its raw contents, then its frames) and published in one go, so bounding it
    bounds the memory of a run however many files arrive at once.
    """
    groups: list[list[FileStat]] = []
    size = 0
    for f in files:
        if not groups or len(groups[-1]) >= max_files or size + f.size > max_bytes and groups[-1]:
            groups.append([])
            size = 0
        groups[-1].append(f)
        size += f.size
    return groups


def url_list_parts(files: list[FileStat], inbox: Path, max_urls: int) -> tuple[list[FileStat], list[FileStat]]:
    """(files, parts): a `.urls` list of more than max_urls URLs becomes parts of max_urls URLs, each a batch of its
    own, as many files become several batches (a batch holds every page it fetched, and its list has one
    deadline)."""
    plain, parts = [], []
    for f in files:
        n = count_listed_urls(Path(f.path), inbox, DEFAULT_MAX_BYTES) if max_urls > 0 else None
        if n is None or n <= max_urls:
            plain.append(f)
        else:
            parts += [replace(f, first_url=i, n_urls=min(max_urls, n - i)) for i in range(0, n, max_urls)]
    return plain, parts


def register_batches(ledger: Path, inbox: Path, warehouse_exists: bool = True,
                     max_files: int = DEFAULT_BATCH_MAX_FILES, max_bytes: int = DEFAULT_BATCH_MAX_BYTES,
                     settle_s: float = 0.0, held: list[str] | None = None,
                     max_urls: int = DEFAULT_BATCH_MAX_URLS) -> list[str]:
    """Record new or changed files as batches of bounded size; returns their ids in run order (none: nothing new).

    settle_s: a file changed less than this long ago may still be being written: it is left for a later scan
    (and its path appended to `held`), so a half-written file never becomes a version of its own.
    """
    files = scan_inbox(inbox)
    if settle_s > 0:
        settled_before = time.time_ns() - int(settle_s * 1e9)
        if held is not None:
            held.extend(f.path for f in files if f.mtime_ns > settled_before)
        files = [f for f in files if f.mtime_ns <= settled_before]
    with closing(connect(ledger)) as con:
        published = con.execute("SELECT 1 FROM batches WHERE published_at IS NOT NULL LIMIT 1").fetchone()
        if published and not warehouse_exists:  # the warehouse was removed: everything must load again
            con.executescript("DELETE FROM files; DELETE FROM url_parts; DELETE FROM batches;")
        known = {(_loaded(p), size, mtime) for p, size, mtime in con.execute("SELECT path, size, mtime_ns FROM files")}
        new = [f for f in files if (f.path, f.size, f.mtime_ns) not in known]
        if not new:
            return []
        now = datetime.now(timezone.utc)
        batch_ids = []
        plain, parts = url_list_parts(new, inbox, max_urls)
        con.execute("BEGIN IMMEDIATE")
        for k, group in enumerate(split_batches(plain, max_files, max_bytes) + [[part] for part in parts]):
            digest = hashlib.sha256("\n".join(f"{f.path}|{f.size}|{f.mtime_ns}" + (f"|{f.first_url}" if f.n_urls
                                                                                   else "") for f in group)
                                    .encode("utf-8", "surrogateescape")).hexdigest()
            batch_id = f"{now:%Y%m%dT%H%M%S}-{digest[:8]}"
            # One microsecond apart: batches run, and their documents count as first seen, in inbox order.
            created_at = now + timedelta(microseconds=k)
            con.executemany("INSERT OR IGNORE INTO files VALUES (?, ?, ?, ?)",
                            [(_stored(f.path), f.size, f.mtime_ns, batch_id) for f in group])
            con.executemany("INSERT OR IGNORE INTO url_parts VALUES (?, ?, ?, ?, ?, ?)",
                            [(_stored(f.path), f.size, f.mtime_ns, f.first_url, f.n_urls, batch_id)
                             for f in group if f.n_urls])
            con.execute("INSERT INTO batches VALUES (?, ?, ?, ?, NULL)",
                        (batch_id, str(inbox.resolve()), created_at.isoformat(), len(group)))
            batch_ids.append(batch_id)
        con.execute("COMMIT")
        return batch_ids


def batch_files(ledger: Path, batch_id: str) -> list[Path]:
    """The batch's whole files (the parts of a long URL list are in batch_url_parts)."""
    with closing(connect(ledger)) as con:
        rows = con.execute("""SELECT path FROM files f WHERE batch_id = ? AND NOT EXISTS (SELECT 1 FROM url_parts u
                              WHERE u.path = f.path AND u.size = f.size AND u.mtime_ns = f.mtime_ns)
                              ORDER BY path""", (batch_id,)).fetchall()
        if not rows and con.execute("SELECT 1 FROM batches WHERE batch_id = ?", (batch_id,)).fetchone() is None:
            raise KeyError(f"batch {batch_id} is not in the ledger {ledger}")
    return [Path(_loaded(r[0])) for r in rows]


def batch_url_parts(ledger: Path, batch_id: str) -> list[tuple[Path, int, int]]:
    """(URL list, first URL, number of URLs) of the batch's parts of long URL lists."""
    with closing(connect(ledger)) as con:
        rows = con.execute("SELECT path, first_url, n_urls FROM url_parts WHERE batch_id = ? ORDER BY path, first_url",
                           (batch_id,)).fetchall()
    return [(Path(_loaded(p)), first, n) for p, first, n in rows]


def batch_inbox(ledger: Path, batch_id: str) -> Path:
    """The inbox the batch's files were found in: symlinks leading out of it are not followed."""
    with closing(connect(ledger)) as con:
        row = con.execute("SELECT inbox FROM batches WHERE batch_id = ?", (batch_id,)).fetchone()
    if row is None:
        raise KeyError(f"batch {batch_id} is not in the ledger {ledger}")
    return Path(row[0])


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


def published_batches(ledger: Path) -> int:
    """How many batches earlier runs published: none means there was no last run to compare the inbox with."""
    with closing(connect(ledger)) as con:
        return con.execute("SELECT count(*) FROM batches WHERE published_at IS NOT NULL").fetchone()[0]
