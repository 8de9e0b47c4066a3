"""The asset graph: raw_documents -> cleaned_documents -> entity_mentions ->
entities -> claims -> facts -> fact_warehouse. Each asset calls pipeline/
functions, validates every frame against its model in schemas/, and records
metadata. Validation failures fail the asset and name the failing rows.
"""

import time
from datetime import datetime, timezone

import polars as pl
from dagster import AssetExecutionContext, AssetOut, MaterializeResult, MetadataValue, Output, asset, multi_asset

from assets.metadata import frame_metadata
from assets.resources import WebfactsSettings
from pipeline import clean, entities as entity_steps, extract, facts as fact_steps, ingest, near_duplicates
from schemas import validate_frame
from warehouse.publish import previous_sightings, publish


def _out(name: str, df: pl.DataFrame, started: float, output_name: str | None = None, **extra) -> Output:
    validated = validate_frame(name, df)
    metadata = frame_metadata(name, validated) | {"elapsed_s": MetadataValue.float(round(time.perf_counter() - started, 3))}
    return Output(validated, output_name=output_name or name, metadata=metadata | extra)


@multi_asset(
    group_name="ingest",
    outs={
        "raw_documents": AssetOut(description="One row per distinct raw content (content hash), decoded."),
        "document_sources": AssetOut(description="Every input that produced a raw document."),
        "quarantine": AssetOut(description="Every rejected input with a reason code and detail."),
    },
)
def raw_documents(context: AssetExecutionContext, settings: WebfactsSettings):
    """Read the inbox: sniff, decode, hash; reject what cannot be a document."""
    started = time.perf_counter()
    paths = ingest.list_inputs(settings.inbox_path)
    now = datetime.now(timezone.utc)
    batch_id = f"{now:%Y%m%dT%H%M%SZ}-{context.run_id[:8]}"
    inputs = ingest.ingest_paths(paths, batch_id, now, settings.max_bytes)
    raw, sources, quarantined = ingest.split_inputs(inputs)
    raw, sources, quarantined = ingest.keep_first_sightings(
        raw, sources, quarantined, previous_sightings(settings.warehouse_path))
    context.log.info(f"{len(paths)} inputs: {raw.height} distinct documents, {quarantined.height} quarantined")
    yield _out("raw_documents", raw, started, inputs_seen=MetadataValue.int(len(paths)))
    yield _out("document_sources", sources, started)
    yield _out("quarantine", quarantined, started)


@multi_asset(
    group_name="text",
    outs={
        "cleaned_documents": AssetOut(description="Main text, metadata, language and near-duplicate cluster."),
        "cleaning_rejections": AssetOut(description="Documents without main content, as quarantine rows."),
    },
)
def cleaned_documents(settings: WebfactsSettings, raw_documents: pl.DataFrame,
                      document_sources: pl.DataFrame):
    """Boilerplate removal (trafilatura for HTML, own rules for text), language, near-duplicates."""
    started = time.perf_counter()
    cleaned, rejected = clean.clean_documents(raw_documents)
    seen = raw_documents.select("doc_id", "first_seen_at")
    cleaned = cleaned.join(seen, on="doc_id")
    clusters = near_duplicates.cluster_documents(cleaned.select("doc_id", "text", "first_seen_at"),
                                                 settings.near_dup_threshold)
    cleaned = cleaned.join(clusters, on="doc_id")
    rejections = (rejected.join(document_sources, on="doc_id")
                  .join(raw_documents.select("doc_id", "size_bytes"), on="doc_id")
                  .select("source_uri", "batch_id", "reason", "detail", "size_bytes",
                          pl.lit(None, pl.String).alias("sha256"), "seen_at"))
    yield _out("cleaned_documents", cleaned, started,
               near_duplicate_clusters=MetadataValue.int(clusters["cluster_id"].n_unique()))
    yield Output(validate_frame("quarantine", rejections), output_name="cleaning_rejections",
                 metadata={"dagster/row_count": MetadataValue.int(rejections.height)})


@multi_asset(
    group_name="entities",
    outs={
        "entity_mentions": AssetOut(description="Named-entity mentions resolved within each document."),
        "extractions": AssetOut(description="Relation extractions from dependency rules, per sentence."),
        "stage_skips": AssetOut(description="Documents the English NLP stage skipped, with the reason."),
    },
)
def entity_mentions(context: AssetExecutionContext, settings: WebfactsSettings, cleaned_documents: pl.DataFrame):
    """One spaCy pass per English document yields both mentions and relation extractions."""
    started = time.perf_counter()
    english, skipped = extract.english_documents(cleaned_documents)
    mentions, extractions = extract.extract_documents(
        english, settings.spacy_model or None, n_process=settings.nlp_processes)
    context.log.info(f"{english.height} English documents parsed, {skipped.height} skipped")
    yield _out("entity_mentions", mentions, started)
    yield _out("extractions", extractions, started)
    yield _out("stage_skips", skipped, started)


@multi_asset(
    group_name="entities",
    outs={
        "entities": AssetOut(description="Canonical entities across documents, stable ids."),
        "mentions": AssetOut(description="Mentions with their canonical entity_id."),
    },
)
def entities(entity_mentions: pl.DataFrame):
    """Cross-document canonicalisation: one entity per real-world thing."""
    started = time.perf_counter()
    canonical, resolved = entity_steps.resolve_entities(entity_mentions)
    yield _out("entities", canonical, started)
    yield _out("mentions", resolved.select("doc_id", "entity_id", "surface", "type", "sentence_index",
                                           "start_char", "end_char"), started)


@asset(group_name="facts", description="Per-document facts with evidence, resolved to canonical entities.")
def claims(extractions: pl.DataFrame, mentions: pl.DataFrame, entities: pl.DataFrame,
           entity_mentions: pl.DataFrame) -> Output:
    started = time.perf_counter()
    lookup = entity_mentions.select("doc_id", "name", "type").with_row_index().join(
        mentions.with_row_index().select("index", "entity_id"), on="index").drop("index").unique(
        ["doc_id", "name", "type"])
    resolved = fact_steps.resolve_claims(extractions, lookup, entities)
    return _out("claims", resolved, started, output_name="result")


@multi_asset(
    group_name="facts",
    outs={
        "facts": AssetOut(description="Deduplicated facts with support counts and the contested flag."),
        "fact_evidence": AssetOut(description="Every sentence that asserted a fact."),
    },
)
def facts(claims: pl.DataFrame, cleaned_documents: pl.DataFrame):
    started = time.perf_counter()
    table = fact_steps.aggregate_facts(claims, cleaned_documents)
    yield _out("facts", table, started, contested=MetadataValue.int(int(table["contested"].sum())))
    yield _out("fact_evidence", fact_steps.fact_evidence(claims), started)


@asset(
    group_name="warehouse",
    description="The DuckDB fact warehouse, published atomically (built beside the live file, renamed in).",
)
def fact_warehouse(settings: WebfactsSettings, raw_documents: pl.DataFrame, document_sources: pl.DataFrame,
                   quarantine: pl.DataFrame, cleaning_rejections: pl.DataFrame, cleaned_documents: pl.DataFrame,
                   stage_skips: pl.DataFrame, entities: pl.DataFrame, mentions: pl.DataFrame,
                   facts: pl.DataFrame, fact_evidence: pl.DataFrame) -> MaterializeResult:
    started = time.perf_counter()
    frames = {
        "raw_documents": raw_documents, "document_sources": document_sources,
        "quarantine": pl.concat([quarantine, cleaning_rejections]),
        "documents": cleaned_documents.with_columns(pl.col("published_date").str.to_date()),
        "stage_skips": stage_skips, "entities": entities, "mentions": mentions,
        "facts": facts, "fact_evidence": fact_evidence,
    }
    counts = publish(frames, settings.warehouse_path)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(settings.warehouse_path)),
        **{f"rows/{t}": MetadataValue.int(n) for t, n in counts.items()},
        "contested_facts": MetadataValue.int(int(facts["contested"].sum())),
        "elapsed_s": MetadataValue.float(round(time.perf_counter() - started, 3)),
    })
