"""One NLP pass per document: entity mentions and relation extractions together.

Parsing is the expensive step, so both outputs come from the same nlp.pipe run.
Non-English documents are skipped here and the skip is recorded.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

import polars as pl
from spacy.tokens import Doc, Span

from pipeline import workers
from pipeline.clean import REJECTED_SCHEMA, timed_out
from pipeline.config import DEFAULT_DOCUMENT_TIMEOUT_S
from pipeline.mentions import document_mentions, sentence_indexes
from pipeline.modality import pair_modality
from pipeline.nlp import doc_text, load_nlp
from pipeline.prose import prose_text
from pipeline.relation_model import ModelExtraction, model_extractions
from pipeline.relations import Extraction, Triggers, extract_relations
from pipeline.registry import load_registry
from pipeline.sources import stage_error
from schemas import polars_schema

MENTION_SCHEMA = polars_schema("entity_mentions")
EXTRACTION_SCHEMA = polars_schema("extractions")
SKIP_SCHEMA = polars_schema("stage_skips")
ENGLISH = "en"


def nlp_documents(cleaned: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(documents the English model parses, their text limited to its prose; stage skips with reasons)."""
    english = cleaned.filter(pl.col("language") == ENGLISH).with_columns(
        pl.col("text").map_elements(prose_text, return_dtype=pl.String))
    other = cleaned.filter(pl.col("language") != ENGLISH).select(
        "doc_id", stage=pl.lit("entity_mentions"),
        reason=pl.format("language {} is not supported by the English model", pl.col("language")))
    no_prose = english.filter(pl.col("text").str.strip_chars() == "").select(
        "doc_id", stage=pl.lit("entity_mentions"),
        reason=pl.lit("no prose to parse: the page is a list, a table, a registry or navigation"))
    parsed = english.filter(pl.col("text").str.strip_chars() != "")
    return parsed, pl.concat([other, no_prose]).cast(SKIP_SCHEMA)


CHUNK = 8  # documents per worker task: small enough to balance two workers, large enough for nlp.pipe batching


def extract_documents(cleaned: pl.DataFrame, model: str | None = None, batch_size: int = 1,
                      n_process: int = 1, progress: Callable[[int, int], None] | None = None,
                      timeout_s: float = DEFAULT_DOCUMENT_TIMEOUT_S
                      ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(mentions, extractions, rejected) for English cleaned documents.

    n_process > 1: parse and rules run together in the shared worker pool (pipeline/workers.py), a few
    documents per task, and only rows come back; else in this process.
    batch_size: kept for callers; documents are parsed one at a time (the small CNN model is no faster on
    batches: 9.7 s against 10.2 s of CPU for 48 pages at 8, and a batch of long pages held the parser's arrays for
    all of them, peak 332 MB against 456 MB), which is also what lets each have its own time limit.
    rejected: (doc_id, reason, detail) of documents past timeout_s (`timeout`) or whose parse or rules raised
    (`stage_error`); they add no mentions or extractions, and the batch goes on.
    """
    rows = cleaned.select("doc_id", "text", "author")
    tasks = ((model, timeout_s, chunk) for chunk in workers.frame_chunks(rows, CHUNK))
    if n_process > 1:
        results = workers.ordered_map(
            extract_chunk, tasks, processes=n_process, limit_s=workers.stuck_after(timeout_s, CHUNK),
            on_timeout=lambda task: (len(task[2]), [], [], [timed_out(row[0], "parsing", timeout_s)[1]
                                                            for row in task[2]]))
    else:
        results = map(extract_chunk, tasks)
    mention_rows, extraction_rows, rejected_rows, done = [], [], [], 0
    for n_docs, mentions, extractions, rejected in results:
        mention_rows.extend(mentions)
        extraction_rows.extend(extractions)
        rejected_rows.extend(rejected)
        done += n_docs
        if progress is not None and n_docs:
            progress(done, cleaned.height)
    return (pl.DataFrame(mention_rows, schema=MENTION_SCHEMA),
            pl.DataFrame(extraction_rows, schema=EXTRACTION_SCHEMA),
            pl.DataFrame(rejected_rows, schema=REJECTED_SCHEMA))


def extract_chunk(task: tuple[str | None, float, list[tuple[str, str, str | None]]]
                  ) -> tuple[int, list[dict], list[dict], list[dict]]:
    """(documents done, mention rows, extraction rows, rejected rows) for (model, timeout_s, [(doc_id, text,
    author)])."""
    model, timeout_s, chunk = task
    nlp = load_nlp(model)
    triggers = _triggers()
    mention_rows, extraction_rows, rejected = [], [], []
    # The memory zone frees the strings these documents added to the vocabulary: a worker that lives for a
    # whole run would otherwise grow with every new word it ever saw. Rows hold plain str copies.
    with nlp.memory_zone():
        for doc_id, text, author in chunk:
            try:
                with workers.time_limit(timeout_s, "parsing"):
                    mentions, extractions = document_rows(doc_id, nlp(text), author, triggers)
            except workers.DocumentTimeout as exc:
                rejected.append({"doc_id": doc_id, "reason": "timeout", "detail": str(exc)})
                continue
            except Exception as exc:  # noqa: BLE001  one document that breaks the parser or a rule is one row
                rejected.append({"doc_id": doc_id, "reason": "stage_error", "detail": stage_error("parsing", exc)})
                continue
            mention_rows.extend(mentions)
            extraction_rows.extend(extractions)
    return len(chunk), mention_rows, extraction_rows, rejected


@lru_cache(maxsize=1)
def _triggers() -> Triggers:
    return Triggers(load_registry())


def document_rows(doc_id: str, doc: Doc, author: str | None, triggers: Triggers) -> tuple[list[dict], list[dict]]:
    """Mention rows and extraction rows of one parsed document: the rules' extractions, then the relation
    model's (pipeline/relation_model.py) where no rule gave that fact."""
    mentions = document_mentions(doc)
    mention_rows = [_mention_row(doc_id, m) for m in mentions]
    sentences = list(doc.sents)
    extracted = extract_relations(doc, mentions, author, triggers)
    mention_rows.extend(frame_typed_mentions(doc_id, doc, extracted, {(m.start_char, m.end_char) for m in mentions}))
    extraction_rows = [_extraction_row(doc_id, e, sentences) for e in extracted]
    extraction_rows.extend({**_extraction_row(doc_id, e, sentences), "modality": _stated(doc, mentions, e)}
                           for e in model_extractions(doc, mentions, author, extracted))
    return mention_rows, extraction_rows


def _stated(doc: Doc, mentions: list, e: ModelExtraction) -> str:
    """A model fact read from one sentence is stated as the sentence states the pair; across sentences, as
    asserted (no one word relates them)."""
    if e.sentence_index != e.last_sentence_index:
        return "asserted"
    spans = {m.name: (m.token_start, m.token_end) for m in mentions if m.sentence_index == e.sentence_index}
    subject, obj = spans.get(e.subject.text), spans.get(e.object.text)
    return pair_modality(doc, subject, obj) if subject is not None else "asserted"


def _extraction_row(doc_id: str, e: Extraction | ModelExtraction, sentences: list[Span]) -> dict:
    """The evidence of a fact: its sentence, from where a pronoun's antecedent was named when it rests on one,
    through the last sentence a model's fact was read from (with " … " between sentences not adjacent)."""
    antecedents = [v.antecedent_sentence for v in (e.subject, e.object)
                   if getattr(v, "antecedent_sentence", None) is not None]
    first_index = min([e.sentence_index] + antecedents)
    last_index = getattr(e, "last_sentence_index", e.sentence_index)
    first, last = sentences[first_index], sentences[last_index]
    text = doc_text(first.doc)
    if last_index - first_index > 1 and not antecedents:
        sentence = f"{first.text.strip()} … {last.text.strip()}"
    else:
        sentence = text[first.start_char:last.end_char].strip()
    return {"doc_id": doc_id, "predicate": e.predicate, "subject_name": e.subject.text,
            "subject_type": e.subject.type, "object_name": e.object.text, "object_type": e.object.type,
            "sentence_index": e.sentence_index, "sentence": sentence,
            "start_char": first.start_char, "end_char": last.end_char,
            "extractor": e.extractor, "confidence": e.confidence,
            "modality": getattr(e, "modality", "asserted")}


def frame_typed_mentions(doc_id: str, doc, extracted, known_spans: set) -> list[dict]:
    """Names the model missed but a fact frame typed: they become mentions so their facts resolve."""
    rows, seen = [], set(known_spans)
    for e in extracted:
        for value in (e.subject, e.object):
            if value.span is not None and (value.span, value.text) not in seen and (
                    value.span not in seen or value.text != doc_text(doc)[value.span[0]:value.span[1]]):
                seen.add((value.span, value.text))
                span = doc.char_span(*value.span, alignment_mode="expand")
                rows.append({"doc_id": doc_id, "surface": doc_text(doc)[value.span[0]:value.span[1]], "name": value.text,
                             "type": value.type,
                             "ner_label": "FRAME_TYPED", "kind": None,
                             "sentence_index": sentence_indexes(doc)[span.start],
                             "start_char": value.span[0], "end_char": value.span[1]})
    return rows


def _mention_row(doc_id: str, m) -> dict:
    return {"doc_id": doc_id, "surface": m.surface, "name": m.name, "type": m.type, "ner_label": m.label,
            "kind": m.kind, "sentence_index": m.sentence_index, "start_char": m.start_char, "end_char": m.end_char}
