"""The trained relation layer on tiny documents we wrote (never dataset text)."""
import json

import polars as pl

from pipeline import relation_model as rm
from pipeline.extract import document_rows, extract_documents
from pipeline.extract import _triggers
from pipeline.mentions import document_mentions
from pipeline.registry import load_registry
from pipeline.relations import extract_relations

LIFESPAN = "Tomas Vikberg (12 May 1901 – 3 June 1975) was a Norwegian painter."
FOUNDING = "Olu Adebayo founded Riverbend Records in 1999. The label is based in Lagos."


def test_model_file_loads_with_its_sidecar():
    model = rm.load_model()
    assert model.version == rm.MODEL_VERSION
    assert rm.MODEL_PATH.stat().st_size < 5_000_000
    assert len(model.predicates) == len(model.thresholds) == len(model.bias)
    meta = rm.model_metadata()
    assert {"training_data", "command", "seed", "trained_at", "predicates_cv"} <= set(meta)
    assert "test" not in json.dumps(meta["training_data"]["counts"])


def test_features_are_deterministic(nlp):
    assert rm.feature_index("T:PERSON>DATE") == rm.feature_index("T:PERSON>DATE") < rm.N_FEATURES
    first = rm.document_candidates(nlp(LIFESPAN), document_mentions(nlp(LIFESPAN)), load_registry())
    again = rm.document_candidates(nlp(LIFESPAN), document_mentions(nlp(LIFESPAN)), load_registry())
    assert first == again and first[0]


def test_date_range_gives_each_date(nlp):
    doc = nlp(LIFESPAN)
    assert {a.name for a in rm.document_args(doc, document_mentions(doc)) if a.type == "DATE"} == {
        "1901-05-12", "1975-06-03"}


def test_clear_sentence_yields_the_models_fact(nlp):
    doc = nlp("Vest Holding has a subsidiary, Nordlys Bank.")   # a construction no rule frame reads
    _, rows = document_rows("0" * 16, doc, None, _triggers())
    facts = {(r["subject_name"], r["predicate"], r["object_name"]): r for r in rows}
    found = facts[("Nordlys Bank", "parent_organization", "Vest Holding")]
    assert found["extractor"] == f"model:{rm.MODEL_VERSION}" and 0.5 <= found["confidence"] < 1
    assert found["sentence"] == "Vest Holding has a subsidiary, Nordlys Bank."


def test_life_span_gives_date_of_death_at_the_calibrated_threshold(nlp):
    """The pipeline's HOUSE_FLOORS hold date_of_death back for now; the model itself reads it."""
    doc = nlp(LIFESPAN)
    mentions = document_mentions(doc)
    found = {(e.predicate, e.subject.text, e.object.text): e for e in rm.model_extractions(
        doc, mentions, None, extract_relations(doc, mentions), rm.RelationModel(rm.MODEL_PATH, {}))}
    assert found[("date_of_death", "Tomas Vikberg", "1975-06-03")].extractor.startswith("model:")
    assert ("date_of_birth", "Tomas Vikberg", "1901-05-12") not in found   # the lifespan rule gave it


def test_rules_win_where_they_fire(nlp):
    doc = nlp(FOUNDING)
    mentions = document_mentions(doc)
    alone = {(e.predicate, e.subject.text, e.object.text) for e in rm.load_model().extract(doc, mentions, None,
                                                                                           min_confidence=0.0)}
    assert ("founded_by", "Riverbend Records", "Olu Adebayo") in alone   # the model would say it too
    _, rows = document_rows("0" * 16, doc, None, _triggers())
    founded = [r for r in rows if (r["predicate"], r["subject_name"], r["object_name"])
               == ("founded_by", "Riverbend Records", "Olu Adebayo")]
    assert [r["extractor"] for r in founded] == ["founded_by:verb_active:found"]


def test_single_valued_predicate_a_rule_filled_takes_no_model_object(nlp):
    doc = nlp(LIFESPAN)
    mentions = document_mentions(doc)
    rules = extract_relations(doc, mentions)
    extra = rm.model_extractions(doc, mentions, None, rules)
    assert not [e for e in extra if e.predicate == "date_of_birth"]


def test_model_loads_once_for_many_documents(monkeypatch):
    calls = []
    real_init = rm.RelationModel.__init__

    def counting_init(self, path):
        calls.append(path)
        real_init(self, path)

    monkeypatch.setattr(rm.RelationModel, "__init__", counting_init)
    rm.load_model.cache_clear()
    texts = [LIFESPAN, FOUNDING, "Ada Kerr studied at Northfield University.", "Nothing here."]
    cleaned = pl.DataFrame({"doc_id": [f"{i:016x}" for i in range(len(texts))], "text": texts,
                            "author": [None] * len(texts)})
    _, extractions, _ = extract_documents(cleaned)
    assert extractions.height > 0
    assert len(calls) == 1
    rm.load_model.cache_clear()


def test_the_models_facts_are_stated_as_the_sentence_states_the_pair(nlp):
    rows = {r["modality"] for r in document_rows("0" * 16, nlp("Nordlys Bank may become a subsidiary of Vest Holding."),
                                                   None, _triggers())[1] if r["extractor"].startswith("model:")}
    assert rows == {"hedged"}
    plain = document_rows("0" * 16, nlp("Vest Holding has a subsidiary, Nordlys Bank."), None, _triggers())[1]
    assert {r["modality"] for r in plain if r["extractor"].startswith("model:")} == {"asserted"}


def test_a_rule_fact_overrides_the_models_membership_of_the_same_pair(nlp):
    doc = nlp("The league match ended in a draw and the season goes on. Chelsea's John Terry is out.")
    mentions = document_mentions(doc)
    rules = extract_relations(doc, mentions)
    pair = ("John Terry", "Chelsea")
    assert ("member_of_sports_team", *pair) in {(e.predicate, e.subject.text, e.object.text) for e in rules}
    alone = rm.load_model().extract(doc, mentions, None)
    assert ("member_of", *pair) in {(e.predicate, e.subject.text, e.object.text) for e in alone}  # it would
    extra = rm.model_extractions(doc, mentions, None, rules)
    assert ("member_of", *pair) not in {(e.predicate, e.subject.text, e.object.text) for e in extra}


def test_the_model_names_no_spouse_where_the_sentences_never_speak_of_a_marriage(nlp):
    model = rm.load_model()
    def spouses(text):
        doc = nlp(text)
        return {(e.subject.text, e.object.text) for e in model.extract(doc, document_mentions(doc), min_confidence=0.0)
                if e.predicate == "spouse"}
    assert not spouses("Walter Hale was assistant to John Ferrie at the World Cup in Spain in 1982.")  # any score
    assert spouses("Walter Hale married Jane Ferrie in Spain in 1982.")
