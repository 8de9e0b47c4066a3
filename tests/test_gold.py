"""Precision and recall of the whole pipeline on text we wrote, against facts we listed by hand:
the sample corpus, and small documents that each exercise one extraction pattern."""
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import run_pipeline

GOLD = yaml.safe_load((Path(__file__).parent / "gold_facts.yaml").read_text())


def triples(rows) -> set[tuple]:
    return {tuple(r) for r in rows}


def facts_in(warehouse: Path, source_file: str | None = None) -> set[tuple]:
    """All facts, or those with evidence in one input file."""
    sql = "SELECT subject, predicate, object FROM facts"
    if source_file is not None:
        sql = "SELECT DISTINCT subject, predicate, object FROM fact_sources WHERE source LIKE '%/' || ?"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return set(con.execute(sql, [source_file] if source_file else []).fetchall())


def score(found: set, gold: set, allowed: set) -> tuple[float, float]:
    recall = len(found & gold) / len(gold)
    precision = len(found & allowed) / len(found) if found else 1.0
    print(f"gold facts: precision {precision:.3f} ({len(found & allowed)}/{len(found)}), "
          f"recall {recall:.3f} ({len(found & gold)}/{len(gold)}); missed {sorted(gold - found)}; "
          f"wrong {sorted(found - allowed)}")
    return precision, recall


def test_sample_facts_precision_and_recall(sample_warehouse):
    found = facts_in(sample_warehouse)
    gold = triples(GOLD["facts"])
    precision, recall = score(found, gold, gold | triples(GOLD["also_true"]))
    assert precision == 1.0, sorted(found - gold - triples(GOLD["also_true"]))
    assert recall == 1.0, sorted(gold - found)


@pytest.fixture(scope="module")
def pattern_warehouse(tmp_path_factory, dagster_home) -> Path:
    inbox = tmp_path_factory.mktemp("patterns")
    for doc in GOLD["documents"]:
        (inbox / doc["name"]).write_text(doc["text"])
    warehouse = inbox.parent / "patterns.duckdb"
    assert run_pipeline(inbox, warehouse) == 0
    return warehouse


@pytest.mark.parametrize("doc", GOLD["documents"], ids=lambda d: d["name"])
def test_pattern_documents_every_fact_and_nothing_else(pattern_warehouse, doc):
    """Each pattern document is small enough that every fact it states is expected."""
    found = facts_in(pattern_warehouse, doc["name"])
    gold = triples(doc["facts"])
    precision, recall = score(found, gold, gold | triples(doc.get("also_true", [])))
    assert (precision, recall) == (1.0, 1.0), (sorted(found - gold - triples(doc.get("also_true", []))), sorted(gold - found))
