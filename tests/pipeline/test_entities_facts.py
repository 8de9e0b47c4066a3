from datetime import datetime, timezone

import polars as pl

from pipeline.entities import entity_id_for, entity_lookup, name_key, resolve_entities
from pipeline.facts import aggregate_facts, resolve_claims
from pipeline.near_duplicates import SIGNATURE_SCHEMA, assign_clusters
from pipeline.extract import EXTRACTION_SCHEMA, MENTION_SCHEMA

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def mentions(rows):
    return pl.DataFrame([dict(zip(["doc_id", "surface", "name", "type"], r), ner_label="PERSON", kind=None,
                              sentence_index=0, start_char=0, end_char=1) for r in rows], schema=MENTION_SCHEMA)


def test_new_surname_joins_a_full_name_known_from_an_earlier_batch():
    known = pl.DataFrame({"type": ["PERSON"], "name": ["Kendrick Lamar"]})
    entities, _ = resolve_entities(mentions([("d9", "Lamar", "Lamar", "PERSON")]), known)
    assert entities["entity_id"].to_list() == [entity_id_for(name_key("Kendrick Lamar"))]


def test_cross_document_surname_joins_the_one_full_name_and_ids_are_stable():
    m = mentions([("d1", "Kendrick Lamar", "Kendrick Lamar", "PERSON"), ("d2", "Lamar", "Lamar", "PERSON"),
                  ("d2", "Lamar's", "Lamar", "PERSON"), ("d3", "lamar", "LAMAR", "PERSON")])
    entities, resolved = resolve_entities(m)
    assert entities.height == 1
    row = entities.row(0, named=True)
    assert row["name"] == "Kendrick Lamar" and row["entity_id"] == entity_id_for(name_key("Kendrick Lamar"))
    # every mention, in three documents, resolves to it (the warehouse counts them: tests/test_end_to_end.py)
    assert resolved["entity_id"].unique().to_list() == [row["entity_id"]] and resolved["doc_id"].n_unique() == 3
    assert set(resolved["surface"]) == {"Kendrick Lamar", "Lamar", "Lamar's", "lamar"}


def test_ambiguous_surname_stays_apart():
    m = mentions([("d1", "Anna Free", "Anna Free", "PERSON"), ("d1", "Dave Free", "Dave Free", "PERSON"),
                  ("d2", "Free", "Free", "PERSON")])
    entities, _ = resolve_entities(m)
    assert entities.height == 3


def claims_for(rows, clusters, modality=None, dates=None):
    """rows: (doc, subject, predicate, object, object type); modality: doc -> modality of its claims;
    dates: doc -> published_date."""
    ext = pl.DataFrame([dict(doc_id=d, predicate=p, subject_name=s, subject_type="WORK", object_name=o,
                             object_type=t, sentence_index=0, sentence="x", start_char=0, end_char=1,
                             extractor="r", confidence=0.9, modality=(modality or {}).get(d, "asserted"))
                        for d, s, p, o, t in rows], schema=EXTRACTION_SCHEMA)
    ments = mentions([(d, s, s, "WORK") for d, s, *_ in rows] +
                     [(d, o, o, "PERSON") for d, _, _, o, t in rows if t == "PERSON"])
    entities, resolved = resolve_entities(ments)
    claims = resolve_claims(ext, entity_lookup(resolved), entities)
    docs = pl.DataFrame({"doc_id": list(clusters), "cluster_id": list(clusters.values()),
                         "first_seen_at": [T0] * len(clusters),
                         "published_date": [(dates or {}).get(d) for d in clusters]})
    return claims, aggregate_facts(claims, docs)


def test_multi_valued_disjoint_sets_from_independent_sources_are_contested():
    rows = [("a", "Film", "director", "Dave Free", "PERSON"), ("a", "Film", "director", "Jake Schreier", "PERSON"),
            ("b", "Film", "director", "Kendrick Lamar", "PERSON")]
    _, facts = claims_for(rows, {"a": "a", "b": "b"})
    assert facts["contested"].all()


def test_overlapping_sets_and_syndicated_copies_are_not_contested_nor_independent():
    rows = [("a", "Film", "director", "Dave Free", "PERSON"), ("b", "Film", "director", "Dave Free", "PERSON"),
            ("c", "Film", "director", "Dave Free", "PERSON"), ("c", "Film", "director", "Jo Park", "PERSON")]
    _, facts = claims_for(rows, {"a": "a", "b": "a", "c": "c"})
    free = facts.filter(pl.col("object") == "Dave Free").row(0, named=True)
    assert (free["n_documents"], free["n_independent"]) == (3, 2)
    assert not facts["contested"].any()
    assert free["confidence"] == round(1 - 0.1 * 0.1, 4)  # two independent clusters, not three copies


def test_single_valued_conflict_but_coarser_date_agrees():
    rows = [("a", "Film", "publication_date", "2025-11-14", "DATE"), ("b", "Film", "publication_date", "2025-11", "DATE"),
            ("c", "Film", "publication_date", "2024-01-01", "DATE")]
    _, facts = claims_for(rows, {"a": "a", "b": "b", "c": "c"})
    contested = dict(facts.select("object", "contested").iter_rows())
    assert contested == {"2025-11-14": True, "2025-11": True, "2024-01-01": True}
    _, facts = claims_for(rows[:2], {"a": "a", "b": "b"})
    assert not facts["contested"].any()


SYNDICATED = ("Tides of Glass was directed by Marisol Okafor and released in theaters on November 14. The slow drama "
              "follows estranged siblings who return to a fishing town to sell their late father's glassworks. "
              "Okafor said the story grew out of summers she spent near the coast as a child, and that she wanted "
              "a film where the weather is a character. Filming began in March and lasted eleven weeks on a pier. "
              "Lindqvist, best known for stage work, plays the older brother, while Quill plays a sister who has spent "
              "a decade working abroad. Critics at an early screening praised both performances, and several singled "
              "out a long, wordless scene in the furnace room. The studio behind it has built a reputation for modest "
              "budgets and long shooting schedules, and its founder said it waited years for the right script. "
              "The company plans to release two more features next year, both shot on the same stretch of coast, "
              "and both with casts drawn from the local theater scene that trained most of its regular actors. ")


def test_near_duplicates_cluster_syndicated_copies_only():
    copy = "Directed by Marisol Okafor, the film opened nationwide this month. " + SYNDICATED.split(". ", 1)[1]
    other = ("Critics found the harbor film patient and salt-stained. Amara Quill anchors a drama that takes its "
             "time, and the final half hour is quietly devastating for anyone who settles into its rhythm.")
    docs = pl.DataFrame({"doc_id": ["a", "b", "c"], "text": [SYNDICATED, copy + " Originally published by X.", other],
                         "first_seen_at": [T0, T0, T0]})
    clusters = assign_clusters(docs, pl.DataFrame(schema=SIGNATURE_SCHEMA), 0.8)
    assert dict(clusters.select("doc_id", "cluster_id").iter_rows()) == {"a": "a", "b": "a", "c": "c"}


def test_near_duplicates_are_incremental_against_stored_signatures():
    first = pl.DataFrame({"doc_id": ["a"], "text": [SYNDICATED], "first_seen_at": [T0]})
    stored = assign_clusters(first, pl.DataFrame(schema=SIGNATURE_SCHEMA), 0.6)
    copy = pl.DataFrame({"doc_id": ["b"], "text": ["Reworded opening line. " + SYNDICATED.split(". ", 1)[1]],
                         "first_seen_at": [T0]})
    later = assign_clusters(copy, stored, 0.8, lambda ids: {"a": SYNDICATED} if "a" in ids else {})
    assert later.row(0, named=True)["cluster_id"] == "a"
    unrelated = pl.DataFrame({"doc_id": ["c"], "text": ["Critics found the harbor film patient and salt-stained, "
                                                        "and the final half hour quietly devastating."],
                              "first_seen_at": [T0]})
    assert assign_clusters(unrelated, stored, 0.8).row(0, named=True)["cluster_id"] == "c"


def test_only_asserted_claims_support_facts_the_rest_stay_claims():
    rows = [("a", "Film", "director", "Dave Free", "PERSON"), ("b", "Film", "director", "Jo Park", "PERSON"),
            ("c", "Film", "director", "Jo Park", "PERSON")]
    claims, facts = claims_for(rows, {"a": "a", "b": "b", "c": "c"}, {"b": "reported", "c": "negated"})
    assert claims.height == 3
    assert facts.select("object", "n_documents", "contested").rows() == [("Dave Free", 1, False)]


def test_occupations_and_cast_lists_that_differ_are_no_conflict():
    rows = [("a", "Film", "cast_member", "Dave Free", "PERSON"), ("b", "Film", "cast_member", "Jo Park", "PERSON")]
    _, facts = claims_for(rows, {"a": "a", "b": "b"})
    assert not facts["contested"].any()


def test_a_changing_value_from_documents_of_different_dates_is_no_conflict():
    rows = [("a", "Film", "chief_executive_officer", "Dave Free", "PERSON"),
            ("b", "Film", "chief_executive_officer", "Jo Park", "PERSON")]
    _, apart = claims_for(rows, {"a": "a", "b": "b"}, dates={"a": "2004-03-01", "b": "2005-06-01"})
    _, same_day = claims_for(rows, {"a": "a", "b": "b"}, dates={"a": "2005-06-01", "b": "2005-06-01"})
    assert not apart["contested"].any() and same_day["contested"].all()


def test_one_sentence_naming_two_values_and_one_person_named_twice_are_no_conflict():
    both = [("a", "Film", "headquarters_location", "London", "PLACE"),
            ("a", "Film", "headquarters_location", "Hong Kong", "PLACE")]
    _, facts = claims_for([(d, s, p, o, "PERSON") for d, s, p, o, _ in both], {"a": "a"})
    assert not facts["contested"].any()
    nick = [("a", "Film", "chief_executive_officer", "Bernard Ebbers", "PERSON"),
            ("b", "Film", "chief_executive_officer", "Bernie Ebbers", "PERSON")]
    _, facts = claims_for(nick, {"a": "a", "b": "b"})
    assert not facts["contested"].any()


def test_a_bare_organisation_name_joins_only_a_longer_name_of_the_same_organisation():
    from pipeline.entities import canonical_keys
    known = pl.DataFrame({"type": ["ORG", "ORG"], "name": ["Kestrel Pictures", "Harbour Trinkaus & Burkhardt"]})
    local = pl.DataFrame({"type": ["ORG", "ORG"], "name": ["Kestrel", "Harbour"]})
    mapping = canonical_keys(local, known)
    assert mapping[("ORG", "kestrel")] == "kestrel pictures" and mapping[("ORG", "harbour")] == "harbour"


def test_one_entity_named_two_ways_is_no_conflict_with_itself():
    from pipeline.facts import contested_fact_ids

    per_doc = pl.DataFrame({"subject_id": ["s", "s"], "predicate": ["parent_organization"] * 2,
                            "fact_id": ["f1", "f1"], "object": ["Kestrel Films", "Kestrel"],
                            "object_kind": ["entity"] * 2, "cluster_id": ["a", "b"], "published_date": [None, None],
                            "doc_id": ["a", "b"], "sentence_index": [0, 0]})
    assert contested_fact_ids(per_doc) == set()
    other = per_doc.with_columns(fact_id=pl.Series(["f1", "f2"]), object=pl.Series(["Kestrel Films", "Halden"]))
    assert contested_fact_ids(other) == {"f1", "f2"}


def test_a_surname_alone_and_the_full_name_it_ends_are_one_object_but_york_is_no_new_york():
    from pipeline.facts import _conflicting
    assert not _conflicting("Howard", "Michael Howard", "entity")
    assert _conflicting("York", "New York", "entity")
