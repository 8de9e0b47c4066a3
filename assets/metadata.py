"""Materialization metadata: row counts, a table preview, the column schema.

Previews are Dagster table metadata, which the UI renders inline as a table; every column description comes from
the frame's pandera model in schemas/, the one place a column is described.
"""
from __future__ import annotations

from datetime import date, datetime

import polars as pl
from dagster import MetadataValue, TableColumn, TableRecord, TableSchema

from pipeline.domains import domain_column
from schemas import MODELS
from warehouse.tables import Table

PREVIEW_ROWS = 10
CELL_CHARS = 120  # a sentence fits; a page does not
HIDDEN = ("content", "text", "signature")  # whole pages and binary hashes: not something to read in a grid
# Table metadata holds strings, numbers and booleans; a column of another type is shown as text.
TABLE_TYPES = {pl.Boolean: "bool", pl.Float64: "float", pl.Float32: "float"}


def column_descriptions(name: str) -> dict[str, str]:
    return {col: c.description or "" for col, c in MODELS[name].to_schema().columns.items()}


def table_schema(name: str) -> TableSchema:
    schema = MODELS[name].to_schema()
    return TableSchema(columns=[
        TableColumn(col, str(c.dtype), description=c.description) for col, c in schema.columns.items()])


def warehouse_table_schema(table: Table) -> TableSchema:
    return TableSchema(columns=[TableColumn(c.name, c.sql_type, description=c.description) for c in table.columns])


def preview_schema(frame: pl.DataFrame, descriptions: dict[str, str]) -> TableSchema:
    return TableSchema(columns=[
        TableColumn(col, "int" if dtype.is_integer() else TABLE_TYPES.get(dtype, "string"),
                    description=descriptions.get(col, ""))
        for col, dtype in frame.schema.items()])


def table_cell(value):
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    text = str(value).replace("\n", " ")
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def table_preview(frame: pl.DataFrame, descriptions: dict[str, str], rows: int = PREVIEW_ROWS):
    """The first `rows` rows as Dagster table metadata, rendered inline by the UI."""
    shown = frame.drop([c for c in HIDDEN if c in frame.columns]).head(rows)
    records = [TableRecord({k: table_cell(v) for k, v in row.items()}) for row in shown.iter_rows(named=True)]
    return MetadataValue.table(records, schema=preview_schema(shown, descriptions))


def frame_metadata(name: str, df: pl.DataFrame) -> dict:
    return {
        "dagster/row_count": MetadataValue.int(df.height),
        "preview": table_preview(df, column_descriptions(name)),
        "dagster/column_schema": table_schema(name),
    }


FACT_PREVIEW_COLUMNS = ["subject", "predicate", "object", "n_independent", "contested", "first_source"]
FIRST_SOURCE = "Site (else domain, else URL) of the earliest document asserting it."


def facts_preview(facts: pl.DataFrame, claims: pl.DataFrame, documents: pl.DataFrame, rows: int = 20):
    """What an analyst looks at first: contested facts, then the best supported, by name, with the first source.

    documents: doc_id, first_seen_at, site and url (its label: the site, else the URL's domain, else the URL).
    """
    asserted = claims.filter(pl.col("modality") == "asserted")  # only asserted claims support a fact
    labelled = documents.select("doc_id", "first_seen_at",
                                source=pl.coalesce("site", domain_column("url"), "url"))
    first = (asserted.select("fact_id", "doc_id").join(labelled, on="doc_id")
             .sort("first_seen_at", "source").unique("fact_id", keep="first")
             .select("fact_id", pl.col("source").alias("first_source")))
    ranked = (facts.join(first, on="fact_id", how="left")
              .sort(["contested", "n_independent", "n_documents", "subject", "predicate", "object"],
                    descending=[True, True, True, False, False, False]))
    return table_preview(ranked.select(FACT_PREVIEW_COLUMNS),
                         column_descriptions("facts") | {"first_source": FIRST_SOURCE}, rows)
