"""The read-only commands: `webfacts facts`, `entities`, `sources`, `export` and `report` on the live warehouse."""
from __future__ import annotations

import sys
from pathlib import Path

from pipeline.config import command_settings


def open_warehouse(target: str | None):
    """The warehouse to read (--warehouse, else WEBFACTS_WAREHOUSE), or None after saying why it cannot be read."""
    from warehouse.store import Warehouse, WarehouseUnreadable

    store = Warehouse.from_settings(command_settings(warehouse=target))
    if not store.exists():
        print(f"webfacts: no warehouse at {store}; run `webfacts run` first", file=sys.stderr)
        return None
    try:
        store.check_readable()
    except WarehouseUnreadable as exc:
        print(f"webfacts: {exc}", file=sys.stderr)
        return None
    return store


def show(frame, fmt: str, nothing: str) -> int:
    """The frame in `fmt`; a table with no rows says so in words, JSON and CSV stay parseable."""
    from assets.output import render

    if frame.is_empty() and fmt == "table":
        print(nothing)
    else:
        render(frame, fmt)
    return 0


def facts(wanted, target: str | None, fmt: str = "table") -> int:
    from warehouse import queries

    if (store := open_warehouse(target)) is None:
        return 2
    with store.connect(read_only=True) as con:
        found = queries.facts(con, wanted)
    return show(found, fmt, f"no facts{' about ' + repr(wanted.about) if wanted.about else ''} matching in {store}")


def entities(about: str | None, target: str | None, fmt: str = "table") -> int:
    from warehouse import queries

    if (store := open_warehouse(target)) is None:
        return 2
    with store.connect(read_only=True) as con:
        found = queries.entities(con, about)
    return show(found, fmt, f"no entities{' named like ' + repr(about) if about else ''} in {store}")


def sources(target: str | None, fmt: str = "table") -> int:
    from warehouse import queries

    if (store := open_warehouse(target)) is None:
        return 2
    with store.connect(read_only=True) as con:
        found = queries.sources(con)
    return show(found, fmt, f"no sources in {store}")


def export_parquet(directory: str, target: str | None) -> int:
    """Every table and view of the warehouse as <directory>/<name>.parquet, written by DuckDB itself."""
    from warehouse import queries
    from warehouse.store import sql_string

    if (store := open_warehouse(target)) is None:
        return 2
    folder = Path(directory).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with store.connect(read_only=True) as con:
        names = queries.table_names(con)
        for name in names:
            path = folder / f"{name}.parquet"
            con.execute(f'COPY (SELECT * FROM "{name}") TO {sql_string(str(path))} (FORMAT parquet)')
    print(f"webfacts: exported {len(names)} tables and views of {store} to {folder}: {', '.join(names)}")
    return 0


def report(out: str, target: str | None) -> int:
    from warehouse.report import write_report

    if (store := open_warehouse(target)) is None:
        return 2
    path = write_report(store, Path(out))
    print(f"webfacts: report on {store} written to {path} (one self-contained HTML file, works offline)")
    return 0
