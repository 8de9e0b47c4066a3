"""The batch ledger: which inbox files arrived in which batch.

A batch is a group of files that are new or changed (path, size, mtime)
since the last scan; many files arriving at once become several batches of
bounded size. The sensor, the daily schedule and `webfacts run` agree on
batches through it, and a second scan of an unchanged inbox finds nothing to do.

Where it lives: a small SQLite file beside a DuckDB-file warehouse or a local
DuckLake catalog; with a DuckLake catalog in PostgreSQL, that same database (its
own schema, `webfacts_ledger`), so every worker host registers and claims batches
in one place. The functions below take either (`Ledger`) and behave the same.
Registering is one exclusive transaction (SQLite's write lock, PostgreSQL's
advisory lock) from reading the known files to recording the new batches: two
registrars that see the same new file make one batch, never two.
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

# {path} and {int}: SQLite keeps a path as text, or as its bytes when the name is not UTF-8; PostgreSQL always as
# bytes (its text must be valid UTF-8 too). Sizes and nanosecond mtimes need 64 bits: INTEGER is that in SQLite only.
SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path {path} NOT NULL, size {int} NOT NULL, mtime_ns {int} NOT NULL, batch_id TEXT NOT NULL,
    PRIMARY KEY (path, size, mtime_ns));
CREATE TABLE IF NOT EXISTS url_parts (
    path {path} NOT NULL, size {int} NOT NULL, mtime_ns {int} NOT NULL, first_url {int} NOT NULL,
    n_urls {int} NOT NULL, batch_id TEXT NOT NULL, PRIMARY KEY (path, size, mtime_ns, first_url));
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY, inbox TEXT NOT NULL, created_at TEXT NOT NULL, n_files {int} NOT NULL,
    published_at TEXT);
"""
POSTGRES = "postgres:"  # WEBFACTS_LEDGER=postgres:<libpq connection string>
LEDGER_SCHEMA = "webfacts_ledger"
# One PostgreSQL advisory lock key for the ledger's writers (any 64-bit number no other part of the database uses).
_ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"webfacts batch ledger").digest()[:8], "big", signed=True)


class LedgerError(OSError):
    """The ledger's database cannot be reached or written (an OSError: callers report it as they do a file's)."""


@dataclass(frozen=True)
class PostgresLedger:
    """The ledger in a PostgreSQL database, in its own schema: the DuckLake catalog's database by default."""

    conninfo: str  # libpq: dbname=webfacts host=... (the password from PGPASSWORD or ~/.pgpass)
    schema: str = LEDGER_SCHEMA

    def __str__(self) -> str:
        return f"{POSTGRES}{self.conninfo} (schema {self.schema})"


Ledger = Path | PostgresLedger


def as_ledger(value: "Ledger | str") -> Ledger:
    """A WEBFACTS_LEDGER value (a file, or postgres:<connection string>) as a ledger."""
    if isinstance(value, (Path, PostgresLedger)):
        return value
    return PostgresLedger(value.removeprefix(POSTGRES)) if value.startswith(POSTGRES) else Path(value)


@dataclass(frozen=True)
class FileStat:
    path: str
    size: int
    mtime_ns: int
    first_url: int = -1  # a part of a long URL list: its first URL (0-based) and how many
    n_urls: int = 0


def ledger_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".batches.sqlite")


class _SQLite:
    """The SQLite file, in autocommit mode (each statement its own transaction, unless begin_exclusive)."""

    paths_as_bytes = False

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.con = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.con.executescript(SCHEMA.format(path="TEXT", int="INTEGER"))

    def execute(self, sql: str, params=()):
        return self.con.execute(sql, params)

    def executemany(self, sql: str, rows) -> None:
        self.con.executemany(sql, rows)

    def begin_exclusive(self) -> None:
        self.con.execute("BEGIN IMMEDIATE")  # the write lock now, before the reads it decides on

    def commit(self) -> None:
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        if self.con.in_transaction:
            self.con.execute("ROLLBACK")

    def close(self) -> None:
        self.con.close()


class _Postgres:
    """The ledger's schema in PostgreSQL through psycopg, with SQLite's `?` placeholders, in autocommit mode."""

    paths_as_bytes = True

    def __init__(self, ledger: PostgresLedger):
        try:
            import psycopg
        except ImportError:
            raise LedgerError(f"the batch ledger {ledger} needs psycopg: pip install -e '.[postgres]'") from None
        self.errors = psycopg.Error
        try:
            self.con = psycopg.connect(ledger.conninfo, autocommit=True, connect_timeout=30)
        except psycopg.Error as exc:
            raise LedgerError(f"cannot reach the batch ledger {ledger}: {' '.join(str(exc).split())}") from None
        try:
            schema = '"' + ledger.schema.replace('"', '""') + '"'
            self.begin_exclusive()  # CREATE ... IF NOT EXISTS races with itself in PostgreSQL: one at a time
            self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            self.con.execute(f"SET search_path TO {schema}")  # the session's, so it outlives this transaction
            for statement in SCHEMA.format(path="BYTEA", int="BIGINT").split(";"):
                if statement.strip():
                    self.con.execute(statement)
            self.commit()
        except BaseException:
            self.con.close()
            raise

    def execute(self, sql: str, params=()):
        return self.con.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows) -> None:
        rows = list(rows)
        if rows:
            self.con.cursor().executemany(sql.replace("?", "%s"), rows)

    def begin_exclusive(self) -> None:
        # Registrars on any host queue here until the one before them commits; the lock ends with the transaction.
        self.con.execute("BEGIN")
        self.con.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_KEY,))

    def commit(self) -> None:
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        self.con.execute("ROLLBACK")

    def close(self) -> None:
        self.con.close()


def connect(ledger: "Ledger | str") -> _SQLite | _Postgres:
    """The ledger's database, its tables created if need be; close it (contextlib.closing)."""
    ledger = as_ledger(ledger)
    return _Postgres(ledger) if isinstance(ledger, PostgresLedger) else _SQLite(ledger)


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


def _stored(path: str, as_bytes: bool = False) -> str | bytes:
    """A path as the ledger stores it: text, or its bytes when the name is not UTF-8 (SQLite text must be) or the
    ledger keeps every path as bytes (PostgreSQL)."""
    if as_bytes:
        return os.fsencode(path)
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def _loaded(value: str | bytes | memoryview) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    return os.fsdecode(value) if isinstance(value, bytes) else value


def _path_order(value: str | bytes | memoryview) -> tuple[bool, bytes]:
    """SQLite's ORDER BY path on either backend: UTF-8 names in byte order, then the other names (kept as bytes,
    which SQLite sorts after text) in byte order; PostgreSQL keeps every name as bytes."""
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    try:
        raw.decode("utf-8")
        return (False, raw)
    except UnicodeDecodeError:
        return (True, raw)


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


def register_batches(ledger: Ledger, inbox: Path, warehouse_exists: bool = True,
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
        # Exclusive from the read of the known files to the commit: another registrar (a sensor tick, a
        # `webfacts run`, another host) that saw the same new files waits here, then finds them known.
        con.begin_exclusive()
        try:
            batch_ids = _register_new(con, files, inbox, warehouse_exists, max_files, max_bytes, max_urls)
        except BaseException:
            con.rollback()
            raise
        con.commit()
        return batch_ids


def _register_new(con, files: list[FileStat], inbox: Path, warehouse_exists: bool, max_files: int,
                  max_bytes: int, max_urls: int) -> list[str]:
    """Inside register_batches' exclusive transaction: the batches of the files the ledger does not know."""
    published = con.execute("SELECT 1 FROM batches WHERE published_at IS NOT NULL LIMIT 1").fetchone()
    if published and not warehouse_exists:  # the warehouse was removed: everything must load again
        for table in ("files", "url_parts", "batches"):
            con.execute(f"DELETE FROM {table}")
    known = {(_loaded(p), size, mtime) for p, size, mtime in con.execute("SELECT path, size, mtime_ns FROM files")}
    new = [f for f in files if (f.path, f.size, f.mtime_ns) not in known]
    if not new:
        return []
    now = datetime.now(timezone.utc)
    batch_ids = []
    as_bytes = con.paths_as_bytes
    plain, parts = url_list_parts(new, inbox, max_urls)
    for k, group in enumerate(split_batches(plain, max_files, max_bytes) + [[part] for part in parts]):
        digest = hashlib.sha256("\n".join(f"{f.path}|{f.size}|{f.mtime_ns}" + (f"|{f.first_url}" if f.n_urls
                                                                               else "") for f in group)
                                .encode("utf-8", "surrogateescape")).hexdigest()
        batch_id = f"{now:%Y%m%dT%H%M%S}-{digest[:8]}"
        # One microsecond apart: batches run, and their documents count as first seen, in inbox order.
        created_at = now + timedelta(microseconds=k)
        con.executemany("INSERT INTO files VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        [(_stored(f.path, as_bytes), f.size, f.mtime_ns, batch_id) for f in group])
        con.executemany("INSERT INTO url_parts VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        [(_stored(f.path, as_bytes), f.size, f.mtime_ns, f.first_url, f.n_urls, batch_id)
                         for f in group if f.n_urls])
        con.execute("INSERT INTO batches VALUES (?, ?, ?, ?, NULL)",
                    (batch_id, str(inbox.resolve()), created_at.isoformat(), len(group)))
        batch_ids.append(batch_id)
    return batch_ids


def batch_files(ledger: Ledger, batch_id: str) -> list[Path]:
    """The batch's whole files (the parts of a long URL list are in batch_url_parts)."""
    with closing(connect(ledger)) as con:
        rows = con.execute("""SELECT path FROM files f WHERE batch_id = ? AND NOT EXISTS (SELECT 1 FROM url_parts u
                              WHERE u.path = f.path AND u.size = f.size AND u.mtime_ns = f.mtime_ns)
                              ORDER BY path""", (batch_id,)).fetchall()
        if not rows and con.execute("SELECT 1 FROM batches WHERE batch_id = ?", (batch_id,)).fetchone() is None:
            raise KeyError(f"batch {batch_id} is not in the ledger {ledger}")
    return [Path(_loaded(r[0])) for r in sorted(rows, key=lambda r: _path_order(r[0]))]


def batch_url_parts(ledger: Ledger, batch_id: str) -> list[tuple[Path, int, int]]:
    """(URL list, first URL, number of URLs) of the batch's parts of long URL lists."""
    with closing(connect(ledger)) as con:
        rows = con.execute("SELECT path, first_url, n_urls FROM url_parts WHERE batch_id = ? ORDER BY path, first_url",
                           (batch_id,)).fetchall()
    return [(Path(_loaded(p)), first, n) for p, first, n in sorted(rows, key=lambda r: (_path_order(r[0]), r[1]))]


def batch_inbox(ledger: Ledger, batch_id: str) -> Path:
    """The inbox the batch's files were found in: symlinks leading out of it are not followed."""
    with closing(connect(ledger)) as con:
        row = con.execute("SELECT inbox FROM batches WHERE batch_id = ?", (batch_id,)).fetchone()
    if row is None:
        raise KeyError(f"batch {batch_id} is not in the ledger {ledger}")
    return Path(row[0])


def pending_batches(ledger: Ledger) -> list[str]:
    with closing(connect(ledger)) as con:
        return [r[0] for r in con.execute(
            "SELECT batch_id FROM batches WHERE published_at IS NULL ORDER BY created_at, batch_id")]


def mark_published(ledger: Ledger, batch_id: str) -> None:
    with closing(connect(ledger)) as con:
        con.execute("UPDATE batches SET published_at = ? WHERE batch_id = ?",
                    (datetime.now(timezone.utc).isoformat(), batch_id))


def batch_created_at(ledger: Ledger, batch_id: str) -> datetime:
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
