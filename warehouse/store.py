"""Where the warehouse lives and how to open it: a DuckDB file (the default) or a DuckLake catalog.

The target is the WEBFACTS_WAREHOUSE string. A plain path is one DuckDB file. `ducklake:<catalog>` is
exactly what DuckDB's ATTACH takes: `ducklake:/path/catalog.ducklake` (a local DuckDB-file catalog) or
`ducklake:postgres:dbname=webfacts host=...` (PostgreSQL). Every connection this module opens has the
warehouse as its default catalog, so the same SQL runs on both backends.
"""
from __future__ import annotations

import importlib.metadata
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import duckdb
import polars as pl

from pipeline.batches import Ledger, PostgresLedger, as_ledger, ledger_path
from pipeline.config import DUCKLAKE, ducklake_catalog

ALIAS = "webfacts"  # the name the DuckLake catalog is attached as (USE'd, so queries need no prefix)
# Writers put every row in Parquet files, none in the catalog (DuckLake 1.0 inlines inserts and deletes of up to 10
# rows by default, most of an incremental publish): a publish then writes its data before its commit, so a full
# disk fails it there, cleanly, not in the catalog's WAL at COMMIT, after which DuckLake 1.0 keeps the catalog file
# open in the process; and inlined rows stay in the catalog until flushed by hand (no checkpoint flushes them).
LAKE_INLINED_ROWS = 0
# A hash join pushes the keys of its build side (a batch's documents, groups, entities) into the scan of the other
# (a warehouse table) as an IN filter, which the row groups' min/max statistics skip by, for up to this many keys;
# beyond them only the keys' min and max, which hashed ids spread over the whole range. DuckDB's default, 50, is
# fewer than one small batch's entities. Lookups prune only in tables kept in key order (tables.CLUSTERED_BY).
DYNAMIC_IN_FILTER_KEYS = 10_000
HAS_TABLES = ("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
              "AND table_name = 'facts'")


SNAPSHOT_PREFIX = "webfacts-snapshot-"


def remove_dead_snapshots(root: Path | None = None) -> None:
    """Private copies a killed reader left behind (webfacts-snapshot-<pid>-*, the pid no longer running)."""
    for folder in Path(root or tempfile.gettempdir()).glob(f"{SNAPSHOT_PREFIX}*-*"):
        pid = folder.name[len(SNAPSHOT_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

Steps = Sequence[tuple[str, list]]  # statements and their parameters, run in order on one connection


class WarehouseConfigError(RuntimeError):
    pass


class WarehouseUnreadable(RuntimeError):
    """The warehouse file exists but DuckDB cannot read it (truncated, overwritten, not a DuckDB file)."""


# The extension a `ducklake:<kind>:` catalog needs. PostgreSQL's is postgres_scanner: DuckDB derives a loaded
# file's entry point from its file name, and duckdb-extension-postgres ships the same binary as
# postgres.duckdb_extension, which LOAD by path rejects ('did not contain the expected entrypoint').
CATALOG_EXTENSIONS = {"postgres": "postgres_scanner"}


def extension_file(name: str) -> str:
    """The <name>.duckdb_extension file that the PyPI package duckdb-extension-<name> ships.

    `LOAD ducklake` by name downloads from DuckDB's extension host, which is out of reach here (and in
    locked-down production); the wheels pin the DuckDB version, so loading the file by path is exact.
    """
    package = f"duckdb-extension-{name.replace('_', '-')}"
    try:
        files = importlib.metadata.files(package) or []
    except importlib.metadata.PackageNotFoundError:
        raise WarehouseConfigError(f"the {name} DuckDB extension is not installed: pip install '{package}=="
                                   f"{duckdb.__version__}'") from None
    found = [f for f in files if f.name == f"{name}.duckdb_extension"]
    if not found:
        raise WarehouseConfigError(f"{package} ships no {name}.duckdb_extension file")
    return str(found[0].locate())


def sql_string(value: str) -> str:
    """A string literal for SQL that takes no parameters (ATTACH, LOAD, COPY ... TO)."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Warehouse:
    target: str  # a DuckDB file path, or ducklake:<catalog>
    data_path: str = ""  # DuckLake: where its Parquet files go (default: <catalog>.files beside a local catalog)

    def __str__(self) -> str:
        return self.target

    @classmethod
    def from_settings(cls, settings) -> "Warehouse":
        """The warehouse a run's settings (pipeline.config.Settings) name."""
        return cls(settings.warehouse, settings.ducklake_data_path)

    @property
    def is_lake(self) -> bool:
        return self.target.startswith(DUCKLAKE)

    @property
    def catalog_kind(self) -> str | None:
        """duckdb for a local catalog file, postgres (or another database) for a catalog server; None: no lake."""
        lake = ducklake_catalog(self.target)
        return lake[0] if lake else None

    @property
    def local_file(self) -> Path | None:
        """The file that holds the warehouse (DuckDB file) or its catalog (local DuckLake); None for a server."""
        lake = ducklake_catalog(self.target)
        if lake is None:
            return Path(self.target)
        return Path(lake[1]) if lake[0] == "duckdb" else None

    @property
    def lake_data_path(self) -> str:
        if self.data_path:
            return self.data_path
        if self.local_file is not None:
            return f"{self.local_file}.files"  # DuckLake's own default, made explicit for error messages
        return ""  # a server catalog remembers the DATA_PATH it was created with

    def ledger(self, explicit: str = "") -> Ledger:
        """The batch ledger: `explicit` (WEBFACTS_LEDGER: a file, or postgres:<connection string>), else a file
        beside the warehouse or local catalog, or the PostgreSQL catalog's own database (schema webfacts_ledger),
        where every host that publishes to the catalog also finds the batches."""
        if explicit:
            return as_ledger(explicit)
        if self.catalog_kind == "postgres":
            return PostgresLedger(ducklake_catalog(self.target)[1])
        if self.local_file is None:
            raise WarehouseConfigError(f"set WEBFACTS_LEDGER for the batch ledger (a local file, or postgres:<libpq "
                                       f"connection string>): the catalog of {self.target} is a server with no "
                                       f"folder to keep it beside")
        return ledger_path(self.local_file)

    def exists(self) -> bool:
        """True once a publish has committed (a DuckLake catalog can exist with no tables yet)."""
        if not self.is_lake:
            return self.local_file.exists()
        return self.query("SELECT 1", published_only=True) is not None

    def check_readable(self) -> None:
        """Raise WarehouseUnreadable, with one line naming the file and what to do, when the DuckDB file is damaged.

        Opening reads the header and catalog; a file shorter than the blocks in use its header counts is truncated
        even when those happen to be intact (free blocks at the end are not counted: a checkpoint after deletes
        trims them off the file). A file another process holds read-write is not damaged (query reads a copy of
        it).
        """
        if self.is_lake or not self.local_file.exists():
            return
        try:
            with duckdb.connect(self.target, read_only=True) as con:
                blocks, block_size = con.execute(
                    "SELECT used_blocks, block_size FROM pragma_database_size()").fetchone()
            problem = None
            if self.local_file.stat().st_size < blocks * block_size:
                problem = (f"truncated: {self.local_file.stat().st_size} bytes for {blocks} blocks in use of "
                           f"{block_size}")
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                return
            problem = " ".join(str(exc).split())[:200]
        if problem:
            raise WarehouseUnreadable(
                f"the warehouse {self.target} is not a readable DuckDB file ({problem}): restore it from a backup, "
                f"or move it aside and run `webfacts run` again to rebuild it from the inbox")

    def query(self, sql: str, params: list | None = None, published_only: bool = False,
              setup: Steps = ()) -> pl.DataFrame | None:
        """A read-only query; with published_only, None instead of an error when nothing is published yet. `setup`:
        (sql, params) statements run first on the same connection (temp tables the query reads).

        When another process holds the local file read-write (an analyst's read-write connection; for a
        DuckDB-file DuckLake catalog, also a publish in progress), DuckDB refuses even read-only
        connections; the query then runs on a private copy of that file, which holds everything that
        process had checkpointed (a DuckLake catalog copy still reads the shared, immutable data files).
        """
        if published_only and self.local_file is not None and not self.local_file.exists():
            return None
        try:
            return self._query(sql, params, published_only, setup)
        except duckdb.InvalidInputException as exc:  # a catalog database no publish has initialised yet
            if not (published_only and "does not exist" in str(exc)):
                raise
            return None
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or self.local_file is None:
                raise
        remove_dead_snapshots()
        with tempfile.TemporaryDirectory(prefix=f"{SNAPSHOT_PREFIX}{os.getpid()}-") as tmpdir:
            copy = Path(shutil.copy(self.local_file, Path(tmpdir) / self.local_file.name))
            return self.with_local_file(copy)._query(sql, params, published_only, setup)

    def _query(self, sql: str, params: list | None, published_only: bool, setup: Steps) -> pl.DataFrame | None:
        with self.connect(read_only=True) as con:  # one ATTACH for the check and the query
            if published_only and self.is_lake and not con.execute(HAS_TABLES).fetchone()[0]:
                return None
            for statement, statement_params in setup:
                con.execute(statement, statement_params)
            return arrow_frame(con.execute(sql, params or []))

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        """A connection whose default catalog is the warehouse; close it (or use `with`)."""
        if not self.is_lake:
            return prune_lookups(duckdb.connect(self.target, read_only=read_only))
        con = prune_lookups(duckdb.connect())
        try:
            con.execute(f"LOAD {sql_string(extension_file('ducklake'))}")
            if self.catalog_kind != "duckdb":
                extension = CATALOG_EXTENSIONS.get(self.catalog_kind, self.catalog_kind)
                con.execute(f"LOAD {sql_string(extension_file(extension))}")
            options = ["READ_ONLY"] if read_only else (
                [f"DATA_PATH {sql_string(self.lake_data_path)}"] if self.lake_data_path else []) + [
                f"DATA_INLINING_ROW_LIMIT {LAKE_INLINED_ROWS}"]
            con.execute(f"ATTACH {sql_string(self.target)} AS {ALIAS}"
                        + (f" ({', '.join(options)})" if options else ""))
            con.execute(f"USE {ALIAS}")
        except BaseException:
            con.close()
            raise
        return con

    def with_local_file(self, path: Path) -> "Warehouse":
        """The same warehouse read through a copy of its local file (DuckLake: the catalog; data stays put)."""
        return Warehouse(f"{DUCKLAKE}{path}" if self.is_lake else str(path), self.data_path)


# DuckDB's Arrow export reserves room for its batch size in rows for every column, 1,000,000 by default: ~90 MB of heap
# for a 2,785-row SELECT * FROM claims at N=10000 (peak +54 MB), all of it kept alive by the frame and by any
# column joined or gathered from it into an asset output (each batch's `facts`). 10,000-row batches reserve about
# the data's own size (peak +8 MB); polars joins the batches into one chunk.
ARROW_BATCH_ROWS = 10_000


def arrow_frame(result: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The executed query's result as a polars frame, without DuckDB's default 1,000,000-row Arrow reservation."""
    return pl.from_arrow(result.to_arrow_table(ARROW_BATCH_ROWS))


def rows_by_rowid(name: str, table: str, columns: str, condition: str) -> tuple[str, str]:
    """Two statements making temp table `name` of `table`'s rows (`columns`, in insertion order) where `condition`
    holds: their rowids first, reading the condition's columns alone, then those rows. One query filtering by a join
    reads every column it returns for every row before the join drops them (every claim's sentence, every earlier
    signature); a few rowids reach the scan itself."""
    return (f"CREATE OR REPLACE TEMP TABLE {name}_rows AS SELECT rowid AS row_id FROM {table} WHERE {condition}",
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {columns} FROM {table} "
            f"WHERE rowid IN (SELECT row_id FROM {name}_rows) ORDER BY rowid")


def prune_lookups(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The connection, its joins pushing up to DYNAMIC_IN_FILTER_KEYS keys into scans."""
    con.execute(f"SET dynamic_or_filter_threshold = {DYNAMIC_IN_FILTER_KEYS}")
    return con


def as_warehouse(target: "Warehouse | str | Path") -> Warehouse:
    return target if isinstance(target, Warehouse) else Warehouse(str(target))


def read_frame(warehouse: "Warehouse | str | Path", sql: str, params: list | None = None,
               schema: dict | None = None, setup: Steps = ()) -> pl.DataFrame | None:
    """A query on the live warehouse, read-only; None (or an empty frame of `schema`) when there is none yet."""
    frame = as_warehouse(warehouse).query(sql, params, published_only=True, setup=setup)
    if frame is None:
        return pl.DataFrame(schema=schema) if schema is not None else None
    return frame.cast(schema) if schema is not None else frame
