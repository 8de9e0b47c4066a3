"""Unit tests for the chunking, alignment and metric of bench/eval_ner.py (no dataset needed).

Run: /work/main/.venv/bin/pytest bench/test_eval_ner_metric.py
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_ner import (  # noqa: E402
    Scorer,
    TokenIndex,
    chunks,
    error_patterns,
    parse_conll,
    place_spans,
    prf,
    spans_to_tags,
)


# --- chunk extraction (conlleval rules) ---------------------------------------
def test_chunks_iob2():
    tags = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "O", "B-MISC"]
    assert chunks(tags) == [("PER", 0, 2), ("LOC", 3, 4), ("LOC", 4, 6), ("MISC", 7, 8)]


def test_chunks_iob1_gives_same_spans():
    # IOB1: I- opens a chunk; B- only separates two adjacent chunks of one type.
    iob1 = ["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-LOC", "O", "I-MISC"]
    iob2 = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "O", "B-MISC"]
    assert chunks(iob1) == chunks(iob2)


def test_chunks_type_change_inside_i_run_splits():
    # conlleval: I-ORG right after I-PER starts a new chunk.
    assert chunks(["B-PER", "I-PER", "I-ORG", "I-ORG"]) == [("PER", 0, 2), ("ORG", 2, 4)]


def test_chunks_edge_cases():
    assert chunks([]) == []
    assert chunks(["O", "O"]) == []
    assert chunks(["I-ORG"]) == [("ORG", 0, 1)]                 # stray I- opens a chunk
    assert chunks(["O", "B-ORG"]) == [("ORG", 1, 2)]            # chunk ending at sentence end
    assert chunks(["S-PER", "B-LOC", "E-LOC"]) == [("PER", 0, 1), ("LOC", 1, 3)]  # IOBES


def test_spans_to_tags_round_trip():
    spans = [("PER", 0, 2), ("PER", 2, 3), ("ORG", 5, 6)]
    tags = spans_to_tags(spans, 6)
    assert tags == ["B-PER", "I-PER", "B-PER", "O", "O", "B-ORG"]
    assert chunks(tags) == spans


# --- P / R / F1 ---------------------------------------------------------------------
def test_prf_basic_and_degenerate():
    assert prf(1, 1, 1) == pytest.approx((0.5, 0.5, 0.5))
    assert prf(3, 1, 0) == pytest.approx((0.75, 1.0, 6 / 7))
    assert prf(0, 0, 5) == (0.0, 0.0, 0.0)   # nothing found: conlleval prints 0
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)


def test_scorer_exact_span_and_type():
    gold = chunks(["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "I-ORG"])
    pred = [
        ("PER", 0, 2),   # exact: tp
        ("ORG", 3, 4),   # right span, wrong type: fp ORG + fn LOC
        ("ORG", 5, 6),   # boundary error: fp ORG + fn ORG
    ]
    s = Scorer()
    s.add(gold, pred)
    r = s.result()
    assert (r["tp"], r["fp"], r["fn"]) == (1, 2, 2)
    assert r["P"] == pytest.approx(1 / 3)
    assert r["R"] == pytest.approx(1 / 3)
    assert r["F1"] == pytest.approx(1 / 3)
    assert r["per_type"]["PER"]["F1"] == 1.0
    assert r["per_type"]["LOC"] == {"tp": 0, "fp": 0, "fn": 1, "P": 0.0, "R": 0.0, "F1": 0.0}
    assert r["per_type"]["ORG"]["fp"] == 2 and r["per_type"]["ORG"]["fn"] == 1
    assert r["per_type"]["MISC"]["F1"] == 0.0
    c = r["confusion"]
    assert c["PER"]["PER"] == 1 and c["LOC"]["ORG"] == 1
    assert c["ORG"]["O"] == 1 and c["O"]["ORG"] == 1   # the boundary error, seen span by span


def test_scorer_is_micro_over_sentences():
    s = Scorer()
    s.add([("PER", 0, 1)], [("PER", 0, 1)])
    s.add([("LOC", 0, 1), ("LOC", 2, 3), ("LOC", 4, 5)], [])
    r = s.result()
    assert (r["tp"], r["fp"], r["fn"]) == (1, 0, 3)
    assert r["P"] == 1.0 and r["R"] == pytest.approx(0.25) and r["F1"] == pytest.approx(0.4)


# --- reading CoNLL ----------------------------------------------------------------
CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP B-LOC
"""


def test_parse_conll_documents_and_sentences():
    docs = parse_conll(CONLL.splitlines(keepends=True))
    assert len(docs) == 2
    assert [s.tokens for s in docs[0].sentences] == [["EU", "rejects", "German", "call"], ["Peter", "Blackburn"]]
    assert docs[0].sentences[1].tags == ["B-PER", "I-PER"]
    assert docs[1].sentences[0].tokens == ["BRUSSELS"] and docs[1].doc_id == 1


# --- character spans -> CoNLL tokens ------------------------------------------------
def test_token_index_text_and_offsets():
    idx = TokenIndex([["EU", "rejects", "German"], ["Peter", "Blackburn"]])
    assert idx.text == "EU rejects German\nPeter Blackburn"
    assert idx.token_spans(0, 2) == [(0, 0, 1)]
    assert idx.token_spans(18, 33) == [(1, 0, 2)]                 # "Peter Blackburn"
    assert idx.token_spans(11, 15) == [(0, 2, 3)]                 # "Germ": partial token expands
    assert idx.token_spans(11, 23) == [(0, 2, 3), (1, 0, 1)]      # crosses "\n": one piece per sentence
    assert idx.token_spans(2, 3) == []                            # whitespace only


def test_place_spans_drops_later_overlaps():
    idx = TokenIndex([["Bre-X", "Minerals", "Ltd"]])
    # spaCy may split "Bre-X" and tag "Bre" and "X-Minerals" parts separately.
    preds = [(0, 3, "ORG"), (4, 20, "ORG"), (0, 20, "ORG")]
    per_sent, dropped = place_spans(idx, preds)
    assert per_sent == [[("ORG", 0, 3)]]   # longest of the spans starting first wins
    assert dropped == 2


def test_error_patterns():
    tokens = ["Sheffield", "beat", "Leeds", "in", "New", "York", "City", "."]
    gold = [("ORG", 0, 1), ("ORG", 2, 3), ("LOC", 4, 7)]
    pred = [("LOC", 0, 1), ("LOC", 4, 6), ("PER", 7, 8)]
    assert sorted(error_patterns(tokens, gold, pred)) == sorted([
        ("type", "ORG", "LOC", "Sheffield"),
        ("missed", "ORG", "O", "Leeds"),
        ("boundary", "LOC", "LOC", "New York City -> New York"),
        ("spurious", "O", "PER", "."),
    ])


def test_the_blind_entity_sample_leaves_out_every_gold_and_development_article():
    from bbc_blind_entities_sample import blind_entities_sample
    from bbc_blind_sample import BBC, blind_sample, development_reads
    from bbc_sample import sample
    if not BBC.is_dir():
        pytest.skip(f"{BBC} is absent (../shared not beside the repo)")
    drawn = blind_entities_sample()
    assert len(drawn) == len(set(drawn)) == 20 and drawn == blind_entities_sample()
    assert not set(drawn) & (set(sample()) | set(blind_sample()) | development_reads()
                             | development_reads("dev_read_after_draw.txt"))
    import bbc_gold  # the draw repeats: the files it reads are frozen (later reads go elsewhere)
    assert sorted(drawn) == sorted(g["doc"] for g in bbc_gold.load_gold("entities_blind"))
