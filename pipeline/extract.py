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
from pipeline.mentions import document_mentions
from pipeline.nlp import load_nlp
from pipeline.relation_model import ModelExtraction, model_extractions
from pipeline.relations import Extraction, Triggers, extract_relations
from pipeline.registry import load_registry
from schemas import polars_schema

MENTION_SCHEMA = polars_schema("entity_mentions")
EXTRACTION_SCHEMA = polars_schema("extractions")
SKIP_SCHEMA = polars_schema("stage_skips")
ENGLISH = "en"


def english_documents(cleaned: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    english = cleaned.filter(pl.col("language") == ENGLISH)
    skipped = cleaned.filter(pl.col("language") != ENGLISH).select(
        "doc_id", stage=pl.lit("entity_mentions"),
        reason=pl.format("language {} is not supported by the English model", pl.col("language")))
    return english, skipped.cast(SKIP_SCHEMA)


CHUNK = 8  # documents per worker task: small enough to balance two workers, large enough for nlp.pipe batching


def extract_documents(cleaned: pl.DataFrame, model: str | None = None, batch_size: int = 1,
                      n_process: int = 1, progress: Callable[[int, int], None] | None = None
                      ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(mentions, extractions) for English cleaned documents.

    n_process > 1: parse and rules run together in the shared worker pool (pipeline/workers.py), a few
    documents per task, and only rows come back; else in this process.
    batch_size: documents nlp.pipe parses together. One: the small CNN model is no faster on batches (9.7 s
    against 10.2 s of CPU for 48 pages at 8), and a batch of long pages held the parser's arrays for all of them
    (peak 332 MB against 456 MB).
    """
    rows = cleaned.select("doc_id", "text", "author")
    tasks = ((model, batch_size, chunk) for chunk in workers.frame_chunks(rows, CHUNK))
    if n_process > 1:
        results = workers.ordered_map(extract_chunk, tasks, processes=n_process, model=model)
    else:
        results = map(extract_chunk, tasks)
    mention_rows, extraction_rows, done = [], [], 0
    for n_docs, mentions, extractions in results:
        mention_rows.extend(mentions)
        extraction_rows.extend(extractions)
        done += n_docs
        if progress is not None and n_docs:
            progress(done, cleaned.height)
    return (pl.DataFrame(mention_rows, schema=MENTION_SCHEMA),
            pl.DataFrame(extraction_rows, schema=EXTRACTION_SCHEMA))


def extract_chunk(task: tuple[str | None, int, list[tuple[str, str, str | None]]]
                  ) -> tuple[int, list[dict], list[dict]]:
    """(documents done, mention rows, extraction rows) for (model, batch_size, [(doc_id, text, author)])."""
    model, batch_size, chunk = task
    nlp = load_nlp(model)
    triggers = _triggers()
    mention_rows, extraction_rows = [], []
    # The memory zone frees the strings these documents added to the vocabulary: a worker that lives for a
    # whole run would otherwise grow with every new word it ever saw. Rows hold plain str copies.
    with nlp.memory_zone():
        for doc, (doc_id, author) in nlp.pipe(((text, (doc_id, author)) for doc_id, text, author in chunk),
                                              as_tuples=True, batch_size=batch_size):
            mentions, extractions = document_rows(doc_id, doc, author, triggers)
            mention_rows.extend(mentions)
            extraction_rows.extend(extractions)
    return len(chunk), mention_rows, extraction_rows


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
    extraction_rows.extend(_extraction_row(doc_id, e, sentences)
                           for e in model_extractions(doc, mentions, author, extracted))
    return mention_rows, extraction_rows


def _extraction_row(doc_id: str, e: Extraction | ModelExtraction, sentences: list[Span]) -> dict:
    """A rule's fact cites its sentence; a model's fact read from two sentences cites both (with " … " between
    when they are not adjacent)."""
    last_index = getattr(e, "last_sentence_index", e.sentence_index)
    first, last = sentences[e.sentence_index], sentences[last_index]
    if last_index - e.sentence_index > 1:
        sentence = f"{first.text.strip()} … {last.text.strip()}"
    else:
        sentence = first.doc.text[first.start_char:last.end_char].strip()
    return {"doc_id": doc_id, "predicate": e.predicate, "subject_name": e.subject.text,
            "subject_type": e.subject.type, "object_name": e.object.text, "object_type": e.object.type,
            "sentence_index": e.sentence_index, "sentence": sentence,
            "start_char": first.start_char, "end_char": last.end_char,
            "extractor": e.extractor, "confidence": e.confidence}


def frame_typed_mentions(doc_id: str, doc, extracted, known_spans: set) -> list[dict]:
    """Names the model missed but a fact frame typed: they become mentions so their facts resolve."""
    rows, seen = [], set(known_spans)
    for e in extracted:
        for value in (e.subject, e.object):
            if value.span is not None and value.span not in seen:
                seen.add(value.span)
                span = doc.char_span(*value.span, alignment_mode="expand")
                rows.append({"doc_id": doc_id, "surface": value.text, "name": value.text, "type": value.type,
                             "ner_label": "FRAME_TYPED", "kind": None,
                             "sentence_index": [i for i, s in enumerate(doc.sents) if s.start <= span.start < s.end][0],
                             "start_char": value.span[0], "end_char": value.span[1]})
    return rows


def _mention_row(doc_id: str, m) -> dict:
    return {"doc_id": doc_id, "surface": m.surface, "name": m.name, "type": m.type, "ner_label": m.label,
            "kind": m.kind, "sentence_index": m.sentence_index, "start_char": m.start_char, "end_char": m.end_char}
