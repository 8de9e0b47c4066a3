"""Ingest group: one batch of inbox files to raw documents, sources, quarantine and skips."""
import time
from functools import partial
from itertools import chain

import polars as pl
from dagster import (AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext, AssetOut,
                     MetadataValue, multi_asset)

from assets.common import contract_specs, validated_output
from assets.partitions import inbox_batches
from assets.pool import start_worker_pool_for
from assets.progress import StageProgress, tracked
from assets.resources import PublishedWarehouse, WebfactsSettings
from pipeline import ingest
from pipeline.batches import batch_created_at, batch_files, batch_inbox, batch_url_parts
from pipeline.fetch import Fetcher
from pipeline.sources import expand_file, expand_url_part


@multi_asset(
    group_name="ingest",
    partitions_def=inbox_batches,
    outs={
        "raw_documents": AssetOut(description="Distinct raw contents of the batch not seen in earlier batches."),
        "document_sources": AssetOut(description="Every input of the batch that produced a raw document."),
        "quarantine": AssetOut(description="Every rejected input of the batch, with a reason code and detail."),
        "skipped_records": AssetOut(description="Archive records that are not documents by design, counted."),
        "batch_inputs": AssetOut(description="Every input of the batch and its outcome, for reconciliation."),
    },
    check_specs=[AssetCheckSpec(
        "every_input_accounted_for", asset="batch_inputs", blocking=True,
        description="Inputs seen = sources recorded + quarantined + skipped records, each input exactly once.")]
    + contract_specs("raw_documents", "document_sources", "quarantine", "skipped_records", "batch_inputs"),
)
def raw_documents(context: AssetExecutionContext, settings: WebfactsSettings, published: PublishedWarehouse):
    """Read the batch's files (HTML, text, .gz, JSON Lines, WARC, URL lists): sniff, decode, hash."""
    started = time.perf_counter()
    paths = batch_files(settings.ledger, context.partition_key)
    fetcher = Fetcher(settings.fetch_policy())
    now = batch_created_at(settings.ledger, context.partition_key)
    inbox = batch_inbox(settings.ledger, context.partition_key)
    parts = batch_url_parts(settings.ledger, context.partition_key)
    # A fresh run process (from the UI or a schedule): the workers load trafilatura and spaCy while files are read.
    start_worker_pool_for(len(paths) + len(parts), settings.spacy_model)
    # One reader per file or part of a URL list, each counted as done when the next one starts.
    readers = ([partial(expand_file, p, settings.max_bytes, fetcher, inbox, settings.allow_outside_symlinks)
                for p in paths]
               + [partial(expand_url_part, p, first, n, settings.max_bytes, fetcher, inbox,
                          settings.allow_outside_symlinks) for p, first, n in parts])
    progress = StageProgress(context, "ingest", unit="files")
    inputs = ingest.ingest_inputs(chain.from_iterable(read() for read in tracked(readers, progress)),
                                  context.partition_key, now)
    new_raw, sources, quarantined, skipped = ingest.split_inputs(inputs, published.state.known_documents())
    distinct = sources["doc_id"].n_unique()
    outcomes = inputs.select("input_uri", outcome=pl.when(pl.col("doc_id").is_not_null()).then(pl.lit("document"))
                             .when(pl.col("reason").is_not_null()).then(pl.lit("quarantined"))
                             .otherwise(pl.lit("skipped")))
    n_inputs = inputs.height
    del inputs  # the batch's content lives on in new_raw only, for the rest of the run
    context.log.info(f"{len(paths)} files, {n_inputs} inputs: {distinct} distinct documents "
                     f"({new_raw.height} new), {quarantined.height} quarantined, {skipped.height} skipped")
    counts = {"files": MetadataValue.int(len(paths)), "inputs_seen": MetadataValue.int(n_inputs),
              "already_known_documents": MetadataValue.int(distinct - new_raw.height)}
    yield from validated_output("raw_documents", new_raw, started, **counts)
    yield from validated_output("document_sources", sources, started)
    yield from validated_output("quarantine", quarantined, started)
    yield from validated_output("skipped_records", skipped, started)
    yield from validated_output("batch_inputs", outcomes, started)
    yield reconciliation_result(outcomes, sources, quarantined, skipped)


def reconciliation_result(inputs, sources, quarantined, skipped) -> AssetCheckResult:
    balance = ingest.reconcile(inputs["input_uri"], sources["input_uri"], quarantined["source_uri"],
                               skipped["input_uri"])
    return AssetCheckResult(
        check_name="every_input_accounted_for", asset_key="batch_inputs", passed=balance.ok,
        severity=AssetCheckSeverity.ERROR,
        metadata={"inputs_seen": balance.seen, "sources_recorded": balance.sources,
                  "quarantined": balance.quarantined, "skipped_records": balance.skipped,
                  "unaccounted": MetadataValue.md("\n".join(f"- {u}" for u in balance.unaccounted[:20]) or "none"),
                  "counted_twice": MetadataValue.md("\n".join(f"- {u}" for u in balance.duplicated[:20]) or "none")})
