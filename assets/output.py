"""A query's answer on the terminal: a rich table for people, JSON or CSV for programs."""
from __future__ import annotations

import json
import sys
from typing import TextIO

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table

FORMATS = ("table", "json", "csv")
# Piped output is not wrapped to 80 columns (a grep would find half a name): the table takes the width it needs.
UNWRAPPED_WIDTH = 10_000


def flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists as '; '-separated text: CSV has no list type, and a table cell reads better so."""
    return frame.with_columns(pl.col(c).list.join("; ") for c, t in frame.schema.items()
                              if t == pl.List(pl.String))


def cell(value, column: str) -> str:
    """A boolean column says its name where true (CONTESTED) and nothing where false: the flags stand out."""
    if isinstance(value, bool):
        return column.upper() if value else ""
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def rich_table(frame: pl.DataFrame) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name, dtype in frame.schema.items():
        table.add_column(name, justify="right" if dtype.is_numeric() else "left", overflow="fold")
    for row in flat(frame).iter_rows():
        table.add_row(*(cell(v, c) for v, c in zip(row, frame.columns)))
    return table


def render(frame: pl.DataFrame, fmt: str = "table", out: TextIO | None = None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        out.write(json.dumps(frame.to_dicts(), ensure_ascii=False, default=str, indent=1) + "\n")
    elif fmt == "csv":
        out.write(flat(frame).write_csv())
    else:
        terminal = out.isatty()
        Console(file=out, width=None if terminal else UNWRAPPED_WIDTH, highlight=False).print(rich_table(frame))
