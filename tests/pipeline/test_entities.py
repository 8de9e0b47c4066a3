"""Entity resolution over mention rows (pipeline/entities.py), on rows we wrote."""
import polars as pl

from pipeline.entities import entity_lookup, resolve_entities
from pipeline.extract import MENTION_SCHEMA


def rows(*mentions):
    """(doc, surface, name, type, ner_label) -> mention rows."""
    return pl.DataFrame([dict(doc_id=d, surface=s, name=n, type=t, ner_label=label, kind=None, sentence_index=i,
                              start_char=10 * i, end_char=10 * i + len(s))
                         for i, (d, s, n, t, label) in enumerate(mentions)], schema=MENTION_SCHEMA)


def test_a_name_a_fact_frame_typed_is_what_the_documents_tagged_mentions_of_it_are():
    _, resolved = resolve_entities(rows(
        ("d1", "Harbour Tennis Association", "Harbour Tennis Association", "ORG", "ORG"),
        ("d1", "HTA", "Harbour Tennis Association", "ORG", "ORG"),
        ("d1", "HTA", "HTA", "ORG", "FRAME_TYPED"),     # the tagger missed this one; a frame typed it
        ("d1", "Kestrel", "Kestrel", "PLACE", "FRAME_TYPED"),
        ("d1", "Kestrelian", "Kestrel", "PLACE", "FRAME_TYPED"),  # renamed by the frame: not the tagged word
        ("d1", "Kestrelian", "Kestrelian", "MISC", "NORP"),
        ("d2", "HTA", "HTA", "ORG", "FRAME_TYPED")))     # another document: nothing tagged there says what it is
    ids = {(d, s, lab): e for d, s, lab, e in resolved.select("doc_id", "surface", "ner_label", "entity_id").iter_rows()}
    assert ids[("d1", "HTA", "FRAME_TYPED")] == ids[("d1", "Harbour Tennis Association", "ORG")]
    assert ids[("d2", "HTA", "FRAME_TYPED")] != ids[("d1", "Harbour Tennis Association", "ORG")]
    assert ids[("d1", "Kestrelian", "FRAME_TYPED")] != ids[("d1", "Kestrelian", "NORP")]
    # claims still find the frame's name: the lookup keeps it, with the entity it resolved to
    lookup = entity_lookup(resolved).filter(pl.col("doc_id") == "d1", pl.col("name") == "HTA")
    assert set(lookup["entity_id"]) == {ids[("d1", "HTA", "FRAME_TYPED")]}
