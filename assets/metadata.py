"""Materialization metadata: row counts, a markdown preview, the column schema."""
from __future__ import annotations

import polars as pl
from dagster import MetadataValue, TableColumn, TableSchema

from schemas import MODELS
from warehouse.tables import Table


def markdown_preview(df: pl.DataFrame, rows: int = 5, width: int = 60) -> str:
    head = df.head(rows)
    cells = [[_cell(v, width) for v in row] for row in head.iter_rows()]
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(r) + " |" for r in cells]
    return "\n".join(lines)


def _cell(value, width: int) -> str:
    text = "" if value is None else str(value)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def table_schema(name: str) -> TableSchema:
    schema = MODELS[name].to_schema()
    return TableSchema(columns=[
        TableColumn(col, str(c.dtype), description=c.description) for col, c in schema.columns.items()])


def warehouse_table_schema(table: Table) -> TableSchema:
    return TableSchema(columns=[TableColumn(c.name, c.sql_type, description=c.description) for c in table.columns])


def frame_metadata(name: str, df: pl.DataFrame) -> dict:
    return {
        "dagster/row_count": MetadataValue.int(df.height),
        "preview": MetadataValue.md(markdown_preview(df.drop([c for c in ("content", "text") if c in df.columns]))),
        "dagster/column_schema": table_schema(name),
    }
