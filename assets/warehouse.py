"""Warehouse group: merge the batch into the warehouse (DuckDB file or DuckLake) and publish it atomically."""
import time
from pathlib import Path

import polars as pl
from dagster import (AssetCheckResult, AssetCheckSpec, AssetExecutionContext, AssetKey, AssetMaterialization,
                     AssetRecordsFilter, AssetSpec, MaterializeResult, MetadataValue, asset)

from assets.facts import READ_AT_PUBLISH
from assets.metadata import warehouse_table_schema
from assets.partitions import inbox_batches
from assets.progress import StageProgress
from assets.resources import PublishedWarehouse, WebfactsSettings
from pipeline.batches import mark_published
from pipeline.facts import aggregate_facts
from warehouse.integrity import INTEGRITY_CHECKS
from warehouse.publish import READ_WRITE_WARNING, TABLES, IntegrityError, publish_batch, read_write_holder
from warehouse.tables import tables

# What each derived table (warehouse/derived.py) and view (warehouse/views.sql) is computed from.
DERIVED_READS = {
    "domain_facts": ["claims", "documents", "facts"],
    "domain_sites": ["documents"],
    "sources": ["documents", "domain_facts", "domain_sites"],
    "entity_facts": ["facts", "entities", "fact_evidence", "documents", "document_sources"],
}
VIEWS = {
    "fact_sources": ("View: each fact beside every document and sentence that asserts it.",
                     ["facts", "fact_evidence", "documents", "document_sources"]),
    "contested_facts": ("View: contested facts beside the competing objects, with their evidence.",
                        ["fact_sources", "facts"]),
}
WAREHOUSE_TABLES = [t for t in TABLES if t in tables()]


def _table_spec(name: str) -> AssetSpec:
    if name in VIEWS:
        description, reads = VIEWS[name]
        return AssetSpec(["warehouse", name], deps=[AssetKey(["warehouse", r]) for r in reads],
                         group_name="warehouse_tables", kinds={"duckdb"}, description=description)
    reads = [AssetKey(["warehouse", r]) for r in DERIVED_READS[name]] if name in DERIVED_READS else ["fact_warehouse"]
    return AssetSpec(["warehouse", name], deps=reads, group_name="warehouse_tables", kinds={"duckdb"},
                     description=tables()[name].description,
                     metadata={"dagster/column_schema": warehouse_table_schema(tables()[name])})


# The warehouse's tables, each its own node downstream of the publish: batch assets carry one batch's rows, these
# hold what all batches add up to (so they are not partitioned). The publish reports each one's row count.
TABLE_SPECS = [_table_spec(t) for t in WAREHOUSE_TABLES + list(VIEWS)]

INTEGRITY_SPECS = [AssetCheckSpec(name, asset="fact_warehouse", blocking=True,
                                  description=f"No violating rows for: {' '.join(sql.split())}")
                   for name, sql in INTEGRITY_CHECKS.items()]


@asset(
    group_name="warehouse",
    partitions_def=inbox_batches,
    pool="duckdb",  # one writer at a time (dagster.instance.yaml limits the pool to 1)
    check_specs=INTEGRITY_SPECS,
    description="The fact warehouse (a DuckDB file, or DuckLake): the batch replaces its own rows (delete, then "
                "insert), the facts of the groups its claims touch become the facts asset's, the entities its "
                "mentions name are counted again and the derived tables follow what it changed, in one "
                "transaction that commits only if the integrity checks pass; a DuckDB file is built beside the live "
                "one and renamed in.",
)
def fact_warehouse(context: AssetExecutionContext, settings: WebfactsSettings, published: PublishedWarehouse,
                   raw_documents: pl.DataFrame,
                   document_sources: pl.DataFrame, quarantine: pl.DataFrame, skipped_records: pl.DataFrame,
                   cleaning_rejections: pl.DataFrame, parsing_rejections: pl.DataFrame,
                   cleaned_documents: pl.DataFrame,
                   document_signatures: pl.DataFrame, document_bands: pl.DataFrame, stage_skips: pl.DataFrame,
                   entities: pl.DataFrame,
                   mentions: pl.DataFrame, claims: pl.DataFrame, facts: pl.DataFrame, fact_evidence: pl.DataFrame):
    started = time.perf_counter()
    frames = {
        "raw_documents": raw_documents, "document_sources": document_sources,
        "quarantine": pl.concat([quarantine, cleaning_rejections, parsing_rejections]),
        "skipped_records": skipped_records,
        "documents": cleaned_documents.with_columns(pl.col("published_date").str.to_date()),
        "document_signatures": document_signatures, "document_bands": document_bands, "stage_skips": stage_skips,
        "entities": entities,
        "mentions": mentions, "claims": claims, "facts": facts, "fact_evidence": fact_evidence,
    }
    before = published.state.table_counts(TABLES)
    if read_write_holder(settings.store):
        context.log.warning(READ_WRITE_WARNING.format(path=settings.store))
    try:
        counts = publish_batch(context.partition_key, frames, settings.store, aggregate_facts,
                               facts_read_at=facts_read_at(context),
                               progress=StageProgress(context, "publish", unit="steps"))
    except IntegrityError as exc:  # nothing was published; show what is wrong
        yield MaterializeResult(metadata={"published": False})
        for name, rows in exc.results.items():
            yield integrity_result(name, rows)
        return
    mark_published(settings.ledger, context.partition_key)
    discarded = discard_stored_outputs(Path(context.instance.storage_directory()), context.partition_key)
    # The publish ran every check inside its transaction and committed only because none found a row: running
    # them again on the published file (whole tables, ~0.1-0.4 s a batch) would find the same nothing.
    report = {name: [] for name in INTEGRITY_CHECKS}
    for table in (t for t in counts if t in tables()):  # each table's node: its rows now
        context.log_event(AssetMaterialization(["warehouse", table], metadata={
            "dagster/row_count": MetadataValue.int(counts[table]), "batch": context.partition_key}))
    yield MaterializeResult(metadata={
        "path": MetadataValue.path(str(settings.store)),
        **{f"rows/{t}": MetadataValue.int(n) for t, n in counts.items()},
        **{f"new_rows/{t}": MetadataValue.int(n - before.get(t, 0)) for t, n in counts.items()},
        "elapsed_s": MetadataValue.float(round(time.perf_counter() - started, 3)),
        "discarded_stored_outputs": MetadataValue.int(discarded),
    })
    for name, rows in report.items():
        yield integrity_result(name, rows)


def facts_read_at(context: AssetExecutionContext) -> int | None:
    """How many publishes the warehouse had seen when this batch's facts asset read it (its materialization's
    metadata); None when unknown, and the publish then computes the facts itself."""
    records = context.instance.fetch_materializations(
        AssetRecordsFilter(asset_key=AssetKey("facts"), asset_partitions=[context.partition_key]), limit=1).records
    if not records or records[0].asset_materialization is None:
        return None
    value = records[0].asset_materialization.metadata.get(READ_AT_PUBLISH)
    return None if value is None else int(value.value)


def discard_stored_outputs(storage: Path, partition_key: str) -> int:
    """Remove the batch's step outputs stored under <storage>/<asset>/: Parquet files of runs under the
    multiprocess executor (assets/storage.py), and pickles an earlier version's runs left.

    Once the batch is published the warehouse holds all of it; kept they would be a second copy of the corpus that
    only grows. A published batch is re-materialized whole, not one asset at a time. Runs under the default
    in-process executor pass outputs in memory and store none.
    """
    stored = [p for pattern in (f"*/{partition_key}", f"*/{partition_key}.parquet") for p in storage.glob(pattern)
              if p.is_file()] if storage.is_dir() else []
    for path in stored:
        path.unlink(missing_ok=True)
    return len(stored)


def integrity_result(name: str, rows: list[tuple]) -> AssetCheckResult:
    sample = "\n".join(f"- {row}" for row in rows) or "none"
    return AssetCheckResult(check_name=name, asset_key="fact_warehouse", passed=not rows,
                            metadata={"violations_shown": MetadataValue.int(len(rows)),
                                      "violating_rows": MetadataValue.md(sample)})
