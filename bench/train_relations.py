#!/usr/bin/env python3
"""Train the relation layer (pipeline/relation_model.py) and write pipeline/models/relations-<version>.npz + .json.

Training data, all from ../shared/datasets (read-only), and nothing else:
* Re-DocRED **dev** (never test): every candidate pair whose names match gold entities is labelled with the
  gold relations between them; every other candidate of a DocRED relation is a negative.
* KnowledgeNet folds 1-3 (never fold 4): per passage, only the properties it was annotated for give labels.
* FewRel validation: its relations that are registry predicates (by Wikidata id) give positives for the
  given head/tail pair; the other relations' pairs give negatives for those predicates.
Never bench/gold (BBC gold, for evaluation only) and never our tests' documents.

Learner, per predicate with at least MIN_POSITIVES positives: binary logistic regression (liblinear) on hashed
binary features, its C taken from C_GRID by grouped 5-fold cross-validated average precision; with
--compare-learners SGD (log loss) is cross-validated beside it for the record (the sidecar keeps every figure;
bench/README.md sums them up). Calibration: Platt scaling fitted on the out-of-fold scores (documents grouped,
so a document's candidates never score themselves). Threshold: the lowest calibrated probability whose out-of-fold precision is
at least TARGET_PRECISION, never below MIN_THRESHOLD. The final weights are refitted on all the data.

Usage: python bench/train_relations.py [--seed 13] [--limit-docs N] [--out pipeline/models]
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import platform
import sys
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from spacy.language import Language

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression, SGDClassifier

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.eval_facts import GoldDoc, build_text, load_docs  # noqa: E402
from bench.knowledgenet import load_passages, text_matches  # noqa: E402
from pipeline import relation_model as rm  # noqa: E402
from pipeline.mentions import document_mentions  # noqa: E402
from pipeline.registry import Predicate  # noqa: E402
from locations import DATASETS  # noqa: E402  (bench/ is on sys.path: run as bench/<script>.py)


FEWREL = DATASETS / "fewrel" / "val_wiki.json.gz"
MIN_POSITIVES = 15
TARGET_PRECISION = 0.85
MIN_THRESHOLD = 0.5
FOLDS = 5
C_GRID = (0.25, 0.5, 1.0, 2.0)   # logistic regression's inverse regularisation: each predicate takes its best
FEWREL_NEGATIVES_PER_RELATION = 150


@dataclass
class TrainingSet:
    rows: list[list[int]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    # predicate -> [(row, label)]: only the rows whose source judges that predicate
    labels: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    sources: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def add(self, row: list[int], group: str, judged: dict[str, int], source: str) -> None:
        if not judged:
            return
        i = len(self.rows)
        self.rows.append(row)
        self.groups.append(group)
        for pred, label in judged.items():
            self.labels[pred].append((i, label))
            self.sources[pred][f"{source}_{'pos' if label else 'neg'}"] += 1


# ---------------------------------------------------------------- Re-DocRED dev
def add_redocred(data: TrainingSet, nlp: Language, registry: tuple[Predicate, ...], limit: int | None) -> int:
    from bench.eval_facts import DATA_DIR
    rel_info = json.loads((DATA_DIR / "rel_info.json").read_text())
    by_id = {p.wikidata: p.name for p in registry}
    judged_names = {p.name for p in registry if p.wikidata in rel_info}
    docs = load_docs("dev", limit)
    for k, d in enumerate(docs):
        text, _ = build_text(d["sents"])
        doc = nlp(text)
        mentions = document_mentions(doc)
        gold = GoldDoc(d, set(by_id))
        cands, rows = rm.document_candidates(doc, mentions, registry)
        ents: dict[tuple[str, str], set[int]] = {}
        for c, row in zip(cands, rows):
            for a in (c.subject, c.object):
                if (a.name, a.type) not in ents:
                    ents[(a.name, a.type)] = gold.entity_matches(a.name, a.type)
            hs, ts = ents[(c.subject.name, c.subject.type)], ents[(c.object.name, c.object.type)]
            true = {by_id[r] for (h, r, t) in gold.triples if h in hs and t in ts}
            data.add(row, f"redocred:{k}", {p: int(p in true) for p in c.predicates if p in judged_names}, "redocred")
    return len(docs)


# ---------------------------------------------------------------- KnowledgeNet folds 1-3
def add_knowledgenet(data: TrainingSet, nlp: Language, registry: tuple[Predicate, ...], limit: int | None) -> int:
    by_id = {p.wikidata: p.name for p in registry}
    passages = load_passages({1, 2, 3})[:limit]
    for passage in passages:
        doc = nlp(passage.text)
        mentions = document_mentions(doc)
        cands, rows = rm.document_candidates(doc, mentions, registry)
        judged = {by_id[w] for w in passage.annotated if w in by_id}
        for c, row in zip(cands, rows):
            labels = {}
            for p in c.predicates:
                if p not in judged:
                    continue
                labels[p] = int(any(by_id.get(f.wikidata) == p and text_matches(c.subject.name, c.subject.type, f.subject)
                                    and text_matches(c.object.name, c.object.type, f.object) for f in passage.facts))
            data.add(row, f"kn:{passage.doc}:{passage.start}", labels, "knowledgenet")
    return len(passages)


# ---------------------------------------------------------------- FewRel
def add_fewrel(data: TrainingSet, nlp: Language, registry: tuple[Predicate, ...], rng: np.random.Generator,
               limit: int | None) -> int:
    by_id = {p.wikidata: p.name for p in registry}
    with gzip.open(FEWREL, "rt", encoding="utf-8") as f:
        fewrel: dict[str, list[dict]] = json.load(f)
    mapped = {r: by_id[r] for r in fewrel if r in by_id}
    examples: list[tuple[str, dict]] = []
    for r, items in sorted(fewrel.items()):
        if r in mapped:
            examples += [(r, x) for x in items[:limit]]
        else:
            picks = rng.choice(len(items), size=min(FEWREL_NEGATIVES_PER_RELATION, len(items)), replace=False)
            examples += [(r, items[i]) for i in sorted(picks)][:limit]
    for n, (r, x) in enumerate(examples):
        text, spans = build_text([x["tokens"]])
        doc = nlp(text)
        mentions = document_mentions(doc)
        cands, rows = rm.document_candidates(doc, mentions, registry)
        h = _char_range(spans[0], x["h"][2][0])
        t = _char_range(spans[0], x["t"][2][0])
        for c, row in zip(cands, rows):
            if _overlaps(c.subject, h) and _overlaps(c.object, t):
                labels = {p: int(mapped.get(r) == p) for p in c.predicates if p in mapped.values()}
            elif _overlaps(c.subject, t) and _overlaps(c.object, h) and mapped.get(r) != "spouse":
                labels = {p: 0 for p in c.predicates if p in mapped.values()}   # the reversed pair
            else:
                continue   # other pairs of the sentence are not annotated
            data.add(row, f"fewrel:{n}", labels, "fewrel")
    return len(examples)


def _char_range(spans: list[tuple[int, int]], positions: list[int]) -> tuple[int, int]:
    return spans[positions[0]][0], spans[positions[-1]][1]


def _overlaps(arg: rm.Arg, rng: tuple[int, int]) -> bool:
    return arg.start_char < rng[1] and rng[0] < arg.end_char


# ---------------------------------------------------------------- learning
def make_learner(name: str, seed: int) -> LogisticRegression | SGDClassifier:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    warnings.filterwarnings("ignore", category=ConvergenceWarning)   # SGD's capped epochs, compared as they are
    if name.startswith("logreg"):
        c = float(name.split("=", 1)[1])
        return LogisticRegression(C=c, solver="liblinear", max_iter=200, random_state=seed)
    return SGDClassifier(loss="log_loss", alpha=2e-5, max_iter=30, tol=1e-4, random_state=seed)


def grouped_folds(groups: list[str], seed: int) -> np.ndarray:
    """Fold number of each row: whole documents go to one fold (seeded)."""
    unique = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(unique))
    fold_of = {unique[j]: i % FOLDS for i, j in enumerate(order)}
    return np.array([fold_of[g] for g in groups])


def out_of_fold(X: sparse.csr_matrix, y: np.ndarray, folds: np.ndarray, learner: str, seed: int) -> np.ndarray:
    scores = np.zeros(len(y))
    for k in range(FOLDS):
        train, test = folds != k, folds == k
        if y[train].min() == y[train].max() or not test.any():
            scores[test] = -10.0
            continue
        model = make_learner(learner, seed).fit(X[train], y[train])
        scores[test] = model.decision_function(X[test])
    return scores


def platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression
    fit = LogisticRegression(C=1e4, solver="lbfgs").fit(scores.reshape(-1, 1), y)
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def choose_threshold(probs: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """Lowest probability whose out-of-fold precision (of everything at or above it) reaches the target."""
    order = np.argsort(-probs)
    tp = np.cumsum(y[order])
    precision = tp / np.arange(1, len(y) + 1)
    ok = np.nonzero((precision >= TARGET_PRECISION) & (probs[order] >= MIN_THRESHOLD))[0]
    threshold = float(probs[order][ok[-1]]) if len(ok) else 1.0
    keep = probs >= threshold
    p = float(y[keep].mean()) if keep.any() else 0.0
    r = float(y[keep].sum() / max(1, y.sum()))
    return threshold, {"P": round(p, 3), "R": round(r, 3), "F1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def average_precision(scores: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import average_precision_score
    return float(average_precision_score(y, scores))


def build_training_set(nlp: Language, registry: tuple[Predicate, ...], seed: int, limit: int | None, t0: float
                       ) -> tuple[TrainingSet, dict]:
    rng = np.random.default_rng(seed)
    data = TrainingSet()
    counts = {"redocred_dev_docs": add_redocred(data, nlp, registry, limit)}
    print(f"re-docred dev: {counts['redocred_dev_docs']} docs, {len(data.rows)} rows, {time.perf_counter() - t0:.0f}s",
          file=sys.stderr)
    counts["knowledgenet_passages_folds_1_3"] = add_knowledgenet(data, nlp, registry, limit)
    print(f"knowledgenet: {len(data.rows)} rows, {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    counts["fewrel_sentences"] = add_fewrel(data, nlp, registry, rng, limit)
    print(f"fewrel: {len(data.rows)} rows, {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return data, counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--limit-docs", type=int, default=None, help="first N items of each dataset (smoke runs)")
    ap.add_argument("--compare-learners", action="store_true", help="also cross-validate SGD against logreg")
    ap.add_argument("--out", type=Path, default=rm.MODEL_DIR)
    args = ap.parse_args(argv)
    from pipeline.nlp import load_nlp
    from pipeline.registry import load_registry

    t0 = time.perf_counter()
    nlp = load_nlp()
    registry = tuple(p for p in load_registry() if p.object_kind != "string")
    data, counts = build_training_set(nlp, registry, args.seed, args.limit_docs, t0)
    parse_s = time.perf_counter() - t0

    X_all = rm.feature_matrix(data.rows)
    folds_all = grouped_folds(data.groups, args.seed)
    learners = [f"logreg:C={c}" for c in C_GRID] + (["sgd"] if args.compare_learners else [])
    names, cols, biases, platts, thresholds, report = [], [], [], [], [], {}
    for pred in sorted(data.labels):
        pairs = data.labels[pred]
        idx = np.array([i for i, _ in pairs])
        y = np.array([l for _, l in pairs])
        if y.sum() < MIN_POSITIVES:
            report[pred] = {"positives": int(y.sum()), "rows": len(y), "skipped": f"< {MIN_POSITIVES} positives"}
            continue
        X, folds = X_all[idx], folds_all[idx]
        ap_by = {}
        oof = {}
        for learner in learners:
            oof[learner] = out_of_fold(X, y, folds, learner, args.seed)
            ap_by[learner] = round(average_precision(oof[learner], y), 4)
        chosen = max((l for l in learners if l.startswith("logreg")), key=lambda l: ap_by[l])
        a, b = platt(oof[chosen], y)
        probs = 1 / (1 + np.exp(-(a * oof[chosen] + b)))
        threshold, at = choose_threshold(probs, y)
        final = make_learner(chosen, args.seed).fit(X, y)
        names.append(pred)
        cols.append(sparse.csc_matrix(final.coef_.astype(np.float32).reshape(-1, 1)))
        biases.append(float(final.intercept_[0]))
        platts.append((a, b))
        thresholds.append(threshold)
        report[pred] = {"positives": int(y.sum()), "rows": len(y), "sources": dict(data.sources[pred]),
                        "cv_average_precision": ap_by, "learner": chosen, "threshold": round(threshold, 3),
                        "cv_at_threshold": at}
        print(f"{pred:<28} pos {int(y.sum()):>6} rows {len(y):>7}  AP {ap_by} -> {chosen}  thr {threshold:.3f}  {at}",
              file=sys.stderr)

    W = sparse.hstack(cols).tocsr()
    W.data[np.abs(W.data) < 1e-4] = 0
    W.eliminate_zeros()
    meta = {"version": rm.MODEL_VERSION, "feature_version": rm.FEATURE_VERSION, "n_features": rm.N_FEATURES,
            "predicates": names}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"relations-{rm.MODEL_VERSION}.npz"
    np.savez_compressed(path, meta=np.array(json.dumps(meta)), w_data=W.data.astype(np.float32),
                        w_indices=W.indices.astype(np.int32), w_indptr=W.indptr.astype(np.int64),
                        bias=np.array(biases, dtype=np.float64), platt=np.array(platts, dtype=np.float64).T,
                        thresholds=np.array(thresholds, dtype=np.float64))
    import sklearn
    sidecar = {
        **meta,
        "trained_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "make train-relations  (python bench/train_relations.py " + " ".join(argv or sys.argv[1:]) + ")",
        "seed": args.seed,
        "training_data": {
            "re-docred": "dev_revised.json.gz (never test)", "knowledgenet": "folds 1-3 (never fold 4)",
            "fewrel": "val_wiki.json.gz: relations mapped to registry predicates by Wikidata id as positives, "
                      f"{FEWREL_NEGATIVES_PER_RELATION} seeded examples of each other relation as negatives",
            "counts": counts, "rows": len(data.rows)},
        "learner": "one binary sklearn LogisticRegression (liblinear, C from "
                   f"{C_GRID} by grouped cross-validated average precision) per predicate over crc32-hashed binary "
                   f"features ({rm.N_FEATURES} columns); Platt scaling on grouped {FOLDS}-fold out-of-fold scores; "
                   f"threshold = lowest probability with out-of-fold precision >= {TARGET_PRECISION} "
                   f"(at least {MIN_THRESHOLD})",
        "software": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "spacy_model": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')} {nlp.meta.get('version')}"},
        "seconds": {"parse_and_features": round(parse_s), "total": round(time.perf_counter() - t0)},
        "nonzero_weights": int(W.nnz),
        "predicates_cv": report,
    }
    path.with_suffix(".json").write_text(json.dumps(sidecar, indent=1) + "\n")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB, {W.nnz} weights) in {time.perf_counter() - t0:.0f}s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
