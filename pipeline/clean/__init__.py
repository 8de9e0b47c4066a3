"""Raw documents to cleaned article text with metadata and language.

HTML goes through trafilatura (html.py, with the DOM surgery of dom.py before and after it and the page head
read by metadata.py); plain-text dumps through our own boilerplate rules (text_dumps.py: trafilatura returns
nothing for them). Both then share the line rules (lines.py, their regexes in patterns.py), each checked by
the content-loss guard (guard.py). batch.py cleans a frame of raw documents in the worker pool.
"""
from pipeline.clean.batch import (CLEANED_SCHEMA, REJECTED_SCHEMA, clean_document, clean_documents, clean_row,
                                  clean_rows, detect_language, timed_out, with_source_url)
from pipeline.clean.guard import ContentGuard, enabled, rules_disabled
from pipeline.clean.html import (HUGE_PAGE_CHARS, PAGE_RULES, POST_RULES, Extraction, clean_html, extract_html,
                                 finish_html)
from pipeline.clean.metadata import clean_author, clean_title, html_metadata
from pipeline.clean.text import MIN_WORDS, Cleaned, more_words_than, normalize, word_count
from pipeline.clean.text_dumps import clean_plain_text

__all__ = [
    "CLEANED_SCHEMA", "HUGE_PAGE_CHARS", "MIN_WORDS", "PAGE_RULES", "POST_RULES", "REJECTED_SCHEMA", "Cleaned",
    "ContentGuard", "Extraction", "clean_author", "clean_document", "clean_documents", "clean_html",
    "clean_plain_text", "clean_row", "clean_rows", "clean_title", "detect_language", "enabled", "extract_html",
    "finish_html", "html_metadata", "more_words_than", "normalize", "rules_disabled", "timed_out",
    "with_source_url", "word_count",
]
