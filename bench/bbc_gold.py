"""Scoring against the real-news gold sets (bench/gold/bbc_entities.yaml, bench/gold/bbc_facts.yaml).

The gold gives entities as surface strings; their spans are every whole-word, case-sensitive occurrence in the
article, the longer surface winning where two overlap, `only` picking occurrences of a shared surface
(bench/gold/GUIDELINES.md). Facts are matched per article: predicate equal, subject and object equal after
folding, where a name also matches any surface of the gold entity it names, and a surname its full name.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml
from locations import DATASETS, spacy_model  # noqa: E402  (bench/ is on sys.path: run as bench/<script>.py)
from pipeline.registry import load_registry

BENCH = Path(__file__).resolve().parent
GOLD_DIR = BENCH / "gold"
BBC = DATASETS / "bbc-news"


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    type: str
    entity: int   # index of the gold entity within its article


def load_gold(kind: str) -> list[dict]:
    return yaml.safe_load((GOLD_DIR / f"bbc_{kind}.yaml").read_text())


def article_text(doc: str, root: Path = BBC) -> str:
    return (root / doc).read_text(encoding="utf-8")


def _occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    pattern = r"(?<![^\W_])" + re.escape(surface) + r"(?![^\W_])"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def gold_spans(text: str, entities: list[dict]) -> list[GoldSpan]:
    """Every gold mention span of one article; the longer surface wins an overlap."""
    candidates = []
    for index, entity in enumerate(entities):
        only = {str(k): set(v) for k, v in (entity.get("only") or {}).items()}
        for surface in entity["mentions"]:
            surface = str(surface)
            for n, (start, end) in enumerate(_occurrences(text, surface), 1):
                if surface in only and n not in only[surface]:
                    continue
                candidates.append(GoldSpan(start, end, entity["type"], index))
    candidates.sort(key=lambda s: (-(s.end - s.start), s.start))
    taken: set[int] = set()
    spans = []
    for span in candidates:
        if not taken.intersection(range(span.start, span.end)):
            taken.update(range(span.start, span.end))
            spans.append(span)
    return sorted(spans, key=lambda s: s.start)


# ---------------------------------------------------------------- entities
def score_entities(gold: list[dict], predicted: dict[str, list[dict]]) -> dict:
    """predicted: doc -> mention rows (start_char, end_char, type, entity_id). Typed-span P/R/F1, typing accuracy
    per gold type (over spans found exactly), WORK recall, and the share of gold entities split over several
    entity_ids."""
    tp = fp = fn = 0
    typing: dict[str, Counter] = defaultdict(Counter)
    confusion: Counter = Counter()
    split = entities_seen = 0
    split_names: list[str] = []
    errors: list[tuple] = []
    for item in gold:
        text = article_text(item["doc"])
        spans = gold_spans(text, item["entities"])
        by_span = {(s.start, s.end): s for s in spans}
        rows = predicted.get(item["doc"], [])
        pred = {(r["start_char"], r["end_char"]): r for r in rows}
        for key, r in pred.items():
            g = by_span.get(key)
            if g is not None and g.type == r["type"]:
                tp += 1
            else:
                fp += 1
                if g is None:
                    errors.append(("spurious", r["type"], text[key[0]:key[1]]))
        ids_of: dict[int, set[str]] = defaultdict(set)
        for g in spans:
            r = pred.get((g.start, g.end))
            typing[g.type]["found" if r is not None else "missed"] += 1
            if r is None or r["type"] != g.type:
                fn += 1
                errors.append(("missed" if r is None else "type", f"{g.type}>{r['type'] if r else 'O'}",
                               text[g.start:g.end]))
            if r is not None:
                typing[g.type]["right" if r["type"] == g.type else "wrong"] += 1
                confusion[(g.type, r["type"])] += 1
                ids_of[g.entity].add(r["entity_id"])
        for entity, ids in ids_of.items():
            entities_seen += 1
            split += len(ids) > 1
            if len(ids) > 1:
                split_names.append(f"{item['doc']}:{item['entities'][entity]['name']}")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    per_type = {t: {"gold": c["found"] + c["missed"], "found": c["found"],
                    "typing_accuracy": c["right"] / c["found"] if c["found"] else None,
                    "recall": c["right"] / (c["found"] + c["missed"])} for t, c in sorted(typing.items())}
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn,
            "per_type": per_type, "work_recall": per_type.get("WORK", {}).get("recall"),
            "duplicate_rate": split / entities_seen if entities_seen else 0.0, "entities_split": split,
            "split_entities": split_names,
            "entities_found": entities_seen, "confusion": {f"{g}>{p_}": n for (g, p_), n in confusion.items()},
            "errors": Counter(errors).most_common()}


# ---------------------------------------------------------------- facts
def fold(name: str) -> str:
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"^the ", "", re.sub(r"[^\w]+", " ", folded).strip())


def alias_sets(entity_gold: dict[str, list[dict]], doc: str) -> list[set[str]]:
    """The folded surfaces of each gold entity of an article: any of them names the entity."""
    return [{fold(e["name"]), *map(fold, e["mentions"])} for e in entity_gold.get(doc, [])]


def names_match(predicted: str, gold: str, aliases: list[set[str]]) -> bool:
    a, b = fold(predicted), fold(gold)
    if a == b or any(a in s and b in s for s in aliases):
        return True
    wa, wb = a.split(), b.split()
    shorter, longer = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    return bool(shorter) and len(shorter) == 1 and longer[-1] == shorter[0]  # "Freeman" is Morgan Freeman


def values_match(predicted: str, gold: str, predicate_kind: str, aliases: list[set[str]]) -> bool:
    if predicate_kind == "date":
        a, b = str(predicted), str(gold)
        return a.startswith(b) or b.startswith(a)
    if predicate_kind == "string":
        a, b = fold(predicted), fold(gold)
        return a == b or a.rstrip("s") == b.rstrip("s") or a.split()[-1:] == b.split()[-1:]
    return names_match(predicted, gold, aliases)


def named(row: dict, part: str) -> list[str]:
    """A predicted argument's entity name and the surfaces the article used for it ("Tory" for the Conservative
    Party, "England" for the England national team): the gold writes what the article says."""
    return [row[part], *row.get(f"{part}_surfaces", [])]


STRING_PREDICATES = {"occupation", "position_held"}
DATE_PREDICATES = {"date_of_birth", "date_of_death", "publication_date", "inception", "recording_date"}


def predicate_kind(predicate: str) -> str:
    return "string" if predicate in STRING_PREDICATES else "date" if predicate in DATE_PREDICATES else "entity"


def score_facts(gold: list[dict], predicted: dict[str, list[dict]], entity_gold: dict[str, list[dict]]) -> dict:
    """predicted: doc -> rows (subject, predicate, object, confidence, extractor). Micro P/R per predicate, with
    each gold fact credited once (greedy: the first matching prediction)."""
    per_pred: dict[str, Counter] = defaultdict(Counter)
    symmetric = {p.name for p in load_registry() if p.symmetric}
    reliability: Counter = Counter()
    wrong, missed = [], []
    n_pred = n_gold = 0
    for item in gold:
        doc, aliases = item["doc"], alias_sets(entity_gold, item["doc"])
        facts = item["facts"] or []
        credited: set[int] = set()
        seen = set()
        for row in predicted.get(doc, []):
            key = (fold(row["subject"]), row["predicate"], fold(row["object"]))
            if key in seen or row["predicate"] in symmetric and key[::-1] in seen:
                continue  # a spouse named both ways is one fact
            seen.add(key)
            n_pred += 1
            ways = [("subject", "object"), ("object", "subject")] if row["predicate"] in symmetric \
                else [("subject", "object")]
            hit = next((i for i, g in enumerate(facts) for s_part, o_part in ways if i not in credited
                        and g["p"] == row["predicate"]
                        and any(names_match(n, g["s"], aliases) for n in named(row, s_part))
                        and any(values_match(n, g["o"], predicate_kind(g["p"]), aliases)
                                for n in named(row, o_part))), None)
            right = hit is not None
            if right:
                credited.add(hit)
            per_pred[row["predicate"]]["correct" if right else "wrong"] += 1
            band = "≥0.8" if row["confidence"] >= 0.8 else "<0.8"
            reliability[(band, right)] += 1
            if not right:
                wrong.append((doc, row["subject"], row["predicate"], row["object"], row.get("extractor", "")))
        for i, g in enumerate(facts):
            n_gold += 1
            per_pred[g["p"]]["gold"] += 1
            if i not in credited:
                missed.append((doc, g["s"], g["p"], g["o"]))
    correct = sum(c["correct"] for c in per_pred.values())
    p = correct / n_pred if n_pred else 0.0
    r = correct / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "correct": correct,
            "predicted": n_pred, "gold": n_gold, "articles": len(gold),
            "per_predicate": {k: dict(v) for k, v in sorted(per_pred.items())},
            "reliability": {band: {"n": reliability[(band, True)] + reliability[(band, False)],
                                   "correct": reliability[(band, True)]} for band in ("≥0.8", "<0.8")},
            "wrong": wrong, "missed": missed}


def predict_entities(gold: list[dict]) -> dict[str, list[dict]]:
    """The pipeline's mention rows for each gold article (headline and body, as stored), with entity_ids
    resolved across all of them as one batch would."""
    import polars as pl

    from pipeline.entities import resolve_entities
    from pipeline.extract import MENTION_SCHEMA, _triggers, document_rows, prose_text
    from pipeline.nlp import load_nlp

    import os

    nlp, triggers, rows = load_nlp(spacy_model()), _triggers(), []
    for item in gold:
        doc = nlp(prose_text(article_text(item["doc"])))
        mentions, _ = document_rows(item["doc"], doc, None, triggers)
        rows.extend(mentions)
    _, resolved = resolve_entities(pl.DataFrame(rows, schema=MENTION_SCHEMA))
    predicted: dict[str, list[dict]] = defaultdict(list)
    for r in resolved.iter_rows(named=True):
        predicted[r["doc_id"]].append(r)
    return predicted


def print_entity_scores(result: dict, top: int = 15) -> None:
    """The figures; with top=0 no individual error at all (neither the split entities nor the errors): a blind
    gold's figure is read without learning what it missed."""
    print(f"typed-span P {result['p']:.3f}  R {result['r']:.3f}  F1 {result['f1']:.3f}   "
          f"(tp {result['tp']}, fp {result['fp']}, fn {result['fn']})")
    print(f"WORK recall {result['work_recall'] or 0:.3f}   duplicate-entity rate {result['duplicate_rate']:.3f} "
          f"({result['entities_split']} of {result['entities_found']} gold entities split over several ids)")
    if top:
        print("split: " + "; ".join(result["split_entities"]))
    print(f"{'type':<8}{'gold':>6}{'found':>7}{'typing acc':>12}{'recall':>8}")
    for t, c in result["per_type"].items():
        acc = f"{c['typing_accuracy']:.3f}" if c["typing_accuracy"] is not None else "-"
        print(f"{t:<8}{c['gold']:>6}{c['found']:>7}{acc:>12}{c['recall']:>8.3f}")
    if top:
        print(f"top {top} errors: " + "; ".join(f"{k} {g} '{s}' ×{n}" for (k, g, s), n in result["errors"][:top]))


def run_pipeline(docs: list[str], workdir: Path) -> Path:
    """The whole product (`webfacts run`) on the given articles, copied as plain-text files into an inbox."""
    import os
    import shutil
    import subprocess

    inbox, home = workdir / "inbox", workdir / "dagster_home"
    for doc in docs:
        target = inbox / doc.replace("/", "_")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BBC / doc, target)
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    warehouse = workdir / "bbc.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home), "WEBFACTS_SETTLE_S": "0"}  # the inbox was just written, whole
    subprocess.run([str(Path(os.sys.executable).with_name("webfacts")), "run", "--inbox", str(inbox),
                    "--warehouse", str(warehouse)], check=True, env=env, stdout=subprocess.DEVNULL)
    return warehouse


def predicted_facts(warehouse: Path) -> dict[str, list[dict]]:
    """doc (topic/NNN.txt) -> the facts whose evidence comes from that article."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("""
        WITH surfaces AS (SELECT doc_id, entity_id, list(DISTINCT surface) AS surfaces FROM mentions GROUP BY ALL)
        SELECT DISTINCT s.source_uri, f.subject, f.predicate, f.object, f.confidence, e.extractor,
               coalesce(ss.surfaces, []), coalesce(os.surfaces, [])
        FROM facts f JOIN fact_evidence e USING (fact_id) JOIN document_sources s ON s.doc_id = e.doc_id
        LEFT JOIN surfaces ss ON ss.doc_id = e.doc_id AND ss.entity_id = f.subject_id
        LEFT JOIN surfaces os ON os.doc_id = e.doc_id AND os.entity_id = f.object_id""").fetchall()
    predicted: dict[str, list[dict]] = defaultdict(list)
    for uri, subject, predicate, obj, confidence, extractor, subject_surfaces, object_surfaces in rows:
        doc = Path(uri).name.replace("_", "/", 1)
        predicted[doc].append({"subject": subject, "predicate": predicate, "object": obj,
                               "confidence": confidence, "extractor": extractor,
                               "subject_surfaces": subject_surfaces, "object_surfaces": object_surfaces})
    return predicted


def print_fact_scores(result: dict, top: int = 20) -> None:
    print(f"micro P {result['p']:.3f}  R {result['r']:.3f}  F1 {result['f1']:.3f}   "
          f"({result['correct']} correct of {result['predicted']} predicted, {result['gold']} gold; "
          f"{result['predicted'] / result['articles']:.2f} facts per article against the gold's "
          f"{result['gold'] / result['articles']:.2f})")
    print(f"{'predicate':<28}{'gold':>6}{'pred':>6}{'right':>7}")
    for p, c in result["per_predicate"].items():
        print(f"{p:<28}{c.get('gold', 0):>6}{c.get('correct', 0) + c.get('wrong', 0):>6}{c.get('correct', 0):>7}")
    for band, c in result["reliability"].items():
        if c["n"]:
            print(f"confidence {band}: {c['correct']}/{c['n']} right ({c['correct'] / c['n']:.2f})")
    print(f"first {top} wrong: " + "; ".join(f"({s}, {p}, {o}) [{x}]" for _, s, p, o, x in result["wrong"][:top]))
