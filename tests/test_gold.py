"""Precision and recall of the whole pipeline on the sample corpus, against facts we listed by hand."""
from pathlib import Path

import duckdb
import yaml

GOLD = yaml.safe_load((Path(__file__).parent / "gold_facts.yaml").read_text())


def test_sample_facts_precision_and_recall(sample_warehouse):
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        found = set(con.execute("SELECT subject, predicate, object FROM facts").fetchall())
    gold = {tuple(f) for f in GOLD["facts"]}
    allowed = gold | {tuple(f) for f in GOLD["also_true"]}
    recall = len(found & gold) / len(gold)
    precision = len(found & allowed) / len(found)
    print(f"gold facts: precision {precision:.3f} ({len(found & allowed)}/{len(found)}), "
          f"recall {recall:.3f} ({len(found & gold)}/{len(gold)}); missed {sorted(gold - found)}; "
          f"wrong {sorted(found - allowed)}")
    assert precision == 1.0, sorted(found - allowed)
    assert recall >= 0.9, sorted(gold - found)
