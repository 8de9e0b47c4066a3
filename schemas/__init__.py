"""Pandera polars models: one per frame, the single source of column truth.

Assets validate with `validate_frame` (lazy, so every failure is collected)
and the asset checks in assets/checks.py are generated from MODELS.
"""
from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

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


class Strict:
    strict = True
    coerce = False


class RawDocuments(pa.DataFrameModel):
    """One row per distinct raw content, with the decoded content for cleaning."""
    doc_id: str = pa.Field(unique=True, str_matches=HEX_ID, description="Content hash of the raw bytes.")
    content_type: str = pa.Field(isin=["text/html", "text/plain"], description="Sniffed from the bytes.")
    encoding: str = pa.Field(description="Encoding used to decode the bytes.")
    size_bytes: int = pa.Field(ge=1, description="Raw size in bytes.")
    content: str = pa.Field(description="Decoded content.")
    source_uri: str = pa.Field(description="The first input that carried this content.")
    first_seen_at: UTC = pa.Field(description="When this content was first ingested.")

    class Config(Strict):
        pass


class DocumentSources(pa.DataFrameModel):
    doc_id: str = pa.Field(str_matches=HEX_ID, description="The raw document this input produced.")
    source_uri: str = pa.Field(description="Page URL when known, else the file URI.")
    input_uri: str = pa.Field(description="The exact input: file URI, #line=N or #record=N inside containers.")
    batch_id: str = pa.Field(description="Batch that first saw the input.")
    seen_at: UTC = pa.Field(description="When the input was first seen.")

    class Config(Strict):
        unique = ["doc_id", "input_uri"]


class Quarantine(pa.DataFrameModel):
    source_uri: str = pa.Field(description="The rejected input.")
    batch_id: str = pa.Field(description="Batch that saw it.")
    reason: str = pa.Field(isin=REASONS, description="Reason code.")
    detail: str = pa.Field(str_length={"min_value": 1}, description="What was wrong, for a human.")
    size_bytes: Optional[int] = pa.Field(nullable=True, ge=0, description="Input size in bytes.")
    sha256: Optional[str] = pa.Field(nullable=True, str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the input.")
    seen_at: UTC = pa.Field(description="When the input was seen.")

    class Config(Strict):
        pass


class SkippedRecords(pa.DataFrameModel):
    """Archive records that are not documents by design, counted so nothing is lost."""
    input_uri: str = pa.Field(unique=True, description="Archive file URI with #record=N.")
    source_uri: str = pa.Field(description="Record target URI.")
    batch_id: str = pa.Field(description="Batch that read it.")
    record_type: str = pa.Field(str_matches=r"^(warc_\w+|non_text_response|http_status_\S+)$",
                                description="Why it is not a document.")
    detail: Optional[str] = pa.Field(nullable=True, description="E.g. the MIME type.")
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
    doc_id: str = pa.Field(unique=True, str_matches=HEX_ID, description="documents.doc_id.")
    signature: pl.Binary = pa.Field(description="MinHash hash values.")

    class Config(Strict):
        pass


class CleanedDocuments(pa.DataFrameModel):
    doc_id: str = pa.Field(unique=True, str_matches=HEX_ID, description="raw_documents.doc_id.")
    url: Optional[str] = pa.Field(nullable=True, description="Canonical URL.")
    site: Optional[str] = pa.Field(nullable=True, description="Site name or host.")
    domain: Optional[str] = pa.Field(nullable=True, str_matches=r"^[^\s/]+$",
                                     description="Registered domain of url (public-suffix list).")
    title: Optional[str] = pa.Field(nullable=True, description="Title.")
    author: Optional[str] = pa.Field(nullable=True, description="Author (metadata).")
    published_date: Optional[str] = pa.Field(nullable=True, str_matches=r"^\d{4}-\d{2}-\d{2}$",
                                             description="Publication date from metadata, ISO.")
    language: str = pa.Field(str_matches=r"^[a-z]{2,3}$", description="ISO 639-1 code.")
    text: str = pa.Field(str_length={"min_value": 1}, description="Cleaned main text.")
    word_count: int = pa.Field(ge=1, description="Words in text.")
    cluster_id: str = pa.Field(str_matches=HEX_ID, description="Near-duplicate cluster representative.")
    first_seen_at: UTC = pa.Field(description="raw_documents.first_seen_at.")

    class Config(Strict):
        pass


class StageSkips(pa.DataFrameModel):
    doc_id: str = pa.Field(str_matches=HEX_ID, description="Skipped document.")
    stage: str = pa.Field(description="Asset that skipped it.")
    reason: str = pa.Field(description="Why.")

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


class Entities(pa.DataFrameModel):
    entity_id: str = pa.Field(unique=True, str_matches=HEX_ID, description="Stable id.")
    name: str = pa.Field(str_length={"min_value": 1}, description="Canonical name.")
    type: str = pa.Field(isin=ENTITY_TYPES, description="Entity type.")
    aliases: pl.List(pl.String) = pa.Field(description="Surface forms.")
    n_mentions: int = pa.Field(ge=1, description="Mentions.")
    n_documents: int = pa.Field(ge=1, description="Documents.")

    class Config(Strict):
        pass


class Mentions(pa.DataFrameModel):
    doc_id: str = pa.Field(str_matches=HEX_ID, description="documents.doc_id.")
    entity_id: str = pa.Field(str_matches=HEX_ID, description="entities.entity_id.")
    surface: str = pa.Field(description="Text as written.")
    type: str = pa.Field(isin=ENTITY_TYPES, description="Type.")
    sentence_index: int = pa.Field(ge=0, description="Sentence number.")
    start_char: int = pa.Field(ge=0, description="Start offset.")
    end_char: int = pa.Field(ge=1, description="End offset.")

    class Config(Strict):
        pass


class _Triple(pa.DataFrameModel):
    """Columns naming a fact, shared by claims and facts."""
    fact_id: str = pa.Field(str_matches=HEX_ID, description="Stable fact id: hash of subject, predicate, object.")
    subject_id: str = pa.Field(str_matches=HEX_ID, description="entities.entity_id of the subject.")
    subject: str = pa.Field(description="Canonical subject name.")
    predicate: str = pa.Field(description="Registry predicate.")
    object_id: Optional[str] = pa.Field(nullable=True, description="entities.entity_id of an entity object.")
    object: str = pa.Field(description="Canonical object name or literal.")
    object_kind: str = pa.Field(isin=["entity", "date", "quantity", "string"], description="Object kind.")
    wikidata_property: Optional[str] = pa.Field(nullable=True, str_matches=r"^P\d+$", description="Wikidata id.")


class _Evidence(pa.DataFrameModel):
    """Columns locating the sentence that asserted a fact."""
    doc_id: str = pa.Field(str_matches=HEX_ID, description="documents.doc_id.")
    sentence: str = pa.Field(description="Evidence sentence.")
    start_char: int = pa.Field(ge=0, description="Sentence start in documents.text.")
    end_char: int = pa.Field(ge=1, description="Sentence end in documents.text.")
    extractor: str = pa.Field(description="Rule that fired.")
    confidence: float = pa.Field(gt=0, le=1, description="Extraction confidence.")


class Claims(_Triple, _Evidence):
    """Per-document facts with their evidence, resolved to canonical entities."""
    sentence_index: int = pa.Field(ge=0, description="Sentence number.")
    modality: str = pa.Field(isin=MODALITIES, description=MODALITY_DESCRIPTION)

    class Config(Strict):
        pass


class Facts(_Triple):
    fact_id: str = pa.Field(unique=True, str_matches=HEX_ID, description="Stable fact id.")
    n_documents: int = pa.Field(ge=1, description="Documents asserting it.")
    n_independent: int = pa.Field(ge=1, description="Independent clusters asserting it.")
    first_seen_at: UTC = pa.Field(description="First seen.")
    last_seen_at: UTC = pa.Field(description="Last seen.")
    confidence: float = pa.Field(gt=0, le=1, description="Combined confidence.")
    contested: bool = pa.Field(description="Conflicts with another fact.")

    class Config(Strict):
        pass


class FactEvidence(_Evidence):
    fact_id: str = pa.Field(str_matches=HEX_ID, description="facts.fact_id.")

    class Config(Strict):
        pass


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "raw_documents": RawDocuments, "document_sources": DocumentSources, "quarantine": Quarantine,
    "skipped_records": SkippedRecords, "batch_inputs": BatchInputs, "document_signatures": DocumentSignatures,
    "cleaned_documents": CleanedDocuments, "stage_skips": StageSkips, "entity_mentions": EntityMentions,
    "extractions": Extractions, "entities": Entities, "mentions": Mentions, "claims": Claims,
    "facts": Facts, "fact_evidence": FactEvidence,
}


def polars_schema(name: str) -> dict[str, pl.DataType]:
    """The frame's columns and dtypes, from its model: pipeline/ builds frames with this."""
    return {col: column.dtype.type for col, column in MODELS[name].to_schema().columns.items()}


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
