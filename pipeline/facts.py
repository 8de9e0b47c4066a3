"""Claims (per-document extractions resolved to entities) to deduplicated facts.

n_documents counts documents; n_independent counts near-duplicate clusters,
because a syndicated copy is not independent confirmation.
"""
from __future__ import annotations

import hashlib
from itertools import combinations

import polars as pl

from pipeline.gazetteer import is_sure_place
from pipeline.registry import registry_by_name
from schemas import polars_schema

CLAIM_SCHEMA = polars_schema("claims")


def fact_id_for(subject_id: str, predicate: str, object_kind: str, object_key: str) -> str:
    return hashlib.sha256(f"{subject_id}|{predicate}|{object_kind}|{object_key}".encode()).hexdigest()[:16]


def resolve_claims(extractions: pl.DataFrame, lookup: pl.DataFrame, entities: pl.DataFrame) -> pl.DataFrame:
    """Extractions with subject and object resolved to canonical entities."""
    registry = registry_by_name()
    names = entities.select("entity_id", entity_name="name")
    subj = lookup.rename({"name": "subject_name", "type": "subject_type", "entity_id": "subject_id"})
    obj = lookup.rename({"name": "object_name", "type": "object_type", "entity_id": "object_id"})
    kinds = pl.DataFrame({"predicate": list(registry),
                          "object_kind": [p.object_kind for p in registry.values()],
                          "wikidata_property": [p.wikidata for p in registry.values()]})
    claims = (
        extractions.join(subj, on=["doc_id", "subject_name", "subject_type"], how="inner")
        .join(obj, on=["doc_id", "object_name", "object_type"], how="left")
        .join(kinds, on="predicate", how="left")
        .join(names.rename({"entity_id": "subject_id", "entity_name": "subject"}), on="subject_id", how="left")
        .join(names.rename({"entity_id": "object_id", "entity_name": "object_entity"}), on="object_id", how="left")
        .with_columns(object=pl.coalesce("object_entity", "object_name"))
        .filter((pl.col("object_kind") != "entity") | pl.col("object_id").is_not_null())
        .filter(pl.col("subject_id") != pl.col("object_id").fill_null(""))
    )
    ids = [fact_id_for(s, p, k, o_id or o) for s, p, k, o_id, o in
           claims.select("subject_id", "predicate", "object_kind", "object_id", "object").iter_rows()]
    return claims.with_columns(fact_id=pl.Series(ids, dtype=pl.String)).select(list(CLAIM_SCHEMA))


def aggregate_facts(claims: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """One row per fact asserted somewhere: a claim only reported, hedged or denied supports nothing.
    documents: doc_id, cluster_id, first_seen_at, and published_date when known."""
    if "published_date" not in documents.columns:
        documents = documents.with_columns(published_date=pl.lit(None, pl.String))
    per_doc = claims.filter(pl.col("modality") == "asserted").join(
        documents.select("doc_id", "cluster_id", "first_seen_at", "published_date"), on="doc_id", how="left")
    # Within a cluster, copies repeat one claim: take its best confidence once.
    per_cluster = per_doc.group_by("fact_id", "cluster_id").agg(pl.col("confidence").max())
    combined = per_cluster.group_by("fact_id").agg(
        (1 - (1 - pl.col("confidence")).product()).round(4).alias("confidence"))
    facts = (
        per_doc.group_by("fact_id")
        .agg(pl.col("subject_id", "subject", "predicate", "object_id", "object", "object_kind",
                    "wikidata_property").first(),
             pl.col("doc_id").n_unique().cast(pl.Int64).alias("n_documents"),
             pl.col("cluster_id").n_unique().cast(pl.Int64).alias("n_independent"),
             pl.col("first_seen_at").min().alias("first_seen_at"),
             pl.col("first_seen_at").max().alias("last_seen_at"))
        .join(combined, on="fact_id")
    )
    contested = contested_fact_ids(per_doc)
    return facts.with_columns(contested=pl.col("fact_id").is_in(list(contested))).sort(
        "subject", "predicate", "object")


def _conflicting(a: str, b: str, kind: str) -> bool:
    """2025-11 and 2025-11-14 agree: one is a coarser date of the other; so do --11-14 (no year) and 2025-11-14."""
    if kind == "date":
        if a.startswith("--") or b.startswith("--"):
            return a[-6:] != b[-6:] if len(a) >= 7 and len(b) >= 7 else False
        return not (a.startswith(b) or b.startswith(a))
    return a != b and not _same_person_named_twice(a, b)


def _same_person_named_twice(a: str, b: str) -> bool:
    """'Bernard Ebbers' and 'Bernie Ebbers', 'J. Smith' and 'John Smith': one surname, and first names that begin
    alike or one of them an initial; or a surname alone beside a full name ending in it."""
    wa, wb = a.split(), b.split()
    if (len(wa) == 1) != (len(wb) == 1) and wa[-1] == wb[-1] and not is_sure_place(wa[-1]):
        return True  # "Howard" in one article, "Michael Howard" in another; "York" is no "New York"
    if len(wa) < 2 or len(wb) < 2 or wa[-1] != wb[-1]:
        return False
    fa, fb = wa[0].rstrip("."), wb[0].rstrip(".")
    return fa[:3] == fb[:3] or min(len(fa), len(fb)) == 1 and fa[0] == fb[0]


def contested_fact_ids(per_doc: pl.DataFrame) -> set[str]:
    """Single-valued: more than one (non-compatible) object, from documents of one date when the value changes
    over time. Multi-valued with disjoint_conflicts: two independent clusters assert disjoint object sets."""
    registry = registry_by_name()
    contested: set[str] = set()
    groups = per_doc.select("subject_id", "predicate", "fact_id", "object", "object_kind", "cluster_id",
                            "published_date", "doc_id", "sentence_index")
    for (subject_id, predicate), group in groups.group_by("subject_id", "predicate"):
        pred = registry.get(predicate)
        objects = dict(group.select("object", "fact_id").unique().iter_rows())
        kind = group["object_kind"][0]
        if pred is None or not pred.multi_valued:
            dates = {o: set(g["published_date"]) for (o,), g in group.group_by("object")}
            said = {o: set(g.select("doc_id", "sentence_index").iter_rows()) for (o,), g in group.group_by("object")}
            for a, b in combinations(objects, 2):
                if said[a] & said[b] or objects[a] == objects[b]:
                    continue  # "based in London and Hong Kong": one sentence naming both is no disagreement;
                    # two names of one entity ("BBC", "BBC Films" resolved as one) are one fact
                if _conflicting(a, b, kind) and (pred is None or not pred.changes_over_time
                                                 or _same_time(dates[a], dates[b])):
                    contested.update((objects[a], objects[b]))
            continue
        if not pred.disjoint_conflicts:
            continue
        by_cluster = {c: set(g["object"]) for (c,), g in group.group_by("cluster_id")}
        for (_, sa), (_, sb) in combinations(by_cluster.items(), 2):
            if sa.isdisjoint(sb):
                contested.update(objects[o] for o in sa | sb)
    return contested


def _same_time(a: set, b: set) -> bool:
    """Two claims may speak of one moment: a shared publication date, or a date unknown on either side."""
    return None in a or None in b or bool(a & b)


def fact_evidence(claims: pl.DataFrame) -> pl.DataFrame:
    return claims.filter(pl.col("modality") == "asserted").select("fact_id", "doc_id", "sentence", "start_char", "end_char", "extractor",
                         "confidence").unique(["fact_id", "doc_id", "start_char"]).sort("fact_id", "doc_id", "start_char")
