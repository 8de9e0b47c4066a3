"""Warehouse group: merge the batch into the warehouse (DuckDB file or DuckLake) and publish it atomically."""
import time
from pathlib import Path

import polars as pl
from dagster import (AssetCheckResult, AssetCheckSpec, AssetExecutionContext, MaterializeResult, MetadataValue,
                     asset)

from assets.partitions import inbox_batches
from assets.progress import StageProgress
from assets.resources import WebfactsSettings
from pipeline.batches import mark_published
from pipeline.facts import aggregate_facts
from warehouse.publish import (INTEGRITY_CHECKS, READ_WRITE_WARNING, TABLES, IntegrityError, publish_batch,
                               read_write_holder)
from warehouse.store import read_frame

INTEGRITY_SPECS = [AssetCheckSpec(name, asset="fact_warehouse", blocking=True,
                                  description=f"No violating rows for: {' '.join(sql.split())}")
                   for name, sql in INTEGRITY_CHECKS.items()]


@asset(
    group_name="warehouse",
    partitions_def=inbox_batches,
    pool="duckdb",  # one writer at a time (dagster.instance.yaml limits the pool to 1)
    check_specs=INTEGRITY_SPECS,
    description="The fact warehouse (a DuckDB file, or DuckLake): the batch replaces its own rows (delete, then "
                "insert) and facts are recomputed in one transaction that commits only if the integrity checks "
                "pass; a DuckDB file is built beside the live one and renamed in.",
)
def fact_warehouse(context: AssetExecutionContext, settings: WebfactsSettings, raw_documents: pl.DataFrame,
                   document_sources: pl.DataFrame, quarantine: pl.DataFrame, skipped_records: pl.DataFrame,
                   cleaning_rejections: pl.DataFrame, parsing_rejections: pl.DataFrame,
                   cleaned_documents: pl.DataFrame,
                   document_signatures: pl.DataFrame, stage_skips: pl.DataFrame, entities: pl.DataFrame,
                   mentions: pl.DataFrame, claims: pl.DataFrame, fact_evidence: pl.DataFrame):
    started = time.perf_counter()
    frames = {
        "raw_documents": raw_documents, "document_sources": document_sources,
        "quarantine": pl.concat([quarantine, cleaning_rejections, parsing_rejections]),
        "skipped_records": skipped_records,
        "documents": cleaned_documents.with_columns(pl.col("published_date").str.to_date()),
        "document_signatures": document_signatures, "stage_skips": stage_skips, "entities": entities,
        "mentions": mentions, "claims": claims, "fact_evidence": fact_evidence,
    }
    before = table_counts(settings.store)
    if read_write_holder(settings.store):
        context.log.warning(READ_WRITE_WARNING.format(path=settings.store))
    try:
        counts = publish_batch(context.partition_key, frames, settings.store, aggregate_facts,
                               StageProgress(context, "publish", unit="steps"))
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
    yield MaterializeResult(metadata={
        "path": MetadataValue.path(str(settings.store)),
        **{f"rows/{t}": MetadataValue.int(n) for t, n in counts.items()},
        **{f"new_rows/{t}": MetadataValue.int(n - before.get(t, 0)) for t, n in counts.items()},
        "elapsed_s": MetadataValue.float(round(time.perf_counter() - started, 3)),
        "discarded_stored_outputs": MetadataValue.int(discarded),
    })
    for name, rows in report.items():
        yield integrity_result(name, rows)


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


def table_counts(warehouse) -> dict[str, int]:
    """Row counts of the live warehouse before this publish (empty when there is none yet)."""
    union = " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in TABLES)
    frame = read_frame(warehouse, union)
    return dict(frame.iter_rows()) if frame is not None and frame.height else {}


def integrity_result(name: str, rows: list[tuple]) -> AssetCheckResult:
    sample = "\n".join(f"- {row}" for row in rows) or "none"
    return AssetCheckResult(check_name=name, asset_key="fact_warehouse", passed=not rows,
                            metadata={"violations_shown": MetadataValue.int(len(rows)),
                                      "violating_rows": MetadataValue.md(sample)})
