#!/usr/bin/env python3
"""Facts from real news: the BBC fact gold, and the yield on the whole BBC corpus.

    .venv/bin/python bench/eval_facts_news.py [--gold-only | --corpus-only] [--out bench/out/eval_facts_news.json]

Gold: bench/gold/bbc_facts.yaml, every fact a registry predicate can express in 40 seeded BBC articles
(bench/gold/GUIDELINES.md), and bench/gold/bbc_facts_blind.yaml, the same for 20 articles no development has
run or read (bench/bbc_blind_sample.py). The whole product (`webfacts run`) reads the articles as plain-text files; a
predicted fact is right when its predicate is the gold's and its subject and object match the gold's after
folding, by the entity's name or by a surface the article used for it (bench/bbc_gold.py). Reported: micro
P/R, per predicate, facts per article against the gold's, and reliability (the share right at confidence
>= 0.8).

Corpus: all 2,225 articles of ../shared/datasets/bbc-news in one warehouse: facts per article by predicate,
the share of documents with a fact, the contested facts with their competing objects, and a seeded sample of
them for a reader to judge (bench/out/contested_sample.tsv).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

import duckdb
import yaml

import bbc_gold

DEFAULT_OUT = bbc_gold.BENCH / "out" / "eval_facts_news.json"
SEED = 20261129


def run_gold() -> dict:
    gold = bbc_gold.load_gold("facts")
    entities = {g["doc"]: g["entities"] for g in bbc_gold.load_gold("entities")}
    return score_articles(gold, entities, f"BBC real-news fact gold: {len(gold)} articles")


def run_blind() -> dict | None:
    """The blind check (bench/bbc_blind_sample.py): 20 articles no development touched, gold written first."""
    path = bbc_gold.GOLD_DIR / "bbc_facts_blind.yaml"
    if not path.exists():
        print("\nBBC blind fact gold: skipped, bench/gold/bbc_facts_blind.yaml is absent")
        return None
    gold = yaml.safe_load(path.read_text())
    entities = {g["doc"]: g.get("entities") or [] for g in gold}
    return score_articles(gold, entities, f"\nBBC blind fact gold: {len(gold)} articles never read while developing")


def score_articles(gold: list[dict], entities: dict[str, list[dict]], title: str) -> dict:
    """The whole product on the gold's articles, scored against it (aliases from the entities' surfaces)."""
    with tempfile.TemporaryDirectory() as tmp:
        predicted = bbc_gold.predicted_facts(bbc_gold.run_pipeline([g["doc"] for g in gold], Path(tmp)))
    result = bbc_gold.score_facts(gold, predicted, entities)
    print(title)
    bbc_gold.print_fact_scores(result)
    return result


def corpus_docs() -> list[str]:
    return sorted(f"{p.parent.name}/{p.name}" for p in bbc_gold.BBC.glob("*/*.txt"))


def run_corpus(sample_out: Path) -> dict:
    docs = corpus_docs()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(bbc_gold.run_pipeline(docs, Path(tmp))), read_only=True)
        n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        with_fact = con.execute("SELECT count(DISTINCT doc_id) FROM fact_evidence").fetchone()[0]
        per_predicate = dict(con.execute("SELECT predicate, count(*) FROM (SELECT DISTINCT e.doc_id, f.fact_id, "
                                         "f.predicate FROM facts f JOIN fact_evidence e USING (fact_id)) "
                                         "GROUP BY 1 ORDER BY 2 DESC").fetchall())
        modality = dict(con.execute("SELECT modality, count(*) FROM claims GROUP BY 1").fetchall())
        contested = con.execute("""
            SELECT subject, predicate, object, list_sort(competing_objects), any_value(sentence)
            FROM contested_facts GROUP BY subject, predicate, object, competing_objects
            ORDER BY subject, predicate, object""").fetchall()
    per_article = sum(per_predicate.values()) / n_docs
    print(f"\nBBC corpus: {n_docs} documents, {per_article:.2f} facts per article "
          f"({sum(v for k, v in per_predicate.items() if k != 'occupation') / n_docs:.2f} without occupation), "
          f"{with_fact} documents with a fact ({with_fact / n_docs:.1%})")
    print("facts per article by predicate: " + ", ".join(f"{k} {v / n_docs:.3f}" for k, v in per_predicate.items()))
    print(f"claims by modality: {modality}")
    print(f"contested facts: {len(contested)}")
    sample = random.Random(SEED).sample(contested, min(50, len(contested)))
    sample_out.parent.mkdir(parents=True, exist_ok=True)
    sample_out.write_text("subject\tpredicate\tobject\tcompeting\tsentence\n" + "".join(
        f"{s}\t{p}\t{o}\t{'; '.join(c or [])}\t{' '.join(sent.split())}\n" for s, p, o, c, sent in sample))
    for s, p, o, c, _ in contested[:40]:
        print(f"  ({s}, {p}, {o}) against {c}")
    return {"documents": n_docs, "facts_per_article": per_article, "documents_with_fact": with_fact,
            "per_predicate": per_predicate, "modality": modality, "contested": len(contested),
            "contested_rows": [list(map(str, r[:3])) + [list(r[3] or [])] for r in contested]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold-only", action="store_true")
    ap.add_argument("--corpus-only", action="store_true")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if not bbc_gold.BBC.is_dir():
        print(f"real-news facts: skipped, {bbc_gold.BBC} is absent")
        return 0
    out = {}
    if not args.corpus_only:
        out["gold"] = run_gold()
        out["blind"] = run_blind()
    if not args.gold_only:
        out["corpus"] = run_corpus(args.out.with_name("contested_sample.tsv"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
