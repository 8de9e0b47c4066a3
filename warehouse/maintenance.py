"""DuckLake upkeep: rewrite files publishes deleted rows from, merge the small files they leave, expire old snapshots,
delete the files none refers to.

Every publish adds small Parquet files and deletes the rows of facts, sources, entity_facts and the rest that its
batch replaced, so a lake grows by a snapshot, a few files and a few delete files per batch, and the files it deleted
from stay on disk for time travel. Run daily by the `daily_warehouse_maintenance` schedule (assets/maintenance.py),
inside the `duckdb` pool, so it never races a publish. A DuckDB-file warehouse needs none of it: each publish writes
a whole new file.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from warehouse.publish import publish_lock
from warehouse.store import ALIAS, Warehouse

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
