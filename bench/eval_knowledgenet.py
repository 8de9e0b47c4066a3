#!/usr/bin/env python3
"""Score webfacts fact extraction on KnowledgeNet fold 4 (the development fold; never trained on).

Dataset (read-only): /work/shared/datasets/knowledgenet (see its README.md and bench/knowledgenet.py).
Each passage with at least one fact (this copy holds no others) is run alone through load_nlp() →
document_mentions → extract_relations, then the relation model (unless --rules-only), as
pipeline/extract.py does.

Text F1 (the README's definition): a predicted fact is correct when its property equals a gold fact's and its
subject and object texts match that fact's subject and object span texts (case, whitespace, punctuation and a
leading article normalised; a date object when the gold text normalises to the same ISO date). Rows of one fact
that mark different mentions of the same linked entity count as one gold fact with several names. Predictions
are judged only for the properties the passage was annotated for (KnowledgeNet annotates each passage
exhaustively for some properties, and the table lists them, with "-" rows for those without facts); each gold
fact is credited at most once (maximum bipartite matching). Gold facts whose subject or object is only a
pronoun stay in the gold: the leaderboard's text F1 counts them too.

A third of fold 4's gold facts have a pronoun as subject ("He is Professor ... at X"): its antecedent is in
text the passage leaves out. The product drops a fact whose pronoun it cannot resolve; `--pronoun-spans` lets
such a pronoun stand for itself, as span-scored systems on the leaderboard output it (make eval-facts prints
both).

Usage: python bench/eval_knowledgenet.py [--rules-only] [--pronoun-spans] [--limit N] [--out ...]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.eval_facts import HIGH_CONFIDENCE, Counts, max_matching, prf  # noqa: E402
from bench.knowledgenet import PROPERTIES, load_passages, text_matches  # noqa: E402

DEFAULT_OUT = BENCH_DIR / "out" / "eval_knowledgenet.json"
FOLD = 4
# Leaderboard text F1 on the hidden test fold (dataset README), for orientation only.
PUBLISHED = {"human": 0.878, "Diffbot Joint Model": 0.810, "KnowledgeNet baseline 5 (BERT)": 0.688,
             "KnowledgeNet baseline 1 (spaCy + BiLSTM)": 0.518}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules-only", action="store_true", help="without the relation model")
    ap.add_argument("--calibrated-only", action="store_true",
                    help="the model's calibrated thresholds without the pipeline's HOUSE_FLOORS (diagnostic)")
    ap.add_argument("--limit", type=int, default=None, help="first N passages only")
    ap.add_argument("--pronoun-spans", action="store_true",
                    help="KnowledgeNet's protocol for pronouns: one the passage cannot resolve stands for itself")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    from pipeline.mentions import document_mentions
    from pipeline.nlp import load_nlp
    from pipeline.registry import load_registry
    from pipeline.relation_model import MODEL_PATH, RelationModel, load_model, model_extractions
    from pipeline.relations import extract_relations

    wikidata = {p.name: p.wikidata for p in load_registry()}
    names = {w: p for p, w in wikidata.items()}
    passages = [p for p in load_passages({FOLD}) if p.facts][:args.limit]
    nlp = load_nlp()
    relation_model = None if args.rules_only else RelationModel(MODEL_PATH, {}) if args.calibrated_only else load_model()
    layer = "rules only" if relation_model is None else f"rules + model:{relation_model.version}" + (
        " (calibrated thresholds, no house floors)" if args.calibrated_only else "")
    layer += ", unresolved pronouns as spans" if args.pronoun_spans else ""
    print(f"knowledgenet fold {FOLD}: {len(passages)} passages with facts, {layer}", file=sys.stderr)

    per_prop: dict[str, Counts] = defaultdict(Counts)
    by_layer: dict[str, list[int]] = defaultdict(lambda: [0, 0])   # layer -> [predicted, correct]
    records = []
    t0 = time.perf_counter()
    for passage in passages:
        doc = nlp(passage.text)
        mentions = document_mentions(doc)
        extractions = extract_relations(doc, mentions, pronoun_spans=args.pronoun_spans)
        if relation_model is not None:
            extractions += model_extractions(doc, mentions, None, extractions, relation_model)
        best: dict[tuple, object] = {}
        for e in extractions:
            w = wikidata[e.predicate]
            key = (w, e.subject.text, e.object.text)
            if w in passage.annotated and (key not in best or e.confidence > best[key].confidence):
                best[key] = e
        preds = list(best.values())
        candidates = [[j for j, f in enumerate(passage.facts) if f.wikidata == wikidata[e.predicate]
                       and text_matches(e.subject.text, e.subject.type, f.subject)
                       and text_matches(e.object.text, e.object.type, f.object)] for e in preds]
        credited = max_matching(candidates)
        for f in passage.facts:
            per_prop[f.wikidata].gold += 1
        for i, e in enumerate(preds):
            c = per_prop[wikidata[e.predicate]]
            c.predicted += 1
            c.correct += i in credited
            c.duplicate += i not in credited and bool(candidates[i])
            if not e.extractor.startswith("model:"):
                layers = ["rules"]
            else:
                layers = ["model", "model_high"] if e.confidence >= HIGH_CONFIDENCE else ["model"]
            for lay in layers:
                by_layer[lay][0] += 1
                by_layer[lay][1] += i in credited
            records.append({"doc": passage.doc, "start": passage.start, "predicate": e.predicate,
                            "subject": e.subject.text, "object": e.object.text, "extractor": e.extractor,
                            "confidence": e.confidence, "correct": i in credited})
    seconds = time.perf_counter() - t0

    total = Counts()
    rows = []
    for w in sorted(per_prop, key=lambda w: -per_prop[w].gold):
        total.add(per_prop[w])
        rows.append({"property": next(k for k, v in PROPERTIES.items() if v == w), "wikidata": w,
                     "predicate": names.get(w, "-"), **per_prop[w].row()})
    micro = total.row()
    head = f"{'property':<24}{'predicate':<28}{'gold':>6}{'pred':>6}{'corr':>6}{'P':>7}{'R':>7}{'F1':>7}"
    print(head + "\n" + "-" * len(head))
    for r in rows:
        print(f"{r['property']:<24}{r['predicate']:<28}{r['gold']:>6}{r['predicted']:>6}{r['correct']:>6}"
              f"{r['P']:>7.3f}{r['R']:>7.3f}{r['F1']:>7.3f}")
    print("-" * len(head))
    print(f"{'text F1 (micro)':<52}{micro['gold']:>6}{micro['predicted']:>6}{micro['correct']:>6}"
          f"{micro['P']:>7.3f}{micro['R']:>7.3f}{micro['F1']:>7.3f}")
    reliability = {k: {"predicted": v[0], "correct": v[1], "share_correct": v[1] / v[0] if v[0] else 0.0}
                   for k, v in sorted(by_layer.items())}
    for k, v in reliability.items():
        print(f"  {k:<11} {v['predicted']:>5} predicted, {v['share_correct']:.1%} correct")
    print(f"extraction: {len(passages)} passages in {seconds:.1f}s; leaderboard (test fold, for orientation): "
          + ", ".join(f"{k} {v}" for k, v in PUBLISHED.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"config": {"fold": FOLD, "passages": len(passages), "layer": layer,
                                               "extract_seconds": round(seconds, 2)},
                                    "properties": rows, "micro": micro, "reliability": reliability,
                                    "published_for_orientation": PUBLISHED, "predictions": records},
                                   indent=1, ensure_ascii=False))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
