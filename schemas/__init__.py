"""Pandera polars models: one per frame, the single source of column truth.

Each column is declared once, here: its polars type, its checks, its description and, through `metadata`, what
the warehouse needs to know about it. From these models come
- the frames pipeline/ builds (`polars_schema`),
- every asset's blocking `contract` check and column schema (assets/common.py, assets/metadata.py),
- the warehouse: its CREATE TABLE and COMMENT ON statements, its keys and the migration of an existing warehouse
  to a model with more columns (warehouse/tables.py), and docs/warehouse.md.

Column metadata (all optional):
- KEY: part of the table's key (in column order); the DuckDB file declares it, the integrity checks enforce it;
- FRAME_ONLY: the frame carries it, the warehouse table does not;
- {"sql": "DATE"}: the warehouse type when it is not the polars type's own;
- {"backfill": "<SQL expression>"}: how a warehouse built before the column existed fills it (over the table's
  other columns); without one the rows it already holds get NULL, which a non-nullable column refuses;
- {"backfill_functions": (f, ...)}: Python functions the backfill calls by name (registered on the connection as
  SQL functions of strings), so a column the pipeline computes in Python is filled the same way when migrating.

Model metadata (`Config.metadata`, all optional):
- {"fill": "<SQL SELECT>", "fill_functions": (f, ...)}: how a warehouse built before the table existed fills it
  from its other tables (f: vectorised SQL functions, `sql_function` says their types);
- DERIVED: the table holds only what other tables imply (sources, entity_facts, ...): each publish updates the
  rows its batch changes (warehouse/derived.py), and a missing or changed one is rebuilt whole by the migration.

The warehouse tables and the model each one follows are WAREHOUSE_TABLES, then DERIVED_TABLES. Assets validate
with `validate_frame` (lazy, so every failure is collected).
"""
from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

from pipeline.config import DEFAULT_NEAR_DUP_THRESHOLD
from pipeline.domains import registered_domain
from pipeline.lsh import layout_of, signature_bands

UTC = pl.Datetime("us", "UTC")
HEX_ID = r"^[0-9a-f]{16,64}$"
REASONS = ["empty", "binary", "too_large", "undecodable", "unreadable", "malformed_record",
           "fetch_failed", "no_main_content", "parse_error",
           # hostile inputs: never opened (FIFO, device, symlink out of the inbox), over the per-document time
           # limit, or an unexpected error of one stage on one input (the detail names the stage)
           "not_regular_file", "outside_inbox", "timeout", "stage_error"]
MODALITIES = ["asserted", "reported", "hedged", "negated"]
MODALITY_DESCRIPTION = ("How the sentence states it: asserted, reported (hearsay: reportedly, rumours), hedged "
                        "(may, expected to, plans to, future) or negated; only asserted claims support facts.")
# In order of precedence: a tie between the types of a name's mentions goes to the earlier one.
ENTITY_TYPES = ["WORK", "AWARD", "PERSON", "ORG", "PLACE", "EVENT", "MISC"]


KEY = {"key": True}
FRAME_ONLY = {"warehouse": False}
DERIVED = {"derived": True}
OBJECT_KINDS = ["entity", "date", "string"]  # pipeline.registry.Predicate.object_kind


class Strict:
    strict = True
    coerce = False


class RawDocuments(pa.DataFrameModel):
    """One row per distinct raw content; exact duplicates share one row."""
    doc_id: str = pa.Field(unique=True, str_matches=HEX_ID, metadata=KEY,
                           description="Content hash (SHA-256 prefix) of the raw bytes; the same bytes always get "
                                       "the same id.")
    content_type: str = pa.Field(isin=["text/html", "text/plain"],
                                 description="text/html or text/plain, sniffed from the bytes, not the file name.")
    encoding: str = pa.Field(description="Character encoding used to decode the bytes (BOM, then <meta charset>, "
                                         "then detection).")
    size_bytes: int = pa.Field(ge=1, description="Size of the raw (decompressed) content in bytes.")
    content: str = pa.Field(metadata=FRAME_ONLY, description="Decoded content, for cleaning.")
    source_uri: str = pa.Field(metadata=FRAME_ONLY, description="The first input that carried this content.")
    first_seen_at: UTC = pa.Field(description="When this content was first ingested, kept across re-runs.")

    class Config(Strict):
        pass


class DocumentSources(pa.DataFrameModel):
    """One row per input file or record that produced a raw document."""
    doc_id: str = pa.Field(str_matches=HEX_ID, metadata=KEY,
                           description="The raw document this input produced (raw_documents.doc_id).")
    source_uri: str = pa.Field(description="Where the content came from: the page URL when known (JSON Lines url, "
                                           "WARC target, fetched URL), else the file URI.")
    input_uri: str = pa.Field(metadata=KEY, description="The exact input: a file URI, with #line=N for a JSON Lines "
                                                        "record or #record=N for a WARC record.")
    batch_id: str = pa.Field(description="The ingestion batch that first saw this input.")
    seen_at: UTC = pa.Field(description="When this input was first seen.")

    class Config(Strict):
        unique = ["doc_id", "input_uri"]


class Quarantine(pa.DataFrameModel):
    """Every rejected input, with a reason code and a readable detail. Nothing is dropped silently."""
    source_uri: str = pa.Field(description="The rejected input: a file URI (with #line=N or #record=N inside a "
                                           "container) or a URL.")
    batch_id: str = pa.Field(description="The ingestion batch that saw it.")
    reason: str = pa.Field(isin=REASONS, description=f"Reason code: {', '.join(REASONS)}.")
    detail: str = pa.Field(str_length={"min_value": 1}, description="What exactly was wrong, for a human.")
    size_bytes: Optional[int] = pa.Field(nullable=True, ge=0, description="Size of the input in bytes.")
    sha256: Optional[str] = pa.Field(nullable=True, str_matches=r"^[0-9a-f]{64}$",
                                     description="SHA-256 of the input bytes, when they could be read.")
    seen_at: UTC = pa.Field(description="When the input was seen.")

    class Config(Strict):
        pass


class SkippedRecords(pa.DataFrameModel):
    """Archive records that are not documents by design (WARC request, revisit, metadata, non-text or redirect
    responses): counted, not lost."""
    input_uri: str = pa.Field(unique=True, metadata=KEY, description="The record: archive file URI with #record=N.")
    source_uri: str = pa.Field(description="The record target URI when it has one.")
    batch_id: str = pa.Field(description="The batch that read it.")
    record_type: str = pa.Field(str_matches=r"^(warc_\w+|non_text_response|http_status_\S+)$",
                                description="warc_request, warc_revisit, warc_metadata, warc_warcinfo, "
                                            "non_text_response, http_status_NNN.")
    detail: Optional[str] = pa.Field(nullable=True, description="More about it, e.g. the MIME type of a non-text "
                                                                "response.")
    seen_at: UTC = pa.Field(description="When it was read.")

    class Config(Strict):
        pass


class BatchInputs(pa.DataFrameModel):
    """Every input of a batch with its outcome: the ledger the reconciliation check balances."""
    input_uri: str = pa.Field(unique=True, description="The input.")
    outcome: str = pa.Field(isin=["document", "quarantined", "skipped"], description="What became of it.")

    class Config(Strict):
        pass


class DocumentSignatures(pa.DataFrameModel):
    """MinHash signatures of cleaned texts, kept so an earlier document that shares an LSH band with a new one
    (document_bands) is compared with it without recomputing its signature."""
    doc_id: str = pa.Field(unique=True, str_matches=HEX_ID, metadata=KEY, description="documents.doc_id.")
    signature: pl.Binary = pa.Field(description="MinHash hash values (128 x uint64, little-endian) over word "
                                                "3-shingles.")

    class Config(Strict):
        pass


def sql_function(function, parameters: list[str], returns: str):
    """Mark a vectorised Python function (pyarrow arrays in, one out) as a SQL function of these DuckDB types."""
    function.sql_types = (parameters, returns)
    return function


# A warehouse migrated to document_bands is filled with the layout the batch being published uses (the publish sets
# lsh_layout), else the default threshold's: a run with another threshold re-cuts the bands at its first publish.
DEFAULT_LAYOUT = layout_of(DEFAULT_NEAR_DUP_THRESHOLD)
BANDS_FROM_SIGNATURES = f"""
    SELECT doc_id, layout, unnest(range(len(hashes))) AS band, unnest(hashes) AS band_hash
    FROM (SELECT doc_id, coalesce(getvariable('lsh_layout'), '{DEFAULT_LAYOUT}') AS layout,
                 signature_bands(signature, coalesce(getvariable('lsh_layout'), '{DEFAULT_LAYOUT}')) AS hashes
          FROM document_signatures)"""


class DocumentBands(pa.DataFrameModel):
    """The LSH bands of each document's MinHash signature, as 64-bit hashes: a batch finds the earlier documents that
    may be its near-duplicates by joining its own bands with this table, not by reading every signature
    (pipeline/lsh.py)."""
    doc_id: str = pa.Field(str_matches=HEX_ID, description="documents.doc_id.")
    layout: str = pa.Field(str_matches=r"^\d+x\d+$",
                           description="Bands x rows of the LSH index the bands were cut for (21x6 for the default "
                                       "near-duplicate threshold 0.8); only bands of the current layout are joined.")
    band: int = pa.Field(ge=0, description="Band number, from 0.")
    band_hash: pl.UInt64 = pa.Field(description="64-bit hash of the band's signature values (pipeline/lsh.py).")

    class Config(Strict):
        unique = ["doc_id", "band"]
        metadata = {"fill": BANDS_FROM_SIGNATURES,
                    "fill_functions": (sql_function(signature_bands, ["BLOB", "VARCHAR"], "UBIGINT[]"),)}


class CleanedDocuments(pa.DataFrameModel):
    """Cleaned article text and metadata, one row per raw document with main content."""
    doc_id: str = pa.Field(unique=True, str_matches=HEX_ID, metadata=KEY, description="raw_documents.doc_id.")
    url: Optional[str] = pa.Field(nullable=True, description="Canonical URL (link rel=canonical, og:url) or the "
                                                             "source URL; NULL for local files without one.")
    site: Optional[str] = pa.Field(nullable=True, description="Site name (og:site_name, JSON-LD publisher) or host: a "
                                                              "display label, not a key (see domain).")
    # Filled from url by pipeline.domains.registered_domain, here and when a warehouse built before it migrates.
    domain: Optional[str] = pa.Field(nullable=True, str_matches=r"^[^\s/]+$",
                                     metadata={"backfill": "registered_domain(url)",
                                               "backfill_functions": (registered_domain,)},
                                     description="Registered domain of url by the public-suffix list (news.bbc.co.uk: "
                                                 "bbc.co.uk); the host without www. under a suffix the list does not "
                                                 "know; NULL without a URL.")
    title: Optional[str] = pa.Field(nullable=True, description="Article title.")
    author: Optional[str] = pa.Field(nullable=True, description="Article author from metadata or byline; metadata, "
                                                                "never a fact subject.")
    # An ISO string in the frame (pandera-polars checks it with a pattern), a DATE in the warehouse.
    published_date: Optional[str] = pa.Field(nullable=True, str_matches=r"^\d{4}-\d{2}-\d{2}$",
                                             metadata={"sql": "DATE"},
                                             description="Publication date from page metadata only; NULL rather than "
                                                         "a date from the body.")
    language: str = pa.Field(str_matches=r"^[a-z]{2,3}$",
                             description="ISO 639-1 language code; non-English documents are kept and skipped by "
                                         "English NLP (see stage_skips).")
    text: str = pa.Field(str_length={"min_value": 1},
                         description="Cleaned main text, NFC, paragraphs separated by blank lines.")
    word_count: int = pa.Field(ge=1, description="Words in text.")
    cluster_id: str = pa.Field(str_matches=HEX_ID,
                               description="Near-duplicate cluster (syndicated copies): doc_id of its earliest "
                                           "member; equals doc_id when it has none.")
    first_seen_at: UTC = pa.Field(metadata=FRAME_ONLY, description="raw_documents.first_seen_at.")

    class Config(Strict):
        pass


class StageSkips(pa.DataFrameModel):
    """Documents a stage deliberately did not process, and why (e.g. non-English text)."""
    doc_id: str = pa.Field(str_matches=HEX_ID, description="documents.doc_id.")
    stage: str = pa.Field(description="The asset that skipped it.")
    reason: str = pa.Field(description="Why it was skipped.")

    class Config(Strict):
        pass


class EntityMentions(pa.DataFrameModel):
    """Mentions resolved within their document, before cross-document canonicalisation."""
    doc_id: str = pa.Field(str_matches=HEX_ID, description="documents.doc_id.")
    surface: str = pa.Field(str_length={"min_value": 1}, description="Text as written.")
    name: str = pa.Field(str_length={"min_value": 1}, description="Fullest name in the document.")
    type: str = pa.Field(isin=ENTITY_TYPES, description="Type voted within the document.")
    ner_label: str = pa.Field(description="What typed the mention: the tagger's label (PERSON, GPE, ...), or a rule: TITLE "
                                          "(a quoted title), WORK_CUE (a title by its context), AWARD_NAME, EVENT_NAME, "
                                          "PARTY_NAME, GAZETTEER (a known place), NAME_RULE, SURNAME, TEAM, FRAME_TYPED.")
    kind: Optional[str] = pa.Field(nullable=True, description="Kind noun of a work (film, album).")
    sentence_index: int = pa.Field(ge=0, description="Sentence number.")
    start_char: int = pa.Field(ge=0, description="Start offset in text.")
    end_char: int = pa.Field(ge=1, description="End offset in text.")

    class Config(Strict):
        pass


class Extractions(pa.DataFrameModel):
    """Relation extractions with document-level names, before entity resolution."""
    doc_id: str = pa.Field(str_matches=HEX_ID, description="documents.doc_id.")
    predicate: str = pa.Field(description="Registry predicate.")
    subject_name: str = pa.Field(description="Document-level subject name.")
    subject_type: str = pa.Field(isin=ENTITY_TYPES, description="Subject type.")
    object_name: str = pa.Field(description="Document-level object name or literal.")
    object_type: str = pa.Field(isin=ENTITY_TYPES + ["DATE", "STRING"], description="Object type.")
    sentence_index: int = pa.Field(ge=0, description="Sentence number.")
    sentence: str = pa.Field(description="Evidence sentence.")
    start_char: int = pa.Field(ge=0, description="Sentence start.")
    end_char: int = pa.Field(ge=1, description="Sentence end.")
    extractor: str = pa.Field(description="Rule that fired.")
    confidence: float = pa.Field(gt=0, le=1, description="Rule confidence.")
    modality: str = pa.Field(isin=MODALITIES, description=MODALITY_DESCRIPTION)

    class Config(Strict):
        pass


class EntityLookup(pa.DataFrameModel):
    """Which canonical entity each document-level (name, type) of the batch resolved to: claims join it by key."""
    doc_id: str = pa.Field(str_matches=HEX_ID, description="documents.doc_id.")
    name: str = pa.Field(str_length={"min_value": 1}, description="entity_mentions.name.")
    type: str = pa.Field(isin=ENTITY_TYPES, description="entity_mentions.type.")
    entity_id: str = pa.Field(str_matches=HEX_ID, description="entities.entity_id.")

    class Config(Strict):
        unique = ["doc_id", "name", "type"]


class BatchEntities(pa.DataFrameModel):
    """Canonical entities a batch mentions; the warehouse's entities table adds what all documents say of them."""
    entity_id: str = pa.Field(unique=True, str_matches=HEX_ID, metadata=KEY,
                              description="Stable id: a hash of the normalised canonical name, the same across runs.")
    name: str = pa.Field(str_length={"min_value": 1}, description="Canonical (fullest) name.")
    type: str = pa.Field(isin=ENTITY_TYPES, description=f"{', '.join(ENTITY_TYPES)}, voted over its mentions (in the "
                                                        "warehouse: across all documents; a tie goes to the type "
                                                        "named first).")

    class Config(Strict):
        pass


class Entities(BatchEntities):
    """Canonical entities across documents."""
    aliases: pl.List(pl.String) = pa.Field(description='Every surface form seen for it ("Lamar", "Kendrick").')
    n_mentions: int = pa.Field(ge=1, description="Mentions across all documents.")
    n_documents: int = pa.Field(ge=1, description="Documents that mention it.")

    class Config(Strict):
        pass


class Mentions(pa.DataFrameModel):
    """Every entity mention in the cleaned text."""
    doc_id: str = pa.Field(str_matches=HEX_ID, description="documents.doc_id.")
    entity_id: str = pa.Field(str_matches=HEX_ID, description="entities.entity_id it resolves to.")
    surface: str = pa.Field(description="The text as written.")
    type: str = pa.Field(isin=ENTITY_TYPES, description="Entity type after in-document voting.")
    sentence_index: int = pa.Field(ge=0, description="0-based sentence number in documents.text.")
    start_char: int = pa.Field(ge=0, description="Start offset in documents.text.")
    end_char: int = pa.Field(ge=1, description="End offset (exclusive) in documents.text.")

    class Config(Strict):
        pass


class _Triple(pa.DataFrameModel):
    """Columns naming a fact, shared by claims and facts."""
    fact_id: str = pa.Field(str_matches=HEX_ID, description="Stable fact id (facts.fact_id): a hash of subject_id, "
                                                            "predicate and object.")
    subject_id: str = pa.Field(str_matches=HEX_ID, description="entities.entity_id of the subject.")
    subject: str = pa.Field(description="Canonical name of the subject.")
    predicate: str = pa.Field(description="Registry predicate (snake_case Wikidata property label, "
                                          "pipeline/registry.yaml).")
    object_id: Optional[str] = pa.Field(nullable=True, description="entities.entity_id when object_kind = entity, "
                                                                   "else NULL.")
    object: str = pa.Field(description="Canonical name, ISO 8601 date or string.")
    object_kind: str = pa.Field(isin=OBJECT_KINDS, description=f"{', '.join(OBJECT_KINDS)}.")
    wikidata_property: Optional[str] = pa.Field(nullable=True, str_matches=r"^P\d+$",
                                                description="Wikidata property id (P57 for director).")


class _Evidence(pa.DataFrameModel):
    """Columns locating the sentence that asserted a fact."""
    doc_id: str = pa.Field(str_matches=HEX_ID, description="documents.doc_id the sentence is in.")
    sentence: str = pa.Field(description="The evidence sentence, as in documents.text.")
    start_char: int = pa.Field(ge=0, description="Sentence start offset in documents.text.")
    end_char: int = pa.Field(ge=1, description="Sentence end offset in documents.text.")
    extractor: str = pa.Field(description="Rule that fired: predicate:frame:trigger, e.g. "
                                          "director:verb_passive:direct.")
    confidence: float = pa.Field(gt=0, le=1, description="Confidence of this extraction.")


class Claims(_Triple, _Evidence):
    """Per-document extracted facts with evidence, before deduplication; facts aggregates these."""
    sentence_index: int = pa.Field(ge=0, description="0-based sentence number in documents.text.")
    modality: str = pa.Field(isin=MODALITIES, description=MODALITY_DESCRIPTION)

    class Config(Strict):
        pass


class Facts(_Triple):
    """One row per distinct (subject, predicate, object)."""
    fact_id: str = pa.Field(unique=True, str_matches=HEX_ID, metadata=KEY,
                            description="Stable id: hash of subject_id, predicate and object.")
    n_documents: int = pa.Field(ge=1, description="Distinct documents asserting it.")
    n_independent: int = pa.Field(ge=1, description="Distinct near-duplicate clusters asserting it: syndicated "
                                                    "copies count once.")
    first_seen_at: UTC = pa.Field(description="Earliest first_seen_at of a document asserting it.")
    last_seen_at: UTC = pa.Field(description="Latest first_seen_at of a document asserting it.")
    confidence: float = pa.Field(gt=0, le=1, description="1 - prod(1 - c) over independent clusters, c the best "
                                                         "extraction confidence in each.")
    contested: bool = pa.Field(description="Single-valued predicate: another object is asserted for the subject. "
                                           "Multi-valued: two independent sources assert disjoint object sets.")

    class Config(Strict):
        pass


FACTS_COMPUTED_BY = ["facts asset", "publish"]


class PublishLog(pa.DataFrameModel):
    """Every publish, in order. The facts table is the one the batch's facts asset computed and validated, unless
    the warehouse changed after the asset read it (another batch published meanwhile, or the batch replaced an
    earlier version of a file): then the publish computes it again, with the same function, from the claims it
    holds."""
    batch_id: str = pa.Field(description="The batch published.")
    published_at: UTC = pa.Field(description="When the publish committed.")
    facts_computed_by: str = pa.Field(isin=FACTS_COMPUTED_BY,
                                      description=f"Where the facts table came from: {' or '.join(FACTS_COMPUTED_BY)}.")

    class Config(Strict):
        pass


class FactEvidence(_Evidence):
    """Every sentence that asserted a fact."""
    fact_id: str = pa.Field(str_matches=HEX_ID, description="facts.fact_id.")

    class Config(Strict):
        pass


class DomainFacts(pa.DataFrameModel):
    """Each fact a registered domain asserts, with what the domain's sources row counts of it: kept so a publish
    updates sources by the difference its batch makes, without reading the domain's other facts."""
    domain: str = pa.Field(description="documents.domain (unknown for documents without a URL).")
    fact_id: str = pa.Field(str_matches=HEX_ID, description="facts.fact_id.")
    n_claims: int = pa.Field(ge=1, description="Asserted claims of the fact in the domain's documents.")
    corroborated: bool = pa.Field(description="Another domain asserts the fact from another near-duplicate cluster.")
    contested: bool = pa.Field(description="facts.contested.")

    class Config(Strict):
        metadata = DERIVED


class DomainSites(pa.DataFrameModel):
    """How many of a registered domain's documents give each site name: sources.site is the most frequent one."""
    domain: str = pa.Field(metadata=KEY, description="documents.domain (unknown for documents without a URL).")
    site: str = pa.Field(metadata=KEY, description="documents.site, when the document gives one.")
    n_documents: int = pa.Field(ge=1, description="Documents of the domain that give this site name.")

    class Config(Strict):
        metadata = DERIVED


class Sources(pa.DataFrameModel):
    """Per-publisher agreement, in the spirit of Knowledge-Based Trust: how often a domain's facts are corroborated by
    independent sources. One row per registered domain: a site's name is a label pages choose (Reuters calls itself
    "U.S."), the domain is what identifies the publisher."""
    domain: str = pa.Field(metadata=KEY, description="documents.domain, the registered domain (the key); unknown for "
                                                     "documents without a URL.")
    site: str = pa.Field(description="The site name most of its documents give (domain_sites; a tie goes to the first "
                                     "in alphabetical order), else the domain: a display label.")
    n_documents: int = pa.Field(ge=1, description="Documents from the domain.")
    n_facts: int = pa.Field(ge=0, description="Distinct facts the domain asserts.")
    corroborated_share: Optional[float] = pa.Field(
        nullable=True, description="n_corroborated / n_claims, rounded to 4 places: the share of the domain's asserted "
                                   "claims whose fact another domain asserts in another near-duplicate cluster "
                                   "(syndicated copies do not corroborate); NULL without claims.")
    contested_share: Optional[float] = pa.Field(
        nullable=True, description="n_contested / n_claims, rounded to 4 places: the share of those claims whose fact "
                                   "is contested; NULL without claims.")
    n_claims: int = pa.Field(ge=0, description="Asserted claims in the domain's documents (a fact asserted in three "
                                               "sentences counts three times): the base of both shares.")
    n_corroborated: int = pa.Field(ge=0, description="Of those claims, the ones whose fact is corroborated.")
    n_contested: int = pa.Field(ge=0, description="Of those claims, the ones whose fact is contested.")

    class Config(Strict):
        metadata = DERIVED


class EntityFacts(pa.DataFrameModel):
    """Every fact about an entity (as subject or object) with its sources, for lookup by entity name: WHERE name_hash
    = md5_number_lower(lower('Name')). A full build stores it in name_hash order, so a lookup reads one row group;
    a publish appends the rows its batch changes."""
    name_hash: pl.UInt64 = pa.Field(description="md5_number_lower(lower(entity)): the lookup key.")
    entity: str = pa.Field(description="entities.name of the entity the fact is about.")
    entity_id: str = pa.Field(description="entities.entity_id.")
    role: str = pa.Field(isin=["subject", "object"], description="subject or object: where the entity stands in "
                                                                 "the fact.")
    fact_id: str = pa.Field(description="facts.fact_id.")
    subject: str = pa.Field(description="facts.subject.")
    predicate: str = pa.Field(description="facts.predicate.")
    object: str = pa.Field(description="facts.object.")
    n_documents: int = pa.Field(description="facts.n_documents.")
    n_independent: int = pa.Field(description="facts.n_independent.")
    confidence: float = pa.Field(description="facts.confidence.")
    contested: bool = pa.Field(description="facts.contested.")
    sources: Optional[str] = pa.Field(nullable=True, description='Sites (else URLs) of the documents asserting the '
                                                                 'fact, separated by "; ".')

    class Config(Strict):
        metadata = DERIVED


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "raw_documents": RawDocuments, "document_sources": DocumentSources, "quarantine": Quarantine,
    "skipped_records": SkippedRecords, "batch_inputs": BatchInputs, "document_signatures": DocumentSignatures,
    "cleaned_documents": CleanedDocuments, "stage_skips": StageSkips, "entity_mentions": EntityMentions,
    "extractions": Extractions, "entity_lookup": EntityLookup,
    "batch_entities": BatchEntities, "entities": Entities, "mentions": Mentions, "claims": Claims,
    "facts": Facts, "fact_evidence": FactEvidence, "publish_log": PublishLog, "document_bands": DocumentBands,
    "domain_facts": DomainFacts, "domain_sites": DomainSites, "sources": Sources, "entity_facts": EntityFacts,
}


# The warehouse's tables and the model each follows (its columns but the FRAME_ONLY ones). The views are SQL:
# warehouse/views.sql.
WAREHOUSE_TABLES: dict[str, str] = {
    "raw_documents": "raw_documents", "document_sources": "document_sources", "quarantine": "quarantine",
    "skipped_records": "skipped_records", "documents": "cleaned_documents", "stage_skips": "stage_skips",
    "entities": "entities", "mentions": "mentions", "facts": "facts", "claims": "claims",
    "document_signatures": "document_signatures", "document_bands": "document_bands",
    "fact_evidence": "fact_evidence", "publish_log": "publish_log",
}
# Tables derived from those (Config.metadata DERIVED), in the order a full build fills them.
DERIVED_TABLES: dict[str, str] = {"domain_facts": "domain_facts", "domain_sites": "domain_sites", "sources": "sources",
                                  "entity_facts": "entity_facts"}


def polars_schema(name: str) -> dict[str, pl.DataType]:
    """The frame's columns and dtypes, from its model: pipeline/ builds frames with this."""
    return {col: column.dtype.type for col, column in MODELS[name].to_schema().columns.items()}


def polars_columns(name: str, *columns: str) -> dict[str, pl.DataType]:
    """Some of a model's columns: for a frame that carries columns of several models (ingest's inputs)."""
    schema = polars_schema(name)
    return {column: schema[column] for column in columns}


class ContractViolation(ValueError):
    """A frame failed its pandera model; the message names the failing rows."""

    def __init__(self, frame: str, failures: pl.DataFrame):
        self.frame = frame
        self.failures = failures
        sample = failures.head(10).select("column", "check", "failure_case", "index")
        super().__init__(f"{frame}: {failures.height} contract failure(s):\n{sample}")


def contract_failures(name: str, df: pl.DataFrame) -> pl.DataFrame | None:
    """The failure cases of `df` against the `name` model (every one: lazy validation), or None."""
    try:
        MODELS[name].validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases.with_columns(pl.col("failure_case").cast(pl.String))
    return None


def validate_frame(name: str, df: pl.DataFrame) -> pl.DataFrame:
    failures = contract_failures(name, df)
    if failures is not None:
        raise ContractViolation(name, failures)
    return df
