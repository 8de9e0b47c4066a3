"""Facts group: claims resolved to entities, then facts aggregated with every earlier claim."""
import time

import polars as pl
from dagster import AssetOut, MetadataValue, asset, multi_asset

from assets.common import contract_specs, validated_output
from assets.metadata import facts_preview
from assets.partitions import inbox_batches
from assets.resources import WebfactsSettings
from pipeline import facts as fact_steps
from warehouse.store import read_frame


@asset(group_name="facts", partitions_def=inbox_batches, check_specs=contract_specs("claims"),
       description="Per-document facts with evidence, resolved to canonical entities.")
def claims(extractions: pl.DataFrame, mentions: pl.DataFrame, entities: pl.DataFrame,
           entity_mentions: pl.DataFrame):
    started = time.perf_counter()
    lookup = (entity_mentions.select("doc_id", "name", "type").with_row_index()
              .join(mentions.with_row_index().select("index", "entity_id"), on="index")
              .drop("index").unique(["doc_id", "name", "type"]))
    yield from validated_output("claims", fact_steps.resolve_claims(extractions, lookup, entities), started,
                                output_name="result")


@multi_asset(
    group_name="facts",
    partitions_def=inbox_batches,
    outs={
        "facts": AssetOut(description="Deduplicated facts over every claim so far, with support and contested flag."),
        "fact_evidence": AssetOut(description="Every sentence of the batch that asserted a fact."),
    },
    check_specs=contract_specs("facts", "fact_evidence"),
)
def facts(settings: WebfactsSettings, claims: pl.DataFrame, cleaned_documents: pl.DataFrame):
    started = time.perf_counter()
    # source: the label the preview shows for a fact's first document
    batch_docs = cleaned_documents.select("doc_id", "cluster_id", "first_seen_at", "published_date",
                                          pl.coalesce("site", "domain", "url").alias("source"))
    earlier_claims = read_frame(settings.store, "SELECT * FROM claims", schema=fact_steps.CLAIM_SCHEMA)
    earlier_docs = read_frame(
        settings.store,
        "SELECT d.doc_id, d.cluster_id, r.first_seen_at, d.published_date, coalesce(d.site, d.domain, d.url) AS source "
        "FROM documents d JOIN raw_documents r USING (doc_id)",
        schema={"doc_id": pl.String, "cluster_id": pl.String, "first_seen_at": pl.Datetime("us", "UTC"),
                "published_date": pl.String, "source": pl.String})
    all_claims = pl.concat([earlier_claims.join(batch_docs, on="doc_id", how="anti"), claims], how="diagonal")
    all_docs = pl.concat([earlier_docs.join(batch_docs, on="doc_id", how="anti"), batch_docs], how="diagonal")
    table = fact_steps.aggregate_facts(all_claims, all_docs)
    yield from validated_output("facts", table, started, contested=MetadataValue.int(int(table["contested"].sum())),
                                preview=facts_preview(table, all_claims, all_docs))
    yield from validated_output("fact_evidence", fact_steps.fact_evidence(claims), started)
