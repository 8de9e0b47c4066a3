"""Unit tests for the metric functions of bench/eval_clean.py (no datasets needed).

Run: /work/main/.venv/bin/pytest bench/test_eval_clean_metric.py
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_clean import (  # noqa: E402
    decode_html,
    ngrams,
    page_p,
    page_r,
    shingle_match,
    snippet_counts,
    snippet_metrics,
    tokenize,
    zyte_accuracy,
    zyte_metrics,
)

TEXT = "The quick brown fox jumps over the lazy dog near the river bank"


# --- Zyte shingle metric -----------------------------------------------------
def test_tokenize_keeps_case_and_unicode():
    assert tokenize("Hello, wörld! C'est 3.5") == ["Hello", "wörld", "C", "est", "3", "5"]
    assert tokenize(None) == []


def test_ngrams_short_and_empty_texts():
    assert ngrams("a b c d e") == [("a", "b", "c", "d"), ("b", "c", "d", "e")]
    assert ngrams("a b") == [("a", "b")]  # fewer than 4 tokens: one short shingle
    assert ngrams("") == []
    assert ngrams("  ,;  ") == []


def test_identical_text_scores_one():
    x = shingle_match(TEXT, TEXT)
    assert x == (1.0, 0.0, 0.0)
    assert zyte_metrics([x]) == {"P": 1.0, "R": 1.0, "F1": 1.0}
    assert zyte_accuracy(TEXT, TEXT) == 1.0
    assert zyte_accuracy(TEXT, TEXT + " extra") == 0.0


def test_whitespace_and_punctuation_do_not_matter():
    assert shingle_match("a b c d e", "a, b.\n\nc -- d e!") == (1.0, 0.0, 0.0)
    assert zyte_accuracy("a b c d e", "a, b.\n\nc -- d e!") == 1.0


def test_case_matters():
    tp, fp, fn = shingle_match("a b c d", "A b c d")
    assert tp == 0 and fp == fn == 0.5


def test_disjoint_text_scores_zero():
    x = shingle_match(TEXT, "completely different words that share nothing at all here")
    assert x[0] == 0.0
    assert page_p(*x) == 0.0 and page_r(*x) == 0.0
    assert zyte_metrics([x]) == {"P": 0.0, "R": 0.0, "F1": 0.0}


def test_partial_overlap_is_normalised_per_page():
    # truth: 5 tokens -> 2 shingles; pred adds one token -> 3 shingles, 2 shared
    tp, fp, fn = shingle_match("a b c d e", "a b c d e f")
    assert (tp, fp, fn) == pytest.approx((2 / 3, 1 / 3, 0.0))
    assert page_p(tp, fp, fn) == pytest.approx(2 / 3)
    assert page_r(tp, fp, fn) == 1.0


def test_shingles_are_multisets():
    # pred shingles: abcd x2, bcda, cdab, dabc; truth: abcd x1
    # -> the second abcd is a false positive: tp=1, fp=4
    tp, fp, fn = shingle_match("a b c d", "a b c d a b c d")
    assert page_p(tp, fp, fn) == pytest.approx(1 / 5)
    assert page_r(tp, fp, fn) == 1.0


def test_empty_output_is_left_out_of_precision_and_scores_zero_recall():
    x = shingle_match(TEXT, "")
    assert x == (0.0, 0.0, 1.0)
    assert page_p(*x) is None  # not averaged into P
    assert page_r(*x) == 0.0
    good = shingle_match(TEXT, TEXT)
    m = zyte_metrics([good, x])
    assert m["P"] == 1.0  # only the page with output counts for P
    assert m["R"] == 0.5
    assert m["F1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_none_output_equals_empty_output():
    assert shingle_match(TEXT, None) == shingle_match(TEXT, "")


def test_empty_truth_and_empty_output_is_left_out_of_both():
    x = shingle_match("", "")
    assert x == (0.0, 0.0, 0.0)
    assert page_p(*x) is None and page_r(*x) is None
    assert zyte_metrics([x, shingle_match("a b c d", "a b c d")]) == {"P": 1.0, "R": 1.0, "F1": 1.0}
    assert zyte_accuracy("", "") == 1.0


def test_f1_is_from_averaged_p_and_r_not_mean_of_page_f1():
    a = shingle_match("a b c d", "a b c d x y z w")  # P=1/5 (1 of 5 shingles), R=1
    b = shingle_match("a b c d e f g", "a b c d")  # P=1, R=1/4
    m = zyte_metrics([a, b])
    p = (page_p(*a) + page_p(*b)) / 2
    r = (page_r(*a) + page_r(*b)) / 2
    assert m["P"] == pytest.approx(p) and m["R"] == pytest.approx(r)
    assert m["F1"] == pytest.approx(2 * p * r / (p + r))


# --- trafilatura-eval snippet metric -------------------------------------------
ITEM = {"with": ["main text here", "second  chunk"], "without": ["Imprint", "cookie banner"]}


def test_snippets_all_found_and_none_leaked():
    assert snippet_counts(ITEM, "Title\nmain  text\nhere and a second chunk.") == (2, 0, 0, 2)


def test_snippet_whitespace_normalised_but_case_sensitive():
    assert snippet_counts({"with": ["a  b\nc"], "without": []}, "x a b c y") == (1, 0, 0, 0)
    assert snippet_counts({"with": ["Main"], "without": []}, "main") == (0, 0, 1, 0)


def test_snippet_false_positive():
    assert snippet_counts(ITEM, "main text here ... Imprint") == (1, 1, 1, 1)


def test_snippet_empty_or_missing_output_is_full_miss():
    assert snippet_counts(ITEM, None) == (0, 0, 2, 2)
    assert snippet_counts(ITEM, "") == (0, 0, 2, 2)


def test_snippet_metrics_micro_average():
    m = snippet_metrics([(6, 2, 3, 8)])
    assert (m["P"], m["R"], m["acc"], m["F1"]) == pytest.approx((6 / 8, 6 / 9, 14 / 19, 12 / 17))
    m2 = snippet_metrics([(2, 0, 0, 2), (0, 0, 2, 2)])  # summed, not averaged per page
    assert (m2["P"], m2["R"], m2["F1"], m2["acc"]) == pytest.approx((1.0, 0.5, 2 / 3, 0.75))


def test_snippet_metrics_empty_denominators():
    m = snippet_metrics([])
    assert (m["P"], m["R"], m["F1"], m["acc"]) == (0.0, 0.0, 0.0, 0.0)


# --- decoding --------------------------------------------------------------------
def test_decode_html_gzip_utf8_and_fallback():
    import gzip

    assert decode_html(gzip.compress("<p>Grüße</p>".encode("utf-8"))) == "<p>Grüße</p>"
    latin = "<html><body><p>Grüße aus Köln, schöne Straße</p></body></html>".encode("latin-1")
    assert "Köln" in decode_html(latin)
