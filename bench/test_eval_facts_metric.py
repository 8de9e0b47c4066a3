"""Unit tests for the matching and scoring functions of bench/eval_facts.py (no dataset, no spaCy).

Run: /work/main/.venv/bin/pytest bench/test_eval_facts_metric.py
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_facts import (  # noqa: E402
    Counts,
    GoldDoc,
    OffsetMap,
    Pred,
    SystemSpan,
    build_text,
    dates_compatible,
    dedupe_preds,
    fn_cause,
    fp_cause,
    gold_date,
    join_tokens,
    max_matching,
    micro,
    normalize_name,
    prf,
    relation_counts,
    round_robin_sample,
    score_document,
)

REL_NAMES = {"P57": "director", "P577": "publication date", "P26": "spouse", "P19": "place of birth",
             "P131": "located in the administrative territorial entity", "P17": "country"}


def mention(name, sent, start, end, typ="MISC"):
    return {"name": name, "sent_id": sent, "pos": [start, end], "type": typ}


# A tiny DocRED-style document:
# 0: Tides is a 2010 film directed by Jane Doe .
# 1: Doe married John Roe on May 3 , 2012 .
# 2: The film premiered in Paris .
DOC = {
    "title": "Tides",
    "sents": [
        ["Tides", "is", "a", "2010", "film", "directed", "by", "Jane", "Doe", "."],
        ["Doe", "married", "John", "Roe", "on", "May", "3", ",", "2012", "."],
        ["The", "film", "premiered", "in", "Paris", "."],
    ],
    "vertexSet": [
        [mention("Tides", 0, 0, 1)],                                          # 0 work
        [mention("2010", 0, 3, 4, "TIME")],                                  # 1 date
        [mention("Jane Doe", 0, 7, 9, "PER"), mention("Doe", 1, 0, 1, "PER")],  # 2 person
        [mention("John Roe", 1, 2, 4, "PER")],                               # 3 person
        [mention("May 3, 2012", 1, 5, 9, "TIME")],                           # 4 date
        [mention("Paris", 2, 4, 5, "LOC")],                                   # 5 place
    ],
    "labels": [
        {"h": 0, "t": 2, "r": "P57", "evidence": [0]},
        {"h": 0, "t": 1, "r": "P577", "evidence": [0]},
        {"h": 2, "t": 3, "r": "P26", "evidence": [1]},
        {"h": 0, "t": 5, "r": "P17", "evidence": [2]},      # not a registry relation here
    ],
}
RELS = {"P57", "P577", "P26", "P19"}


def pred(wid, s, o, st="WORK", ot="PERSON", conf=0.9):
    return Pred(wid, {"P57": "director", "P577": "publication_date", "P26": "spouse",
                      "P19": "place_of_birth"}.get(wid, wid), s, st, o, ot, confidence=conf)


# --- text construction and offsets -------------------------------------------
def test_join_tokens_spaces_offsets():
    text, offs = join_tokens(["Tides", ",", "by", "Jane"])
    assert text == "Tides , by Jane"
    assert [text[a:b] for a, b in offs] == ["Tides", ",", "by", "Jane"]


def test_join_tokens_detok():
    toks = ["He", "said", '"', "Loud", '"', "(", "2010", ")", "is", "Rihanna", "'s", "co", "-", "star", ",", "ok", "."]
    text, offs = join_tokens(toks, detok=True)
    assert text == 'He said "Loud" (2010) is Rihanna\'s co-star, ok.'
    assert [text[a:b] for a, b in offs] == toks


def test_build_text_and_offset_map():
    text, spans = build_text(DOC["sents"])
    assert text.split("\n")[1] == "Doe married John Roe on May 3 , 2012 ."
    om = OffsetMap(spans)
    a, b = om.char_span(1, 2, 4)
    assert text[a:b] == "John Roe"
    assert om.tokens(a, b) == [(1, 2), (1, 3)]
    assert om.sentence_of(text.index("Paris"), text.index("Paris") + 5) == 2
    assert om.tokens(spans[0][-1][1], spans[1][0][0]) == []  # the separator belongs to no token
    text2, spans2 = build_text(DOC["sents"], detok=True, sep=" ")
    a, b = OffsetMap(spans2).char_span(1, 5, 9)
    assert text2[a:b] == "May 3, 2012"


# --- name and date normalisation ---------------------------------------------
@pytest.mark.parametrize("a,b", [
    ("Jane  Doe", "jane doe"),
    ("U.S. Army", "US Army"),
    ("Cleanin ' Out My Closet", "Cleanin' Out My Closet"),
    ("I , Frankenstein", "I, Frankenstein"),
    ("seventh - highest", "seventh-highest"),
    ("A Young Doctor 's Notebook", "A Young Doctor's Notebook"),
    ("O'Brien", "O ' Brien"),
    ("Ｔｉｄｅｓ", "Tides"),  # NFKC
])
def test_normalize_name_equal(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_normalize_name_keeps_articles_unless_lenient():
    assert normalize_name("The Loud Tour") != normalize_name("Loud Tour")
    assert normalize_name("The Loud Tour", lenient=True) == normalize_name("Loud Tour", lenient=True)
    assert normalize_name("Theodore", lenient=True) == "theodore"


@pytest.mark.parametrize("text,iso", [
    ("July 15 , 1895", "1895-07-15"),
    ("15 April 2007", "2007-04-15"),
    ("March 2008", "2008-03"),
    ("2010", "2010"),
    ("the 1990 season", "1990"),
    ("the 1920s", None),
    ("six months", None),
])
def test_gold_date(text, iso):
    assert gold_date(text) == iso


def test_dates_compatible():
    assert dates_compatible("2010", "2010")
    assert dates_compatible("2010", "2010-05-03")
    assert dates_compatible("2010-05-03", "2010")
    assert dates_compatible("2010-05", "2010-05-03")
    assert not dates_compatible("2010-05-03", "2010-06-01")
    assert not dates_compatible("2010", "2011")
    assert not dates_compatible("201", "2010")
    assert not dates_compatible("Tides", "2010")


def test_entity_matching_any_mention_and_dates():
    gold = GoldDoc(DOC, RELS)
    assert gold.entity_matches("Doe") == {2}          # second mention of Jane Doe
    assert gold.entity_matches("JANE DOE") == {2}
    assert gold.entity_matches("Jane") == set()       # no partial credit
    assert gold.entity_partial_matches("Jane") == {2}
    assert gold.entity_matches("2012-05-03", "DATE") == {4}
    assert gold.entity_matches("2012", "DATE") == {4}
    assert gold.entity_matches("2012", "STRING") == set()  # only DATE values get the date rule
    assert gold.entity_matches("2010-01-01", "DATE") == {1}  # gold "2010" is year-level


def test_gold_restricted_to_registry_relations():
    gold = GoldDoc(DOC, RELS)
    assert gold.triples == [(2, "P26", 3), (0, "P57", 2), (0, "P577", 1)]
    assert gold.relations_between[(0, 5)] == {"P17"}
    assert gold.co_sentences(0, 2) == [0]
    assert gold.co_sentences(0, 5) == []


# --- scoring --------------------------------------------------------------------
def test_dedupe_keeps_most_confident():
    a = pred("P57", "Tides", "Jane Doe", conf=0.5)
    b = pred("P57", "Tides", "Jane Doe", conf=0.9)
    assert dedupe_preds([a, b]) == [b]
    assert len(dedupe_preds([a, pred("P57", "Tides", "Doe")])) == 2


def test_max_matching_prefers_full_assignment():
    # greedy would give g1 to pred 0 and leave pred 1 unmatched
    assert max_matching([["g1", "g2"], ["g1"]]) == {0: "g2", 1: "g1"}
    assert max_matching([[], ["g1"], ["g1"]]) in ({1: "g1"}, {2: "g1"})


def test_score_document_counts():
    gold = GoldDoc(DOC, RELS)
    preds = [
        pred("P57", "Tides", "Jane Doe"),
        pred("P57", "Tides", "Jane Doe", conf=0.5),         # identical: deduplicated
        pred("P57", "Tides", "Doe"),                         # same gold via another mention: duplicate
        pred("P577", "Tides", "2010-09-01", ot="DATE"),      # year-level date match
        pred("P26", "John Roe", "Jane Doe", "PERSON"),       # reversed
        pred("P19", "Jane Doe", "Paris", "PERSON", "PLACE"),  # no gold
    ]
    score = score_document(gold, preds)
    assert len(score.preds) == 5
    statuses = [score.status(i) for i in range(5)]
    assert statuses.count("correct") == 2 and statuses.count("duplicate") == 1
    assert score.found == {(0, "P57", 2), (0, "P577", 1)}
    counts = relation_counts(gold, score)
    assert (counts["P57"].gold, counts["P57"].predicted, counts["P57"].correct, counts["P57"].duplicate) == (1, 2, 1, 1)
    assert (counts["P26"].gold, counts["P26"].predicted, counts["P26"].correct) == (1, 1, 0)
    assert (counts["P19"].gold, counts["P19"].predicted, counts["P19"].correct) == (0, 1, 0)
    total = micro(counts, RELS)
    assert (total.gold, total.predicted, total.correct) == (3, 5, 2)
    m = total.row()
    assert m["P"] == pytest.approx(2 / 5) and m["R"] == pytest.approx(2 / 3)
    assert m["F1"] == pytest.approx(2 * (2 / 5) * (2 / 3) / (2 / 5 + 2 / 3))


def test_wrong_predicate_or_argument_is_not_correct():
    gold = GoldDoc(DOC, RELS)
    score = score_document(gold, [pred("P57", "Tides", "John Roe"), pred("P26", "Tides", "Jane Doe")])
    assert score.found == set()


def test_lenient_article_matching():
    doc = {**DOC, "vertexSet": [[mention("Loud Tour", 0, 0, 1)], *DOC["vertexSet"][1:]]}
    gold = GoldDoc(doc, RELS)
    p = [pred("P57", "The Loud Tour", "Jane Doe")]
    assert score_document(gold, p).found == set()
    assert score_document(gold, p, lenient=True).found == {(0, "P57", 2)}


def test_fp_causes():
    gold = GoldDoc(DOC, RELS)
    preds = [pred("P57", "Tides", "Jane Doe"), pred("P57", "Tides", "Doe"),
             pred("P26", "John Roe", "Jane Doe", "PERSON"), pred("P19", "Tides", "Paris", "WORK", "PLACE"),
             pred("P19", "Jane Doe", "Paris", "PERSON", "PLACE"), pred("P19", "Jane Doe", "Berlin", "PERSON", "PLACE"),
             pred("P57", "Tides", "Jane")]
    score = score_document(gold, preds)
    causes = {(p.wikidata, p.subject, p.object): fp_cause(gold, score, i, REL_NAMES)[0]
              for i, p in enumerate(score.preds) if score.status(i) != "correct"}
    assert causes == {
        ("P57", "Tides", "Doe"): "duplicate",
        ("P26", "John Roe", "Jane Doe"): "reversed",
        ("P19", "Tides", "Paris"): "other_relation",      # gold has P17 between them
        ("P19", "Jane Doe", "Paris"): "pair_unannotated",
        ("P19", "Jane Doe", "Berlin"): "argument_not_gold",
        ("P57", "Tides", "Jane"): "name_mismatch",
    }


def test_prf_edge_cases():
    assert prf(0, 0, 0) == {"P": 0.0, "R": 0.0, "F1": 0.0}
    assert prf(0, 5, 0)["P"] == 0.0
    assert prf(3, 3, 6) == pytest.approx({"P": 1.0, "R": 0.5, "F1": 2 / 3})
    c = Counts(gold=4, predicted=2, correct=1)
    c.add(Counts(gold=1, predicted=2, correct=1))
    assert c.row()["P"] == pytest.approx(0.5) and c.row()["R"] == pytest.approx(0.4)


def test_round_robin_sample_spreads_relations():
    items = [{"predicate": "located_in", "i": i} for i in range(50)] + [{"predicate": "spouse", "i": 0},
                                                                         {"predicate": "author", "i": 0}]
    sample = round_robin_sample(items, 5, seed=1)
    assert len(sample) == 5
    assert {x["predicate"] for x in sample} == {"located_in", "spouse", "author"}
    assert round_robin_sample(items, 5, seed=1) == sample


def test_fp_cause_coref():
    gold = GoldDoc(DOC, RELS)
    p = Pred("P19", "place_of_birth", "Tides", "WORK", "Paris", "PLACE", via_coref=True)
    score = score_document(gold, [p])
    cause, detail = fp_cause(gold, score, 0, REL_NAMES)
    assert cause == "coref_antecedent" and "other_relation" in detail


TYPES = {"P57": (frozenset({"WORK"}), frozenset({"PERSON"}), frozenset()),
         "P577": (frozenset({"WORK"}), frozenset({"DATE"}), frozenset()),
         "P26": (frozenset({"PERSON"}), frozenset({"PERSON"}), frozenset()),
         "P19": (frozenset({"PERSON"}), frozenset({"PLACE"}), frozenset()),
         "P131": (frozenset({"PLACE", "ORG"}), frozenset({"PLACE"}), frozenset())}


def _spans(text, spans, items):
    """SystemSpans by gold sentence for (surface, type) items, found by text search."""
    om = OffsetMap(spans)
    out = {}
    for surface, typ in items:
        a = text.index(surface)
        out.setdefault(om.sentence_of(a, a + len(surface)), []).append(SystemSpan(a, a + len(surface), typ, None, surface))
    return out, om


def test_fn_causes():
    doc = {**DOC, "labels": DOC["labels"] + [{"h": 3, "t": 5, "r": "P19", "evidence": []},
                                               {"h": 5, "t": 0, "r": "P131", "evidence": []}]}
    gold = GoldDoc(doc, RELS | {"P131"})
    text, spans = build_text(doc["sents"])
    score = score_document(gold, [])

    def cause(g, items):
        by_sent, om = _spans(text, spans, items)
        return fn_cause(gold, score, g, by_sent, om, TYPES, REL_NAMES)[0]

    assert cause((0, "P57", 2), []) == "entity_not_detected"
    assert cause((0, "P57", 2), [("Tides", "PERSON"), ("Jane Doe", "PERSON")]) == "type_mismatch"
    assert cause((0, "P57", 2), [("Tides", "WORK"), ("Jane Doe", "PERSON")]) == "no_rule_fired"
    assert cause((3, "P19", 5), [("John Roe", "PERSON"), ("Paris", "PLACE")]) == "cross_sentence"
    assert cause((5, "P131", 0), []) == "registry_scope"    # tail is MISC, located_in wants a PLACE
    found = score_document(gold, [pred("P57", "Tides", "Jane")])
    by_sent, om = _spans(text, spans, [])
    assert fn_cause(gold, found, (0, "P57", 2), by_sent, om, TYPES, REL_NAMES)[0] == "name_mismatch"
    other = score_document(gold, [pred("P162", "Tides", "Jane Doe")])
    assert fn_cause(gold, other, (0, "P57", 2), by_sent, om, TYPES, REL_NAMES)[0] == "other_predicate"


def test_the_blind_sample_never_draws_a_gold_or_a_development_article():
    from bbc_blind_sample import BBC, blind_sample, development_reads
    from bbc_sample import sample
    if not BBC.is_dir():
        pytest.skip(f"{BBC} is absent (../shared not beside the repo)")
    drawn = blind_sample()
    assert len(drawn) == len(set(drawn)) == 20 and drawn == blind_sample()
    assert not set(drawn) & (set(sample()) | development_reads())


def test_news_gold_counts_a_spouse_named_both_ways_once():
    import bbc_gold
    gold = [{"doc": "d", "facts": [{"s": "Ana Ruiz", "p": "spouse", "o": "Tom Vale"}]}]
    rows = [{"subject": s, "predicate": "spouse", "object": o, "confidence": 0.9}
            for s, o in (("Tom Vale", "Ana Ruiz"), ("Ana Ruiz", "Tom Vale"))]
    result = bbc_gold.score_facts(gold, {"d": rows}, {})
    assert (result["correct"], result["predicted"], result["gold"]) == (1, 1, 1)
    wrong_way = bbc_gold.score_facts(gold, {"d": [dict(rows[0], predicate="employer")]}, {})
    assert wrong_way["correct"] == 0


def test_knowledgenet_text_match_takes_a_nationality_or_party_adjective():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.knowledgenet import text_matches
    assert text_matches("Republican Party", "ORG", {"Republican"})
    assert text_matches("Japan", "PLACE", {"Japanese"})
    assert not text_matches("Labour Party", "ORG", {"Republican"})
