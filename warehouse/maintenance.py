"""DuckLake upkeep: rewrite files publishes deleted rows from, merge the small files they leave, expire old snapshots,
delete the files none refers to.

Every publish adds small Parquet files and deletes the rows of facts, sources, entity_facts and the rest that its
batch replaced, so a lake grows by a snapshot, a few files and a few delete files per batch, and the files it deleted
from stay on disk for time travel. Run daily by the `daily_warehouse_maintenance` schedule (assets/maintenance.py),
inside the `duckdb` pool, so it never races a publish. The merge writes the merged files sorted (the tables are SET
SORTED BY tables.CLUSTERED_BY), so the rows publishes appended are in key order again.

A DuckDB-file warehouse has no files or snapshots to keep (each publish writes a whole new file), but its publishes
append their rows to the last row groups of each table, out of key order: `maintain_file` writes the warehouse again
with the clustered tables in key order (tables.cluster), into a new file renamed in the way a publish's is.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import asdict, dataclass

from warehouse import tables
from warehouse.publish import publish_lock, replace_file
from warehouse.store import ALIAS, Warehouse, sql_string

METADATA = f"__ducklake_metadata_{ALIAS}"  # the catalog database, as DuckLake attaches it beside the lake
LIVE_FILES = f"SELECT count(*) FROM {METADATA}.ducklake_data_file WHERE end_snapshot IS NULL"
ALL_FILES = f"SELECT count(*) FROM {METADATA}.ducklake_data_file"
SNAPSHOTS = f"SELECT count(*) FROM ducklake_snapshots('{ALIAS}')"
# A file is written again without its deleted rows once half of them are: a publish deletes the rows its batch
# changes (facts of a group, a domain's sources row) wherever they were written, and DuckLake merges no file that
# has deletes. DuckLake's own default (0.95) would leave most small derived-table files unmerged.
REWRITE_DELETED = 0.5


@dataclass(frozen=True)
class MaintenanceReport:
    live_files_before: int  # data files the latest snapshot reads
    live_files_after: int
    files_rewritten: int  # files at least REWRITE_DELETED of whose rows are deleted, written again without them
    files_merged: int  # adjacent files rewritten as fewer, larger ones
    snapshots_before: int
    snapshots_expired: int
    files_deleted: int  # files no remaining snapshot refers to, removed from the data path
    elapsed_s: float

    def as_dict(self) -> dict:
        return asdict(self)


def maintain_lake(warehouse: Warehouse, retention_days: float) -> MaintenanceReport:
    """Rewrite files with many deleted rows, merge adjacent files, expire snapshots older than retention_days (never
    the latest: time travel and readers of older snapshots work within the retention), then delete files
    unreferenced for as long."""
    if not warehouse.is_lake:
        raise ValueError(f"{warehouse} is a DuckDB file, not a DuckLake: it has no snapshots or data files to maintain")
    started = time.perf_counter()
    older_than = f"now() - INTERVAL '{float(retention_days) * 86400:.3f} seconds'"
    # A local catalog's lock file keeps `webfacts run`'s publishes, which no Dagster pool covers, out meanwhile.
    with publish_lock(warehouse.local_file), warehouse.connect(read_only=False) as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        live_before, snapshots_before = one(LIVE_FILES), one(SNAPSHOTS)
        rewritten = sum(r[2] for r in con.execute(f"CALL ducklake_rewrite_data_files('{ALIAS}', "
                                                  f"delete_threshold => {REWRITE_DELETED})").fetchall())
        merged = sum(r[2] for r in con.execute(f"CALL ducklake_merge_adjacent_files('{ALIAS}')").fetchall())
        expired = len(con.execute(f"CALL ducklake_expire_snapshots('{ALIAS}', older_than => {older_than})")
                      .fetchall())
        deleted = len(con.execute(f"CALL ducklake_cleanup_old_files('{ALIAS}', older_than => {older_than})")
                      .fetchall())
        live_after = one(LIVE_FILES)
    return MaintenanceReport(live_before, live_after, rewritten, merged, snapshots_before, expired, deleted,
                             round(time.perf_counter() - started, 3))


@dataclass(frozen=True)
class FileMaintenanceReport:
    tables_sorted: int  # tables rewritten in key order (tables.CLUSTERED_BY)
    size_before_mb: float  # the file, before and after
    size_after_mb: float
    elapsed_s: float

    def as_dict(self) -> dict:
        return asdict(self)


def maintain_file(warehouse: Warehouse) -> FileMaintenanceReport:
    """Rewrite a DuckDB file's clustered tables in key order, on a copy renamed in under the publish lock: readers
    keep the file they opened, and a failure leaves the previous file."""
    if warehouse.is_lake:
        raise ValueError(f"{warehouse} is a DuckLake: maintain_lake")
    started, path = time.perf_counter(), warehouse.local_file
    if not path.exists():  # nothing published yet
        return FileMaintenanceReport(0, 0.0, 0.0, 0.0)
    before = path.stat().st_size
    # Read from a copy of its own: a process holding the live file read-write (a notebook) keeps DuckDB from
    # attaching it, not a publish from copying it. Named like a publish's build, so a crash leaves nothing for good.
    source = path.with_name(f"{path.name}.tmp-{os.getpid()}-source")
    with publish_lock(path):
        try:
            shutil.copyfile(path, source)
            sorted_tables = replace_file(path, lambda con: _sorted_copy(con, source), copy=False)
        finally:
            source.unlink(missing_ok=True)
    return FileMaintenanceReport(len(sorted_tables), round(before / 2**20, 1), round(path.stat().st_size / 2**20, 1),
                                 round(time.perf_counter() - started, 3))


def _sorted_copy(con, source) -> list[str]:
    con.execute(f"ATTACH {sql_string(str(source))} AS maintained_source (READ_ONLY)")
    try:
        return tables.cluster(con, "maintained_source")
    finally:
        con.execute("DETACH maintained_source")
