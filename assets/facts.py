"""Facts group: claims resolved to entities, then the facts of their (subject, predicate) groups aggregated with
the earlier claims of those groups."""
import time

import polars as pl
from dagster import AssetOut, MetadataValue, asset, multi_asset

from assets.common import contract_specs, validated_output
from assets.metadata import facts_preview
from assets.partitions import inbox_batches
from assets.resources import PublishedWarehouse
from pipeline import facts as fact_steps
from warehouse.published import FACT_DOCUMENT_SCHEMA

READ_AT_PUBLISH = "read_at_publish"  # metadata: how many publishes the warehouse had seen when facts read it


@asset(group_name="facts", partitions_def=inbox_batches, check_specs=contract_specs("claims"),
       description="Per-document facts with evidence, resolved to canonical entities.")
def claims(extractions: pl.DataFrame, entity_lookup: pl.DataFrame, entities: pl.DataFrame):
    started = time.perf_counter()
    yield from validated_output("claims", fact_steps.resolve_claims(extractions, entity_lookup, entities), started,
                                output_name="result")


@multi_asset(
    group_name="facts",
    partitions_def=inbox_batches,
    outs={
        "facts": AssetOut(description="The facts of the (subject, predicate) groups the batch's claims belong to: "
                                      "those groups' published claims and the batch's, deduplicated, with support "
                                      "and contested flag. The publish replaces those groups' facts with them "
                                      "(unless another publish came in between: publish_log)."),
        "fact_evidence": AssetOut(description="Every sentence of the batch that asserted a fact."),
    },
    check_specs=contract_specs("facts", "fact_evidence"),
)
def facts(published: PublishedWarehouse, claims: pl.DataFrame, cleaned_documents: pl.DataFrame):
    started = time.perf_counter()
    batch_docs = cleaned_documents.select(list(FACT_DOCUMENT_SCHEMA))
    read_at = published.state.publish_count()  # before the claims: a publish in between makes the facts stale
    groups = claims.select("subject_id", "predicate").unique()
    earlier_claims = published.state.claims_of_groups(groups).join(batch_docs, on="doc_id", how="anti")
    earlier_docs = published.state.fact_documents(earlier_claims["doc_id"].unique().to_list())
    all_claims = pl.concat([earlier_claims, claims], how="diagonal")
    all_docs = pl.concat([earlier_docs.join(batch_docs, on="doc_id", how="anti"), batch_docs], how="diagonal")
    table = fact_steps.aggregate_facts(all_claims, all_docs)
    yield from validated_output("facts", table, started, contested=MetadataValue.int(int(table["contested"].sum())),
                                preview=facts_preview(table, all_claims, all_docs),
                                **{READ_AT_PUBLISH: MetadataValue.int(read_at)})
    yield from validated_output("fact_evidence", fact_steps.fact_evidence(claims), started)
