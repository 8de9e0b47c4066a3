"""Text group: cleaning, language and near-duplicate clusters for the batch's new documents."""
import time

import polars as pl
from dagster import AssetExecutionContext, AssetOut, MetadataValue, multi_asset

from assets.common import contract_specs, rejections_as_quarantine, validated_output
from assets.partitions import inbox_batches
from assets.progress import StageProgress
from assets.resources import PublishedWarehouse, WebfactsSettings
from pipeline import clean, near_duplicates
from pipeline.domains import domain_column


@multi_asset(
    group_name="text",
    partitions_def=inbox_batches,
    outs={
        "cleaned_documents": AssetOut(description="Main text, metadata, language and near-duplicate cluster."),
        "document_signatures": AssetOut(description="MinHash signatures, kept for later batches."),
        "document_bands": AssetOut(description="The signatures' LSH bands as hashes: later batches find their "
                                               "near-duplicate candidates by joining theirs with these."),
        "cleaning_rejections": AssetOut(description="Documents without main content, as quarantine rows."),
    },
    check_specs=contract_specs("cleaned_documents", "document_signatures", "document_bands", "cleaning_rejections",
                               models={"cleaning_rejections": "quarantine"}),
)
def cleaned_documents(context: AssetExecutionContext, settings: WebfactsSettings, published: PublishedWarehouse,
                      raw_documents: pl.DataFrame, document_sources: pl.DataFrame):
    """Boilerplate removal (trafilatura for HTML, own rules for text dumps), language, near-duplicates."""
    started = time.perf_counter()
    cleaned, rejected = clean.clean_documents(raw_documents, progress=StageProgress(context, "cleaning"),
                                              signatures=True, timeout_s=settings.document_timeout_s)
    # The URL is known once cleaning has read the page's metadata: its registered domain keys the sources table.
    cleaned = cleaned.with_columns(domain_column("url")).join(raw_documents.select("doc_id", "first_seen_at"),
                                                              on="doc_id")
    cleaned = near_duplicates.with_signatures(cleaned)
    bands = near_duplicates.document_bands(cleaned.select("doc_id", "signature"), settings.near_dup_threshold)
    prior = published.state.near_duplicate_candidates(bands, near_duplicates.SIGNATURE_SCHEMA)
    if prior is None:  # a band table built before this threshold, or none yet: its publish cuts them
        prior = published.state.signatures(near_duplicates.SIGNATURE_SCHEMA)
    clusters = near_duplicates.assign_clusters(cleaned.select("doc_id", "text", "first_seen_at", "signature"), prior,
                                               settings.near_dup_threshold, published.state.texts)
    cleaned = cleaned.drop("signature").join(clusters.select("doc_id", "cluster_id"), on="doc_id")
    rejections = rejections_as_quarantine(rejected, document_sources, raw_documents)
    yield from validated_output("cleaned_documents", cleaned, started,
                           joined_earlier_clusters=MetadataValue.int(
                               clusters.filter(pl.col("doc_id") != pl.col("cluster_id")).height))
    yield from validated_output("document_signatures", clusters.select("doc_id", "signature"), started)
    yield from validated_output("document_bands", bands, started, earlier_candidates=MetadataValue.int(prior.height))
    yield from validated_output("cleaning_rejections", rejections, started, model="quarantine")

