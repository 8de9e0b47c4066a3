"""The warehouse's tables, generated from the pandera models in schemas/ (the one place a column is defined).

`create_statements` is the DDL and its COMMENT ON statements; `KEYS` each table's key; `migrate` brings a
warehouse an older webfacts built up to the models: a table or a column a model gained is added (and filled when
the model says how), the comments follow the descriptions, and the version is recorded in `schema_migrations`.
Anything else (a column the models no longer have, or whose type changed) is not additive: the publish stops
with one line saying so, and nothing is dropped or rewritten. The derived tables (sources, entity_facts, ...) are
the exception: they hold nothing the others do not imply, so one that is missing or differs from its model is
created again and all of them are rebuilt (warehouse/derived.py).

`python -m warehouse.tables` prints the DDL; `python -m warehouse.tables --docs` writes docs/warehouse.md.
"""
from __future__ import annotations

import hashlib
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from schemas import DERIVED_TABLES, MODELS, WAREHOUSE_TABLES
from warehouse import derived
from warehouse.store import sql_string

DOCS = Path(__file__).resolve().parent.parent / "docs" / "warehouse.md"
MIGRATIONS_TABLE = "schema_migrations"
# polars type -> DuckDB type, as duckdb_columns() names it; a column whose warehouse type differs says so in its metadata ({"sql": "DATE"}).
SQL_TYPES = {pl.String: "VARCHAR", pl.Int64: "BIGINT", pl.UInt64: "UBIGINT", pl.Float64: "DOUBLE",
             pl.Boolean: "BOOLEAN", pl.Binary: "BLOB", pl.Datetime("us", "UTC"): "TIMESTAMP WITH TIME ZONE",
             pl.List(pl.String): "VARCHAR[]"}


# The order the large tables are kept in: the columns a publish finds earlier rows by (a batch's groups, entities,
# documents; entity_facts the name readers look up). With a key's rows in one row group (a DuckLake file's row group),
# a lookup of a batch's keys reads those row groups only: the join pushes the batch's keys into the scan as an IN
# filter (store.DYNAMIC_IN_FILTER_KEYS) that the row groups' min/max statistics skip by. A DuckLake table is SET
# SORTED BY them, so each insert and each merge of files (warehouse/maintenance.py) writes sorted Parquet; a DuckDB
# file appends a publish's rows to its last row groups, unsorted, until `cluster` rewrites the tables (maintenance).
CLUSTERED_BY = {
    "claims": ("subject_id", "predicate"), "facts": ("subject_id", "predicate"), "mentions": ("entity_id",),
    "entities": ("entity_id",), "raw_documents": ("doc_id",), "documents": ("doc_id",),
    "document_signatures": ("doc_id",), "document_sources": ("doc_id",), "stage_skips": ("doc_id",),
    "fact_evidence": ("doc_id",), "document_bands": ("band_hash",), "domain_facts": ("fact_id",),
    "entity_facts": ("name_hash",),
}
# Rows per row group of a DuckLake's Parquet files: a lookup reads a whole row group per key it finds, so 16,384 rows
# (DuckDB's default is 122,880) read a seventh as many. Not for a DuckDB file: its row group size is the writing
# connection's, and a publish into a file written with smaller row groups spent seconds in its CHECKPOINT
# (docs/scaling.md).
LAKE_ROW_GROUP_ROWS = 16_384

MIGRATIONS_COMMENTS = (
    f"COMMENT ON TABLE {MIGRATIONS_TABLE} IS 'Each schema version the warehouse was created at or migrated to, and "
    "what changed (warehouse/tables.py).'",
    f"COMMENT ON COLUMN {MIGRATIONS_TABLE}.version IS 'A hash of every table, column, type, key and description "
    "schemas/ declares.'",
    f"COMMENT ON COLUMN {MIGRATIONS_TABLE}.applied_at IS 'When the warehouse was created at or migrated to it.'",
    f"COMMENT ON COLUMN {MIGRATIONS_TABLE}.change IS 'created, or the columns and tables added (and how they were "
    "backfilled), or descriptions.'",
)


class SchemaMismatch(RuntimeError):
    """The warehouse differs from the models in a way no additive migration repairs."""


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    nullable: bool
    key: bool
    description: str
    backfill: str | None  # SQL over the row's other columns, for rows a warehouse held before the column existed
    backfill_functions: tuple = ()  # Python functions that SQL calls by name (strings in, a string out)


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    derived: bool = False  # rebuilt, not migrated column by column (warehouse/derived.py keeps it current)
    fill: str | None = None  # SELECT of every row, for a warehouse built before the table existed
    fill_functions: tuple = ()  # vectorised Python functions the fill calls by name (schemas.sql_function)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    def create(self) -> str:
        lines = [f"    {c.name} {c.sql_type}{'' if c.nullable else ' NOT NULL'}" for c in self.columns]
        return f"CREATE TABLE {self.name} (\n" + ",\n".join(lines) + ");"

    def comments(self) -> list[str]:
        return [f"COMMENT ON TABLE {self.name} IS {sql_string(self.description)};"] + [
            f"COMMENT ON COLUMN {self.name}.{c.name} IS {sql_string(c.description)};" for c in self.columns]


def _sql_type(dtype: pl.DataType, metadata: dict) -> str:
    if "sql" in metadata:
        return metadata["sql"]
    for polars_type, sql in SQL_TYPES.items():
        if dtype == polars_type:
            return sql
    raise TypeError(f"no DuckDB type for polars {dtype}: give the column metadata={{'sql': ...}}")


def table_from_model(name: str, model: str) -> Table:
    schema = MODELS[model].to_schema()
    columns = []
    for column_name, column in schema.columns.items():
        metadata = column.metadata or {}
        if metadata.get("warehouse", True):
            columns.append(Column(column_name, _sql_type(column.dtype.type, metadata), column.nullable,
                                  bool(metadata.get("key")), column.description or "", metadata.get("backfill"),
                                  tuple(metadata.get("backfill_functions", ()))))
    description = " ".join((MODELS[model].__doc__ or "").split())
    table = MODELS[model].__config__.metadata or {}
    return Table(name, description, tuple(columns), bool(table.get("derived")), table.get("fill"),
                 tuple(table.get("fill_functions", ())))


def tables() -> dict[str, Table]:
    """Every model-backed warehouse table, as the models declare it now (a test may change a model): the tables
    batches write, then the derived ones."""
    return {name: table_from_model(name, model) for name, model in (WAREHOUSE_TABLES | DERIVED_TABLES).items()}


def derived_tables() -> list[str]:
    return [name for name, table in tables().items() if table.derived]


def create_statements() -> str:
    return "\n\n".join("\n".join([t.create(), *t.comments()]) for t in tables().values()) + "\n"


def keys() -> dict[str, tuple[str, ...]]:
    return {name: t.key for name, t in tables().items() if t.key}


def schema_version() -> str:
    """A hash of every table, column, type, key and description, and of the tables' order (CLUSTERED_BY): any change
    to a model gives a new version (a lake's tables are sorted by the migration to it)."""
    text = create_statements() + repr(sorted(keys().items())) + repr(sorted(CLUSTERED_BY.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def live_columns(con, table: str) -> dict[str, str]:
    """Column -> DuckDB type of a table of the connection's warehouse."""
    rows = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database()"
                       " AND table_name = ? ORDER BY column_index", [table]).fetchall()
    return dict(rows)


def create(con) -> None:
    """An empty warehouse's tables. No primary keys: DuckLake has none, and a DuckDB file writes a primary key's
    whole index at every checkpoint, so a publish would cost the warehouse; the keys_unique check holds both
    backends to KEYS instead, for the rows each publish writes."""
    for table in tables().values():
        con.execute(table.create())
        for comment in table.comments():
            con.execute(comment)
    _sort_lake(con)
    _record(con, "created")


def is_lake(con) -> bool:
    """The connection's default catalog is a DuckLake (else a DuckDB file)."""
    return con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()"
                       ).fetchone()[0] == "ducklake"


def _sort_lake(con) -> list[str]:
    """A DuckLake's tables SET SORTED BY their CLUSTERED_BY columns (a DuckDB file has no such setting: `cluster`)."""
    if not is_lake(con):
        return []
    for name, columns in CLUSTERED_BY.items():
        con.execute(f"ALTER TABLE {name} SET SORTED BY ({', '.join(columns)})")
    con.execute(f"CALL {con.execute('SELECT current_database()').fetchone()[0]}.set_option("
                f"'parquet_row_group_size', {LAKE_ROW_GROUP_ROWS})")
    return [f"{', '.join(CLUSTERED_BY)} SET SORTED BY their keys, Parquet row groups of {LAKE_ROW_GROUP_ROWS} rows"]


def cluster(con, source: str) -> list[str]:
    """Copy the warehouse attached as `source` into the connection's empty DuckDB file: the CLUSTERED_BY tables in
    that order, each key's rows in the order they were inserted (rowid breaks ties: a fact's names are its group's
    first claim's), the others as they are; returns the tables sorted. A new file, because rewriting the tables in
    place left the file three times its size (DuckDB reuses the blocks of a dropped table but does not give them
    back), and every publish copies the whole file."""
    con.execute(f"COPY FROM DATABASE {source} TO {con.execute('SELECT current_database()').fetchone()[0]} (SCHEMA)")
    names = [name for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
                                             "ORDER BY table_name", [source]).fetchall()]
    for name in names:
        order = ", ".join(CLUSTERED_BY.get(name, ())) + (", rowid" if name in CLUSTERED_BY else "rowid")
        con.execute(f"INSERT INTO {name} SELECT * FROM {source}.{name} ORDER BY {order}")
    return [name for name in names if name in CLUSTERED_BY]


def mismatches(con) -> list[str]:
    """What no additive migration repairs in the connection's warehouse, one line each (read-only: a run checks
    this before it starts, the publish before it migrates); empty when `migrate` can bring it up to the models."""
    return _plan(con)[2]


def pending(con) -> list[str]:
    """What `migrate` would add to the connection's warehouse ("documents.domain", "publish_log"), read-only: a
    warehouse an older webfacts built answers queries of the current schema only after its next publish."""
    missing_tables, added, _ = _plan(con)
    return ([t.name for t in missing_tables] + [f"{t.name}.{c.name}" for t, c in added]
            + [f"{name} (rebuilt)" for name in _stale_derived(con)])


def _stale_derived(con) -> list[str]:
    """Derived tables that exist with other columns or types than their model's: rebuilt, not migrated."""
    stale = []
    for table in (t for t in tables().values() if t.derived):
        live = live_columns(con, table.name)
        if live and live != {c.name: c.sql_type for c in table.columns}:
            stale.append(table.name)
    return stale


def _plan(con) -> tuple[list[Table], list[tuple[Table, Column]], list[str]]:
    """The tables to create, the columns to add, and the problems that forbid doing either (derived tables that
    exist are not planned here: _stale_derived)."""
    live = {t: live_columns(con, t) for t in tables()}
    missing_tables = [t for t in tables().values() if not live[t.name]]
    added, problems = [], []
    for table in (t for t in tables().values() if live[t.name] and not t.derived):
        declared = {c.name: c for c in table.columns}
        if dropped := [c for c in live[table.name] if c not in declared]:
            problems.append(_rebuild(f"the warehouse's {table.name} has column(s) {', '.join(dropped)} that "
                                     "schemas/ no longer declares"))
        if changed := [f"{c.name} {live[table.name][c.name]} -> {c.sql_type}" for c in table.columns
                       if c.name in live[table.name] and live[table.name][c.name] != c.sql_type]:
            problems.append(_rebuild(f"the warehouse's {table.name} column types differ from schemas/: "
                                     f"{'; '.join(changed)}"))
        added += [(table, c) for c in table.columns if c.name not in live[table.name]]
    for table, column in added:
        if not column.nullable and column.backfill is None and \
                con.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]:
            problems.append(_rebuild(f"schemas/ adds the required column {table.name}.{column.name} with no "
                                     "backfill for the rows the warehouse already holds (give it "
                                     "metadata={'backfill': <SQL>} or make it nullable)"))
    return missing_tables, added, problems


def migrate(con, duckdb_file: bool) -> list[str]:
    """Bring the connection's warehouse up to the models; returns what changed (nothing when it is current).

    Additive changes only: a missing table is created (and filled when its model says how), a missing column added
    (backfilled, or NULL), the comments rewritten. A live column the model lacks, or of another type, raises
    SchemaMismatch with one line, before anything is changed. A derived table that is missing or differs from its
    model is created again, and derived.rebuild then fills every derived table from the others. A table an older
    DuckDB file declared a primary key on is copied without it (DuckDB cannot drop one). Comparing the columns is
    one catalog query, so it runs at every publish.
    """
    missing_tables, added, problems = _plan(con)
    if problems:  # refused before anything changes
        raise SchemaMismatch(problems[0])
    stale, keyed = _stale_derived(con), _primary_keyed(con)
    if not (missing_tables or added or stale or keyed) and _recorded_version(con) == schema_version():
        return []
    changes = []
    for name in stale:
        con.execute(f"DROP TABLE {name}")
        changes.append(f"dropped {name} (its columns were not the model's)")
    for table in missing_tables + [tables()[name] for name in stale]:
        con.execute(table.create())
        changes.append(f"created {table.name}" + _fill(con, table))
    changes += [_add_column(con, table, column, duckdb_file) for table, column in added]
    changes += [_without_primary_key(con, tables()[name]) for name in keyed]
    if stale or any(t.derived for t in missing_tables):
        derived.rebuild(con)
        changes.append(f"rebuilt {', '.join(derived_tables())}")
    for table in tables().values():
        for comment in table.comments():
            con.execute(comment)
    if _recorded_version(con) != schema_version():
        changes += _sort_lake(con)
    _record(con, "; ".join(changes) or "descriptions")
    return changes


def _primary_keyed(con) -> list[str]:
    """The model tables an older webfacts declared a PRIMARY KEY on (DuckDB files only)."""
    rows = con.execute("SELECT DISTINCT table_name FROM duckdb_constraints() WHERE database_name = current_database() "
                       "AND constraint_type = 'PRIMARY KEY' ORDER BY 1").fetchall()
    return [name for (name,) in rows if name in tables()]


def _without_primary_key(con, table: Table) -> str:
    """The table copied, same rows in the same order, without its primary key (after the columns are migrated)."""
    columns = ", ".join(c.name for c in table.columns)
    con.execute(f"ALTER TABLE {table.name} RENAME TO {table.name}__keyed")
    con.execute(table.create())
    con.execute(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {table.name}__keyed ORDER BY rowid")
    con.execute(f"DROP TABLE {table.name}__keyed")
    return f"{table.name} without its primary key (the keys_unique check holds its key)"


def _add_column(con, table: Table, column: Column, not_null_enforced: bool) -> str:
    """ADD COLUMN cannot carry a constraint in DuckDB: the column is added, filled, then made NOT NULL."""
    con.execute(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {column.sql_type}")
    filled = ""
    if column.backfill is not None:
        for function in column.backfill_functions:
            _register(con, function)
        con.execute(f"UPDATE {table.name} SET {column.name} = {column.backfill}")
        filled = f" backfilled with {column.backfill}"
    if not column.nullable and not_null_enforced:
        con.execute(f"ALTER TABLE {table.name} ALTER COLUMN {column.name} SET NOT NULL")
    return f"added {table.name}.{column.name} {column.sql_type}{filled}"


def _fill(con, table: Table) -> str:
    """Fill a table the migration has just created from the others, when its model says how."""
    if table.fill is None or table.derived:
        return ""
    fill(con, table.name)
    return " filled from the other tables"


def fill(con, name: str) -> None:
    """INSERT every row of the table its model's fill selects (the table is new, or has just been emptied)."""
    table = tables()[name]
    for function in table.fill_functions:
        _register(con, function)
    con.execute(f"INSERT INTO {table.name} ({', '.join(c.name for c in table.columns)}) {table.fill}")


def _register(con, function) -> None:
    """A Python function as a SQL function of the same name, once per connection: of strings (NULL in, NULL out),
    or of the DuckDB types and vectorised (pyarrow arrays) when schemas.sql_function marked it so."""
    arity = len(inspect.signature(function).parameters)
    parameters, returns = getattr(function, "sql_types", (["VARCHAR"] * arity, "VARCHAR"))
    vectorised = {"type": "arrow"} if hasattr(function, "sql_types") else {}
    try:
        con.create_function(function.__name__, function, parameters, returns, **vectorised)
    except duckdb.NotImplementedException:  # already registered on this connection
        pass


def _rebuild(problem: str) -> str:
    return (f"{problem}: this is not an additive change, so the warehouse is left as it is; rebuild it "
            f"(make clean, then webfacts run) or migrate it by hand")


def _recorded_version(con) -> str | None:
    if not live_columns(con, MIGRATIONS_TABLE):
        return None
    row = con.execute(f"SELECT version FROM {MIGRATIONS_TABLE} ORDER BY applied_at DESC LIMIT 1").fetchone()
    return row[0] if row else None


def _record(con, change: str) -> None:
    if not live_columns(con, MIGRATIONS_TABLE):
        con.execute(f"CREATE TABLE {MIGRATIONS_TABLE} (version VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL, "
                    "change VARCHAR NOT NULL)")
        for statement in MIGRATIONS_COMMENTS:
            con.execute(statement)
    con.execute(f"INSERT INTO {MIGRATIONS_TABLE} VALUES (?, now(), ?)", [schema_version(), change])


def markdown() -> str:
    """docs/warehouse.md: every table and column with its type and description (generated, checked by a test)."""
    out = ["# Warehouse tables", "",
           "Generated from the pandera models in `schemas/` by `python -m warehouse.tables --docs`; do not edit.",
           "The views are described in `warehouse/views.sql` (and, like every column, in `duckdb_columns()`).", ""]
    for table in tables().values():
        derived_note = ["Derived: updated by each publish for what its batch changes (`warehouse/derived.py`).", ""]
        out += [f"## {table.name}", "", table.description, ""] + (derived_note if table.derived else [])
        if table.key:
            out += [f"Key: ({', '.join(table.key)})", ""]
        out += ["| column | type | description |", "|---|---|---|"]
        out += [f"| `{c.name}` | {c.sql_type}{'' if c.nullable else ' NOT NULL'} | "
                f"{c.description.replace('|', chr(92) + '|')} |" for c in table.columns]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    if "--docs" in sys.argv[1:]:
        DOCS.write_text(markdown())
        print(f"wrote {DOCS}")
    else:
        print(create_statements(), end="")
