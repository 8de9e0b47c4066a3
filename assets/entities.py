"""Entities group: one NLP pass per new English document, then cross-document canonical entities."""
import time

import polars as pl
from dagster import AssetExecutionContext, AssetOut, multi_asset

from assets.common import contract_specs, rejections_as_quarantine, validated_output
from assets.partitions import inbox_batches
from assets.progress import StageProgress
from assets.resources import PublishedWarehouse, WebfactsSettings
from pipeline import entities as entity_steps, extract, workers
from schemas import polars_schema


@multi_asset(
    group_name="entities",
    partitions_def=inbox_batches,
    outs={
        "entity_mentions": AssetOut(description="Named-entity mentions resolved within each document."),
        "extractions": AssetOut(description="Relation extractions from dependency rules, per sentence."),
        "stage_skips": AssetOut(description="Documents the English NLP stage skipped, with the reason."),
        "parsing_rejections": AssetOut(description="Documents past the time limit, or that broke the parser or a "
                                                   "rule, as quarantine rows."),
    },
    check_specs=contract_specs("entity_mentions", "extractions", "stage_skips", "parsing_rejections",
                               models={"parsing_rejections": "quarantine"}),
)
def entity_mentions(context: AssetExecutionContext, settings: WebfactsSettings, cleaned_documents: pl.DataFrame,
                    raw_documents: pl.DataFrame, document_sources: pl.DataFrame):
    """spaCy once per document yields both the mentions and the relation extractions."""
    started = time.perf_counter()
    english, skipped = extract.nlp_documents(cleaned_documents)
    processes = workers.processes_for(english.height, settings.nlp_processes)
    mentions, extractions, rejected = extract.extract_documents(
        english, settings.spacy_model or None, n_process=processes,
        progress=StageProgress(context, "entities and facts (spaCy)"), timeout_s=settings.document_timeout_s)
    context.log.info(f"{english.height} English documents parsed, {skipped.height} skipped, "
                     f"{rejected.height} rejected")
    yield from validated_output("entity_mentions", mentions, started)
    yield from validated_output("extractions", extractions, started)
    yield from validated_output("stage_skips", skipped, started)
    yield from validated_output("parsing_rejections", rejections_as_quarantine(rejected, document_sources,
                                                                               raw_documents),
                                started, model="quarantine")


@multi_asset(
    group_name="entities",
    partitions_def=inbox_batches,
    outs={
        "entities": AssetOut(description="Canonical entities the batch mentions, with stable ids (the warehouse "
                                         "counts their mentions and aliases over all documents)."),
        "mentions": AssetOut(description="Mentions with their canonical entity_id."),
        "entity_lookup": AssetOut(description="(doc_id, name, type) -> entity_id: what claims join on."),
    },
    check_specs=contract_specs("entities", "mentions", "entity_lookup", models={"entities": "batch_entities"}),
)
def entities(published: PublishedWarehouse, entity_mentions: pl.DataFrame):
    """Cross-document canonicalisation against this batch and every entity already in the warehouse."""
    started = time.perf_counter()
    canonical, resolved = entity_steps.resolve_entities(entity_mentions, published.state.entity_names())
    yield from validated_output("entities", canonical, started, model="batch_entities")
    yield from validated_output("mentions", resolved.select(list(polars_schema("mentions"))), started)
    yield from validated_output("entity_lookup", entity_steps.entity_lookup(resolved), started)
