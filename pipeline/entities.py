"""Canonical entities across documents, with ids stable across runs.

A document-level name joins a canonical entity by (type, normalised name);
a bare single-word name ("Lamar") joins the one multi-word entity of its type
whose first or last word it is, when exactly one such entity exists.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

import polars as pl

from schemas import ENTITY_TYPES as TYPE_PRIORITY, polars_schema

ENTITY_SCHEMA = polars_schema("batch_entities")
LOOKUP_SCHEMA = polars_schema("entity_lookup")


def name_key(name: str) -> str:
    """Case, accents and punctuation do not make a different entity."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"^the ", "", re.sub(r"[^\w]+", " ", folded).strip())


# Words after an organisation's name that leave it the same organisation ("Kestrel Pictures", "Apple Inc").
ORG_WORDS = {"inc", "ltd", "plc", "corp", "corporation", "co", "company", "group", "holdings", "pictures", "records",
             "studios", "studio", "films", "music", "media", "entertainment", "productions", "international", "sa",
             "ag", "gmbh", "llc", "and", "the", "bank", "airlines", "motors", "networks", "label", "sound"}


def entity_id_for(key: str) -> str:
    """One id per name, whatever type its mentions were given: the type is voted (entity_types), so a name
    the tagger calls a person in one document and an organisation in another is still one entity."""
    return hashlib.sha256(f"entity|{key}".encode()).hexdigest()[:16]


def voted_types(mentions: pl.DataFrame) -> pl.DataFrame:
    """(entity_id, type): the type most of an entity's mentions have; a tie goes to the type first in
    TYPE_PRIORITY, the rule the warehouse applies over all documents (warehouse/publish.py)."""
    return (mentions.group_by("entity_id", "type").len()
            .with_columns(rank=pl.col("type").replace_strict(TYPE_PRIORITY, list(range(len(TYPE_PRIORITY))),
                                                             default=len(TYPE_PRIORITY)))
            .sort(["entity_id", "len", "rank"], descending=[False, True, False])
            .group_by("entity_id", maintain_order=True).first().select("entity_id", "type"))


def canonical_keys(local: pl.DataFrame, known: pl.DataFrame | None = None) -> dict[tuple[str, str], str]:
    """(type, key of a document-level name) -> key of the canonical entity.

    known: (type, name) of entities already in the warehouse, so a new bare
    surname can join a full name seen in an earlier batch.
    """
    keys = {(t, name_key(n)) for t, n in local.select("type", "name").unique().iter_rows()}
    candidates = keys | ({(t, name_key(n)) for t, n in known.select("type", "name").iter_rows()}
                         if known is not None else set())
    multi: dict[tuple[str, str, str], set[str]] = {}
    for t, k in candidates:
        words = k.split()
        if len(words) >= 2 and t == "PERSON":
            multi.setdefault((t, "first", words[0]), set()).add(k)
            multi.setdefault((t, "last", words[-1]), set()).add(k)
        elif len(words) >= 2 and t == "ORG" and set(words[1:]) <= ORG_WORDS:
            # "Kestrel" is Kestrel Pictures; "HSBC" is not HSBC Trinkaus & Burkhardt, its German arm
            multi.setdefault((t, "first", words[0]), set()).add(k)
    # Which full names a bare word may stand for: a person by first name or surname, an organisation by its
    # first word, and a bare word the tagger called an organisation may be a person's surname ("Trump"), never
    # a first name ("Chelsea" the club is not Chelsea Handler).
    joins = {"PERSON": [("PERSON", "first"), ("PERSON", "last")], "ORG": [("ORG", "first"), ("PERSON", "last")]}
    mapping = {}
    for t, k in keys:
        targets = set().union(*(multi.get((n, side, k), set()) for n, side in joins.get(t, []))) \
            if len(k.split()) == 1 else set()
        mapping[(t, k)] = next(iter(targets)) if len(targets) == 1 else k
    return mapping


def resolve_entities(mentions: pl.DataFrame, known: pl.DataFrame | None = None
                     ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(entities mentioned here, mentions with entity_id).

    The entities carry no counts or aliases: the warehouse counts them over all documents' mentions when it
    publishes (warehouse/publish.py), so they are counted once, where every mention is.
    """
    mapping = canonical_keys(mentions, known)
    lookup = pl.DataFrame(
        [{"type": t, "key": k, "canonical_key": c} for (t, k), c in mapping.items()],
        schema={"type": pl.String, "key": pl.String, "canonical_key": pl.String})
    resolved = (
        mentions.with_columns(key=pl.col("name").map_elements(name_key, return_dtype=pl.String))
        .join(lookup, on=["type", "key"], how="left")
        .pipe(_frame_typed_as_named)
        .with_columns(entity_id=pl.struct("type", "canonical_key").map_elements(
            lambda r: entity_id_for(r["canonical_key"]), return_dtype=pl.String))
    )
    entities = (
        resolved.group_by("entity_id")
        # the display name: the longest document-level name, then the most frequent
        .agg(pl.col("name").sort_by(pl.col("name").str.len_chars(), descending=True).first().alias("name"))
        .join(voted_types(resolved), on="entity_id")
        .select(list(ENTITY_SCHEMA))
        .sort("entity_id")
    )
    return entities, resolved.drop("key", "canonical_key")


def _frame_typed_as_named(resolved: pl.DataFrame) -> pl.DataFrame:
    """A name a fact frame typed where the tagger missed it ("the LTA said") is the entity the document's tagged
    mentions of the same words resolved to (the Lawn Tennis Association); one the frame renamed ("German" read as
    Germany) stays what the frame made it."""
    tagged = (resolved.filter(pl.col("ner_label") != "FRAME_TYPED")
              .group_by("doc_id", "surface").agg(pl.col("canonical_key").sort().first().alias("tagged_key")))
    untagged = (pl.col("ner_label") == "FRAME_TYPED") & (pl.col("name") == pl.col("surface"))
    return (resolved.join(tagged, on=["doc_id", "surface"], how="left")
            .with_columns(canonical_key=pl.when(untagged & pl.col("tagged_key").is_not_null())
                          .then(pl.col("tagged_key")).otherwise(pl.col("canonical_key")))
            .drop("tagged_key"))


def entity_lookup(resolved: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, name, type) -> entity_id, one row per key: what claims join their subject and object names on."""
    return resolved.select(list(LOOKUP_SCHEMA)).unique(["doc_id", "name", "type"]).sort("doc_id", "name", "type")
