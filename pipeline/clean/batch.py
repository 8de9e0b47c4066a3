"""A frame of raw documents to cleaned rows and rejections, in the shared worker pool, a document never
taking the batch down or running past its time limit."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable
from urllib.parse import urlparse

import polars as pl
import py3langid

from pipeline import workers
from pipeline.clean.html import clean_html
from pipeline.clean.text import MIN_WORDS, Cleaned, word_count
from pipeline.clean.text_dumps import clean_plain_text
from pipeline.config import DEFAULT_DOCUMENT_TIMEOUT_S
from pipeline.sources import stage_error
from schemas import polars_schema

def detect_language(text: str) -> str:
    lang, _ = py3langid.classify(text[:5000])
    return lang


def clean_document(content: str, content_type: str, source_uri: str | None) -> Cleaned:
    if content_type == "text/html":
        return clean_html(content, source_uri)
    return clean_plain_text(content)


# Cleaning adds everything of the contract but the cluster and first sighting (joined in later).
CLEANED_SCHEMA = {c: t for c, t in polars_schema("cleaned_documents").items() if c not in ("cluster_id", "first_seen_at")}
REJECTED_SCHEMA = {"doc_id": pl.String, "reason": pl.String, "detail": pl.String}


def with_source_url(doc: Cleaned, source_uri: str | None) -> Cleaned:
    """A page fetched or exported with its URL has that URL and host even without metadata."""
    if doc.url or not source_uri or not source_uri.startswith(("http://", "https://")):
        return doc
    return replace(doc, url=source_uri, site=doc.site or urlparse(source_uri).hostname)


CHUNK = 4  # pages per worker task: a few tenths of a second of trafilatura, so two workers stay balanced


def clean_documents(raw_documents: pl.DataFrame, progress: Callable[[int, int], None] | None = None,
                    processes: int | None = None, signatures: bool = False,
                    timeout_s: float = DEFAULT_DOCUMENT_TIMEOUT_S) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(cleaned documents, rejected doc_ids with reason no_main_content/parse_error/timeout/stage_error).

    Large batches are cleaned on every core, in the shared worker pool: trafilatura is single-threaded CPU work.
    signatures: also compute each cleaned text's MinHash signature (a `signature` column) where the text is made,
    so the parent does not compute them one by one afterwards.
    timeout_s: the time one document may take (0: unlimited); past it, the document is rejected as `timeout`.
    """
    rows = raw_documents.select("doc_id", "content", "content_type", "source_uri")
    total = raw_documents.height
    n_workers = workers.processes_for(total, processes)
    tasks = ((chunk, signatures, timeout_s) for chunk in workers.frame_chunks(rows, CHUNK))
    if n_workers > 1:
        results = workers.ordered_map(
            clean_rows, tasks, processes=n_workers, limit_s=workers.stuck_after(timeout_s, CHUNK),
            on_timeout=lambda task: [timed_out(row[0], "cleaning", timeout_s) for row in task[0]])
    else:
        results = map(clean_rows, tasks)
    cleaned, rejected, done = [], [], 0
    for outcomes in results:
        for kind, outcome in outcomes:
            (cleaned if kind == "ok" else rejected).append(outcome)
        done += len(outcomes)
        if progress is not None and outcomes:
            progress(done, total)
    schema = CLEANED_SCHEMA | ({"signature": pl.Binary} if signatures else {})
    return pl.DataFrame(cleaned, schema=schema), pl.DataFrame(rejected, schema=REJECTED_SCHEMA)


def clean_rows(task: tuple[list[tuple], bool, float]) -> list[tuple[str, dict]]:
    """clean_row over a chunk of rows (one worker task), with MinHash signatures of the cleaned texts if asked."""
    chunk, signatures, timeout_s = task
    outcomes = [clean_row(row, timeout_s) for row in chunk]
    if signatures:
        from pipeline.near_duplicates import signature, to_bytes
        for kind, outcome in outcomes:
            if kind == "ok":
                outcome["signature"] = to_bytes(signature(outcome["text"]))
    return outcomes


def clean_row(row: tuple, timeout_s: float = DEFAULT_DOCUMENT_TIMEOUT_S) -> tuple[str, dict]:
    """One raw document to ('ok', cleaned row) or ('rejected', reason row); never raises, never runs past
    timeout_s."""
    doc_id, content, content_type, source_uri = row
    try:
        with workers.time_limit(timeout_s, "cleaning"):
            return _clean_row(doc_id, content, content_type, source_uri)
    except workers.DocumentTimeout as exc:
        return "rejected", {"doc_id": doc_id, "reason": "timeout", "detail": str(exc)}
    except Exception as exc:  # noqa: BLE001  one bad page never stops the batch
        return "rejected", {"doc_id": doc_id, "reason": "stage_error", "detail": stage_error("cleaning", exc)}


def timed_out(doc_id: str, stage: str, timeout_s: float) -> tuple[str, dict]:
    """The rejection of a document whose worker stopped answering and was replaced."""
    return "rejected", {"doc_id": doc_id, "reason": "timeout",
                        "detail": f"{stage}: its worker stopped responding past the {timeout_s:g}-second limit per "
                                  "document and was replaced (WEBFACTS_DOCUMENT_TIMEOUT_S)"}


def _clean_row(doc_id: str, content: str, content_type: str, source_uri: str | None) -> tuple[str, dict]:
    try:
        doc = clean_document(content, content_type, source_uri)
    except Exception as exc:  # noqa: BLE001  the HTML itself is beyond the cleaners
        return "rejected", {"doc_id": doc_id, "reason": "parse_error", "detail": f"{type(exc).__name__}: {exc}"}
    doc = with_source_url(doc, source_uri)
    n_words = word_count(doc.text)
    if n_words < MIN_WORDS:
        return "rejected", {"doc_id": doc_id, "reason": "no_main_content",
                            "detail": f"{n_words} words of article text after cleaning (need {MIN_WORDS})"}
    return "ok", {
        "doc_id": doc_id, "url": doc.url, "site": doc.site, "title": doc.title, "author": doc.author,
        "published_date": doc.published_date, "language": detect_language(doc.text), "text": doc.text,
        "word_count": n_words,
    }
