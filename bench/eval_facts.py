#!/usr/bin/env python3
"""Score webfacts relation extraction against Re-DocRED gold triples.

Dataset (read-only): /work/shared/datasets/re-docred (see its README.md).
Re-DocRED is the revised DocRED: 500 test and 500 dev lead sections of English
Wikipedia articles. Each document gives its entities as clusters of mentions
and its gold (head entity, Wikidata relation, tail entity) triples. Only gold
relations whose Wikidata id is in pipeline/registry.yaml are kept.

System input: each document's tokens joined with spaces (``--join spaces``,
the default), or lightly detokenised (``--join detok``: no space before
, . ) 's etc., quotes and hyphens attached). Sentences are joined with "\\n",
which the webfacts pipeline treats as a sentence break. A character-offset map
locates every gold token in that text.

Matching (see README.md for the full rules):
* a predicted triple (predicate, subject name, object name) is correct when the
  predicate's Wikidata id equals a gold triple's relation, the subject matches
  any mention of the gold head entity, and the object matches any mention of the
  gold tail entity;
* names match when equal after case, whitespace and punctuation are normalised;
  a DATE object also matches when it is the same date as the gold mention after
  ``pipeline.dates.normalize_date``, or the same at a coarser level (year,
  year-month): "2010" matches "May 3, 2010";
* identical predicted triples are deduplicated per document. Each gold triple
  is credited at most once, using a maximum bipartite matching. A prediction
  that matches only gold triples already credited to other predictions counts
  as predicted but not correct; its cause is "duplicate".

Usage::

    python bench/eval_facts.py [--split test|dev] [--limit-docs N] [--join spaces|detok] [--rules-only]
                               [--samples 20] [--out bench/out/eval_facts.json]

By default the relation model (pipeline/relation_model.py) adds its facts after the rules, as
pipeline/extract.py does; ``--rules-only`` scores the rules alone (the "before" of the model).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from pipeline.dates import normalize_date  # noqa: E402  (no spaCy import)
from locations import DATASETS  # noqa: E402  (bench/ is on sys.path: run as bench/<script>.py)

DATA_DIR = DATASETS / "re-docred"
SPLIT_FILES = {"test": "test_revised.json.gz", "dev": "dev_revised.json.gz"}
DEFAULT_OUT = BENCH_DIR / "out" / "eval_facts.json"
SENT_SEP = "\n"
# These figures are quoted in the dataset README and come from the Papers-with-Code mirror.
# They are end-to-end figures for supervised models that get the gold entities as input.
# They are given for orientation only and are not comparable to an open rule system.
PUBLISHED = {"KD-DocRE (Tan et al. 2022) test F1": 78.28, "DREEAM (Ma et al. 2023) test Ign F1": 80.39}


# ---------------------------------------------------------------------------
# Text construction with a character-offset map
# ---------------------------------------------------------------------------
NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "...", "…", "”", "’",
                   "'s", "’s", "n't", "'re", "'ll", "'ve", "'m", "'d"}
NO_SPACE_AFTER = {"(", "[", "{", "$", "£", "#", "“", "‘"}
JOINERS = {"-", "/"}


def join_tokens(tokens: list[str], detok: bool = False) -> tuple[str, list[tuple[int, int]]]:
    """One sentence's text and each token's (start, end) character offsets in it."""
    quote_opens = []
    open_ = False
    for tok in tokens:
        quote_opens.append(tok == '"' and not open_)
        if tok == '"':
            open_ = not open_
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for i, tok in enumerate(tokens):
        if i > 0:
            space = True
            if detok:
                prev = tokens[i - 1]
                if (tok in NO_SPACE_BEFORE or prev in NO_SPACE_AFTER or tok in JOINERS or prev in JOINERS
                        or (tok == '"' and not quote_opens[i]) or (prev == '"' and quote_opens[i - 1])):
                    space = False
            if space:
                parts.append(" ")
                pos += 1
        parts.append(tok)
        offsets.append((pos, pos + len(tok)))
        pos += len(tok)
    return "".join(parts), offsets


def build_text(sents: list[list[str]], detok: bool = False, sep: str = SENT_SEP
               ) -> tuple[str, list[list[tuple[int, int]]]]:
    """Document text and spans[sent][token] = (start_char, end_char) in it."""
    texts, spans, pos = [], [], 0
    for i, tokens in enumerate(sents):
        if i > 0:
            texts.append(sep)
            pos += len(sep)
        text, offsets = join_tokens(tokens, detok)
        texts.append(text)
        spans.append([(pos + a, pos + b) for a, b in offsets])
        pos += len(text)
    return "".join(texts), spans


class OffsetMap:
    """Character offset -> (sentence, token) of the gold tokenisation."""

    def __init__(self, spans: list[list[tuple[int, int]]]):
        self.spans = spans
        self.owner: dict[int, tuple[int, int]] = {}
        for s, toks in enumerate(spans):
            for t, (a, b) in enumerate(toks):
                for c in range(a, b):
                    self.owner[c] = (s, t)

    def tokens(self, start: int, end: int) -> list[tuple[int, int]]:
        """The (sentence, token) pairs that overlap the character range [start, end)."""
        out: list[tuple[int, int]] = []
        for c in range(start, end):
            st = self.owner.get(c)
            if st is not None and (not out or out[-1] != st):
                out.append(st)
        return out

    def sentence_of(self, start: int, end: int) -> int | None:
        toks = self.tokens(start, end)
        return toks[0][0] if toks else None

    def char_span(self, sent: int, start_tok: int, end_tok: int) -> tuple[int, int]:
        return self.spans[sent][start_tok][0], self.spans[sent][end_tok - 1][1]


# ---------------------------------------------------------------------------
# Name and date matching
# ---------------------------------------------------------------------------
_DROP = re.compile(r"\.")               # "U.S." = "US", "Ltd." = "Ltd"
_PUNCT = re.compile(r"[^\w]+|_")         # other punctuation (' - , ...) separates words:
                                         # "Doctor's" = "Doctor 's", "Ex-Girlfriend" = "Ex - Girlfriend"
_ARTICLE = re.compile(r"^(?:the|a|an) ")
_YEAR = re.compile(r"(?<!\d)(1\d{3}|20\d{2})(?!\d|s\b)")   # not the decade "1920s"
_ISO_SHAPE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def normalize_name(text: str, lenient: bool = False) -> str:
    """Casefold, drop periods, turn other punctuation into spaces, collapse whitespace.
    lenient: also drop a leading article ("The Loud Tour" = "Loud Tour")."""
    s = unicodedata.normalize("NFKC", text).casefold()
    s = " ".join(_PUNCT.sub(" ", _DROP.sub("", s)).split())
    if lenient:
        s = _ARTICLE.sub("", s)
    return s


def gold_date(text: str) -> str | None:
    """A gold mention's date as ISO: "July 15 , 1895" -> "1895-07-15", "the 1990 season" -> "1990"."""
    detok = re.sub(r"\s+([,.])", r"\1", " ".join(text.split()))
    iso = normalize_date(detok)
    if iso:
        return iso
    m = _YEAR.search(detok)
    return m.group(1) if m else None


def dates_compatible(a: str, b: str) -> bool:
    """Equal ISO dates, or one is the other at a coarser level ("2010" ~ "2010-05-03")."""
    if not (_ISO_SHAPE.match(a) and _ISO_SHAPE.match(b)):
        return False
    return a == b or a.startswith(b + "-") or b.startswith(a + "-")


def contains_tokens(longer: str, shorter: str) -> bool:
    """Whether the token sequence of `shorter` occurs inside `longer` (normalised strings)."""
    if not shorter:
        return False
    return f" {shorter} " in f" {longer} "


@dataclass
class GoldEntity:
    names: list[str]          # raw mention texts (annotated name and token-span text)
    type: str                 # DocRED type of the first mention (PER, ORG, LOC, TIME, NUM, MISC)
    mentions: list[tuple[int, int, int]]  # (sent_id, start_tok, end_tok)
    all_types: set[str] = field(default_factory=set)  # DocRED types over all mentions
    keys: set[str] = field(default_factory=set)
    lenient_keys: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)

    def __post_init__(self):
        self.all_types = set(self.all_types) or {self.type}
        self.keys = {normalize_name(n) for n in self.names} - {""}
        self.lenient_keys = {normalize_name(n, lenient=True) for n in self.names} - {""}
        self.dates = {d for n in self.names if (d := gold_date(n))}

    def matches(self, text: str, vtype: str = "", lenient: bool = False) -> bool:
        keys = self.lenient_keys if lenient else self.keys
        if normalize_name(text, lenient) in keys:
            return True
        return vtype == "DATE" and any(dates_compatible(text, d) for d in self.dates)

    def partially_matches(self, text: str, vtype: str = "") -> bool:
        """Lenient equality, or one name's tokens contained in the other's ("Loud" / "Loud Tour")."""
        if self.matches(text, vtype, lenient=True):
            return True
        n = normalize_name(text, lenient=True)
        return any(contains_tokens(k, n) or contains_tokens(n, k) for k in self.lenient_keys)


class GoldDoc:
    """One Re-DocRED document: entities and the gold triples restricted to `relation_ids`."""

    def __init__(self, doc: dict, relation_ids: set[str] | frozenset[str]):
        self.title = doc.get("title", "")
        self.sents = doc["sents"]
        self.entities: list[GoldEntity] = []
        for cluster in doc["vertexSet"]:
            names, mentions = [], []
            for m in cluster:
                s, (a, b) = m["sent_id"], m["pos"]
                names.append(m["name"])
                names.append(" ".join(self.sents[s][a:b]))
                mentions.append((s, a, b))
            self.entities.append(GoldEntity(list(dict.fromkeys(names)), cluster[0].get("type", ""), mentions,
                                            {m.get("type", "") for m in cluster}))
        self.relations_between: dict[tuple[int, int], set[str]] = defaultdict(set)
        self.evidence: dict[tuple[int, str, int], list[int]] = {}
        for lab in doc["labels"]:
            self.relations_between[(lab["h"], lab["t"])].add(lab["r"])
            if lab["r"] in relation_ids:
                self.evidence[(lab["h"], lab["r"], lab["t"])] = lab.get("evidence", [])
        self.triples: list[tuple[int, str, int]] = sorted(self.evidence, key=lambda g: (g[1], g[0], g[2]))

    def entity_matches(self, text: str, vtype: str = "", lenient: bool = False) -> set[int]:
        return {i for i, e in enumerate(self.entities) if e.matches(text, vtype, lenient)}

    def entity_partial_matches(self, text: str, vtype: str = "") -> set[int]:
        return {i for i, e in enumerate(self.entities) if e.partially_matches(text, vtype)}

    def co_sentences(self, h: int, t: int) -> list[int]:
        hs = {m[0] for m in self.entities[h].mentions}
        return sorted(hs & {m[0] for m in self.entities[t].mentions})


# ---------------------------------------------------------------------------
# Predictions and scoring
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Pred:
    """One extracted triple, flattened from pipeline.relations.Extraction."""
    wikidata: str
    predicate: str
    subject: str
    subject_type: str
    object: str
    object_type: str
    sentence_index: int = -1
    extractor: str = ""
    confidence: float = 0.0
    via_coref: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return self.wikidata, self.subject, self.object


def dedupe_preds(preds: list[Pred]) -> list[Pred]:
    """Identical triples (predicate, subject, object) once per document; the most confident kept."""
    best: dict[tuple, Pred] = {}
    for p in preds:
        if p.key not in best or p.confidence > best[p.key].confidence:
            best[p.key] = p
    return list(best.values())


def max_matching(candidates: list[list]) -> dict[int, object]:
    """Maximum bipartite matching (Kuhn): prediction index -> the gold triple credited to it."""
    owner: dict[object, int] = {}

    def augment(i: int, seen: set) -> bool:
        for g in candidates[i]:
            if g in seen:
                continue
            seen.add(g)
            if g not in owner or augment(owner[g], seen):
                owner[g] = i
                return True
        return False

    for i in range(len(candidates)):
        augment(i, set())
    return {i: g for g, i in owner.items()}


@dataclass
class DocScore:
    preds: list[Pred]                       # deduplicated
    candidates: list[list[tuple]]           # gold triples each prediction matches
    credited: dict[int, tuple]              # prediction index -> gold triple
    found: set[tuple]                       # gold triples credited

    def status(self, i: int) -> str:
        if i in self.credited:
            return "correct"
        return "duplicate" if self.candidates[i] else "false_positive"


def score_document(gold: GoldDoc, preds: list[Pred], lenient: bool = False) -> DocScore:
    preds = dedupe_preds(preds)
    candidates = []
    for p in preds:
        subj = gold.entity_matches(p.subject, p.subject_type, lenient)
        obj = gold.entity_matches(p.object, p.object_type, lenient) if subj else set()
        candidates.append([g for g in gold.triples if g[1] == p.wikidata and g[0] in subj and g[2] in obj])
    credited = max_matching(candidates)
    return DocScore(preds, candidates, credited, set(credited.values()))


def prf(correct: int, predicted: int, gold: int) -> dict[str, float]:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    correct: int = 0
    duplicate: int = 0

    def add(self, other: "Counts") -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.correct += other.correct
        self.duplicate += other.duplicate

    def row(self) -> dict:
        return {**asdict(self), **prf(self.correct, self.predicted, self.gold)}


def relation_counts(gold: GoldDoc, score: DocScore) -> dict[str, Counts]:
    counts: dict[str, Counts] = defaultdict(Counts)
    for g in gold.triples:
        counts[g[1]].gold += 1
    for i, p in enumerate(score.preds):
        c = counts[p.wikidata]
        c.predicted += 1
        status = score.status(i)
        c.correct += status == "correct"
        c.duplicate += status == "duplicate"
    return counts


def micro(per_relation: dict[str, Counts], ids) -> Counts:
    total = Counts()
    for r in ids:
        if r in per_relation:
            total.add(per_relation[r])
    return total


# ---------------------------------------------------------------------------
# Error causes (diagnostics only; they do not change the scores)
# ---------------------------------------------------------------------------
def fp_cause(gold: GoldDoc, score: DocScore, i: int, rel_names: dict[str, str]) -> tuple[str, str]:
    """(cause, detail) of a prediction that earned no credit."""
    p = score.preds[i]
    if score.candidates[i]:
        return "duplicate", "gold triple already credited to another name of the same entity"
    subj = gold.entity_matches(p.subject, p.subject_type)
    obj = gold.entity_matches(p.object, p.object_type)
    psubj = gold.entity_partial_matches(p.subject, p.subject_type)
    pobj = gold.entity_partial_matches(p.object, p.object_type)
    near = [g for g in gold.triples if g[1] == p.wikidata and g[0] in psubj and g[2] in pobj]
    if near:
        h, _, t = near[0]
        return "name_mismatch", (f"gold: {gold.entities[h].names[0]!r} -> {gold.entities[t].names[0]!r}")
    cause, detail = _fp_base_cause(gold, p, subj, obj, psubj, pobj, rel_names)
    if p.via_coref:
        return "coref_antecedent", f"an argument was resolved from a definite NP ('the film', 'the company'); {cause}: {detail}"
    return cause, detail


def _fp_base_cause(gold, p, subj, obj, psubj, pobj, rel_names) -> tuple[str, str]:
    if subj and obj:
        if any(p.wikidata in gold.relations_between[(o, s)] for s in subj for o in obj):
            return "reversed", "gold has the triple the other way round"
        fwd = sorted({r for s in subj for o in obj for r in gold.relations_between[(s, o)]})
        rev = sorted({r for s in subj for o in obj for r in gold.relations_between[(o, s)]})
        if fwd or rev:
            return "other_relation", "gold: " + ", ".join(
                [f"{r} {rel_names.get(r, '?')}" for r in fwd] + [f"{r} {rel_names.get(r, '?')} (reversed)" for r in rev])
        return "pair_unannotated", "both are gold entities, gold relates them with nothing"
    missing = [role for role, m in (("subject", subj), ("object", obj)) if not m]
    partial = [role for role, m in (("subject", psubj), ("object", pobj)) if m]
    detail = ", ".join(f"{r}{' (partial name match)' if r in partial else ''}" for r in missing)
    return "argument_not_gold", f"no gold entity for the {detail}"


@dataclass(frozen=True)
class SystemSpan:
    """A span the system recognised, for coverage checks on missed gold triples."""
    start: int
    end: int
    type: str
    kind: str | None
    name: str


# DocRED entity types -> the webfacts types they can legitimately take.
DOCRED_TYPES = {"PER": {"PERSON"}, "ORG": {"ORG"}, "LOC": {"PLACE"}, "TIME": {"DATE"},
                "NUM": {"DATE", "STRING"}, "MISC": {"WORK", "EVENT", "MISC", "STRING"}}


def in_registry_scope(entity: GoldEntity, allowed) -> bool:
    """Whether any of the gold entity's DocRED types can map to an allowed registry type
    (P361 part_of between two places is outside the registry's WORK -> WORK frame)."""
    return any(DOCRED_TYPES.get(t, set()) & set(allowed) for t in entity.all_types)


def fn_cause(gold: GoldDoc, score: DocScore, g: tuple[int, str, int], spans_by_sent: dict[int, list[tuple]],
             offsets: OffsetMap, types: dict[str, tuple], rel_names: dict[str, str]) -> tuple[str, str]:
    """(cause, detail) of a gold triple nobody found.

    spans_by_sent: gold sentence id -> SystemSpan list; types: wikidata id ->
    (subject_types, object_types, subject_kinds) from the registry.
    """
    h, r, t = g
    same_pred = [p for p in score.preds if p.wikidata == r]
    for p in same_pred:
        if gold.entities[h].partially_matches(p.subject, p.subject_type) and \
                gold.entities[t].partially_matches(p.object, p.object_type):
            return "name_mismatch", f"predicted ({p.subject!r}, {p.object!r})"
    other = []
    for p in score.preds:
        if p.wikidata == r:
            if gold.entities[t].matches(p.subject, p.subject_type) and gold.entities[h].matches(p.object, p.object_type):
                return "reversed", f"predicted ({p.subject!r}, {p.object!r})"
            continue
        if gold.entities[h].matches(p.subject, p.subject_type) and gold.entities[t].matches(p.object, p.object_type):
            other.append(p.predicate)
    if other:
        return "other_predicate", "predicted as " + ", ".join(sorted(set(other)))
    subj_types, obj_types, kinds = types[r]
    out = [f"{role} is DocRED {sorted(e.all_types)}, registry wants {sorted(allowed)}"
           for role, e, allowed in (("head", gold.entities[h], subj_types), ("tail", gold.entities[t], obj_types))
           if not in_registry_scope(e, allowed)]
    if out:
        return "registry_scope", "; ".join(out)
    co = gold.co_sentences(h, t)
    if not co:
        return "cross_sentence", "head and tail never named in one sentence (pronoun/coref or document-level inference)"
    best = None
    for s in co:
        h_spans = _overlapping(gold.entities[h], s, spans_by_sent.get(s, []), offsets)
        t_spans = _overlapping(gold.entities[t], s, spans_by_sent.get(s, []), offsets)
        if not h_spans or not t_spans:
            which = " and ".join(x for x, sp in (("head", h_spans), ("tail", t_spans)) if not sp)
            cand = (3, "entity_not_detected", f"no system mention for the {which} in sentence {s}")
        elif not any(sp.type in subj_types for sp in h_spans) or not any(sp.type in obj_types for sp in t_spans):
            cand = (2, "type_mismatch",
                    f"system types head={sorted({sp.type for sp in h_spans})} tail={sorted({sp.type for sp in t_spans})}; "
                    f"registry wants {sorted(subj_types)} -> {sorted(obj_types)}")
        elif kinds and not any(sp.kind in kinds for sp in h_spans):
            cand = (1, "work_kind_missing", f"subject kind {sorted({str(sp.kind) for sp in h_spans})}, registry wants {sorted(kinds)}")
        else:
            cand = (0, "no_rule_fired", f"both found with fitting types in sentence {s}")
        if best is None or cand[0] < best[0]:
            best = cand
    return best[1], best[2]


def _overlapping(entity: GoldEntity, sent: int, spans: list[SystemSpan], offsets: OffsetMap) -> list[SystemSpan]:
    out = []
    for s, a, b in entity.mentions:
        if s != sent:
            continue
        start, end = offsets.char_span(s, a, b)
        out.extend(sp for sp in spans if sp.start < end and start < sp.end)
    return out


# ---------------------------------------------------------------------------
# Running webfacts
# ---------------------------------------------------------------------------
def load_docs(split: str, limit: int | None = None, data_dir: Path = DATA_DIR) -> list[dict]:
    with gzip.open(data_dir / SPLIT_FILES[split], "rt", encoding="utf-8") as f:
        docs = json.load(f)
    return docs[:limit] if limit else docs


def system_spans(doc, mentions, offsets: OffsetMap) -> dict[int, list[SystemSpan]]:
    """Mentions plus DATE entities / numbers (which the resolver turns into dates), by gold sentence."""
    spans = [SystemSpan(m.start_char, m.end_char, m.type, m.kind, m.name) for m in mentions]
    spans += [SystemSpan(e.start_char, e.end_char, "DATE", None, e.text) for e in doc.ents if e.label_ == "DATE"]
    spans += [SystemSpan(t.idx, t.idx + len(t.text), "DATE", None, t.text) for t in doc if t.like_num and not t.ent_type_]
    by_sent: dict[int, list[SystemSpan]] = defaultdict(list)
    for sp in spans:
        s = offsets.sentence_of(sp.start, sp.end)
        if s is not None:
            by_sent[s].append(sp)
    return by_sent


PIPELINE_FILES = ("nlp.py", "mentions.py", "dates.py", "registry.py", "registry.yaml", "relation_model.py")


def pipeline_fingerprint() -> str:
    """sha256 (12 hex) over the pipeline files the extraction depends on, to tell runs of different code apart."""
    h = hashlib.sha256()
    pipeline = REPO_ROOT / "pipeline"
    relations = sorted(p.relative_to(pipeline).as_posix() for p in (pipeline / "relations").glob("*.py"))
    models = sorted(p.relative_to(pipeline).as_posix() for p in (pipeline / "models").glob("relations-*.npz"))
    for name in (*PIPELINE_FILES, *relations, *models):
        path = REPO_ROOT / "pipeline" / name
        h.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    return h.hexdigest()[:12]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=sorted(SPLIT_FILES), default="test")
    ap.add_argument("--limit-docs", type=int, default=None, help="first N documents only")
    ap.add_argument("--join", choices=["spaces", "detok"], default="spaces",
                    help="tokens joined with single spaces (default) or lightly detokenised")
    ap.add_argument("--samples", type=int, default=20, help="false positives / negatives to print")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", type=Path, default=DATA_DIR)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--rules-only", action="store_true", help="without the relation model")
    ap.add_argument("--calibrated-only", action="store_true",
                    help="the model's calibrated thresholds without the pipeline's HOUSE_FLOORS (diagnostic)")
    args = ap.parse_args(argv)

    from pipeline.mentions import document_mentions
    from pipeline.nlp import load_nlp
    from pipeline.registry import load_registry
    from pipeline.relation_model import MODEL_PATH, RelationModel, load_model, model_extractions
    from pipeline.relations import extract_relations

    fingerprint = pipeline_fingerprint()
    predicates = load_registry()
    registry = {p.wikidata: p.name for p in predicates}
    name_to_id = {p.name: p.wikidata for p in predicates}
    types = {p.wikidata: (p.subject_types, p.object_types, p.subject_kinds) for p in predicates}
    rel_names: dict[str, str] = json.loads((args.data_dir / "rel_info.json").read_text())
    # Relations the dataset annotates at all, with entity objects as ours: position_held's object is the office
    # as a literal ("chancellor"), Re-DocRED's an entity ("Chancellor of the Exchequer"), so it is not judged.
    literal = {p.wikidata for p in predicates if p.object_kind == "string"}
    judged = [r for r in registry if r in rel_names and r not in literal]
    unjudged = [r for r in registry if r not in judged]

    docs = load_docs(args.split, args.limit_docs, args.data_dir)
    detok = args.join == "detok"
    built = [build_text(d["sents"], detok) for d in docs]
    nlp = load_nlp()
    model = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')} {nlp.meta.get('version')}"
    relation_model = None if args.rules_only else RelationModel(MODEL_PATH, {}) if args.calibrated_only else load_model()
    layer = "rules only" if relation_model is None else f"rules + model:{relation_model.version}" + (
        " (calibrated thresholds, no house floors)" if args.calibrated_only else "")
    print(f"re-docred {args.split}: {len(docs)} docs, join={args.join}, model {model}, {layer}, "
          f"pipeline {fingerprint}", file=sys.stderr)

    per_rel: dict[str, Counts] = defaultdict(Counts)
    per_rel_lenient: dict[str, Counts] = defaultdict(Counts)
    fps, fns, tps, dups, unjudged_preds = [], [], [], [], []
    t0 = time.perf_counter()
    extract_s = model_s = 0.0   # model_s: the relation model's share of extract_s
    for k, (d, (text, spans)) in enumerate(zip(docs, built)):
        t1 = time.perf_counter()
        sdoc = nlp(text)
        mentions = document_mentions(sdoc)
        extractions = extract_relations(sdoc, mentions)
        t2 = time.perf_counter()
        if relation_model is not None:
            extractions += model_extractions(sdoc, mentions, None, extractions, relation_model)
        model_s += time.perf_counter() - t2
        extract_s += time.perf_counter() - t1
        offsets = OffsetMap(spans)
        sent_text = [s.text.strip() for s in sdoc.sents]
        preds = [Pred(name_to_id[e.predicate], e.predicate, e.subject.text, e.subject.type, e.object.text,
                      e.object.type, e.sentence_index, e.extractor, e.confidence,
                      e.subject.via_coref or e.object.via_coref) for e in extractions]
        gold = GoldDoc(d, set(judged))
        score = score_document(gold, [p for p in preds if p.wikidata in judged])
        for r, c in relation_counts(gold, score).items():
            per_rel[r].add(c)
        for r, c in relation_counts(gold, score_document(gold, [p for p in preds if p.wikidata in judged],
                                                          lenient=True)).items():
            per_rel_lenient[r].add(c)
        for p in dedupe_preds([p for p in preds if p.wikidata in unjudged]):
            unjudged_preds.append({"doc": k, "title": gold.title, **asdict(p),
                                   "sentence": sent_text[p.sentence_index] if 0 <= p.sentence_index < len(sent_text) else ""})

        for i, p in enumerate(score.preds):
            rec = {"doc": k, "title": gold.title, **asdict(p),
                   "sentence": sent_text[p.sentence_index] if 0 <= p.sentence_index < len(sent_text) else ""}
            status = score.status(i)
            if status == "correct":
                h, r, t = score.credited[i]
                tps.append({**rec, "gold_head": gold.entities[h].names[0], "gold_tail": gold.entities[t].names[0]})
                continue
            rec["cause"], rec["detail"] = fp_cause(gold, score, i, rel_names)
            (dups if status == "duplicate" else fps).append(rec)

        by_sent = system_spans(sdoc, mentions, offsets)
        for g in gold.triples:
            if g in score.found:
                continue
            h, r, t = g
            cause, detail = fn_cause(gold, score, g, by_sent, offsets, types, rel_names)
            ev = gold.evidence.get(g) or gold.co_sentences(h, t) or sorted({m[0] for m in gold.entities[h].mentions})[:1]
            fns.append({"doc": k, "title": gold.title, "wikidata": r, "predicate": registry[r],
                        "head": gold.entities[h].names[0], "head_names": gold.entities[h].names,
                        "tail": gold.entities[t].names[0], "tail_names": gold.entities[t].names,
                        "head_type": gold.entities[h].type, "tail_type": gold.entities[t].type,
                        "evidence": ev, "cause": cause, "detail": detail,
                        "sentences": [join_tokens(d["sents"][s], detok)[0] for s in ev]})
        if (k + 1) % 100 == 0:
            print(f"  {k + 1}/{len(docs)} docs, {time.perf_counter() - t0:.0f}s", file=sys.stderr)

    if pipeline_fingerprint() != fingerprint:
        print("WARNING: pipeline/ files changed during the run; the scores mix code versions", file=sys.stderr)
    rows = []
    for r in sorted(registry, key=lambda r: (-per_rel[r].gold, registry[r])):
        row = {"relation": registry[r], "wikidata": r, "judged": r in judged, **per_rel[r].row()}
        if r not in judged:
            row.update(gold=None, P=None, R=None, F1=None,
                       predicted=sum(1 for u in unjudged_preds if u["wikidata"] == r), correct=None)
        rows.append(row)
    summary = {
        "micro": micro(per_rel, judged).row(),
        "micro_lenient_article": micro(per_rel_lenient, judged).row(),
        "micro_without_P131": micro(per_rel, [r for r in judged if r != "P131"]).row(),
    }
    gold_total = summary["micro"]["gold"]
    print_table(rows, summary)
    print(f"\ngold triples in registry relations: {gold_total} "
          f"({len(judged)} of {len(registry)} registry relations exist in DocRED's schema); "
          f"found {summary['micro']['correct']} ({summary['micro']['R']:.1%})")
    if unjudged:
        print("not judged (no such relation in DocRED, so predictions cannot be checked): "
              + ", ".join(f"{registry[r]} {r}" for r in unjudged))
    print(f"extraction: {len(docs)} docs in {extract_s:.1f}s ({len(docs) / extract_s:.1f} docs/s); the relation "
          f"model {model_s:.1f}s of it, {model_s / max(extract_s - model_s, 1e-9):.1%} on top of parse + mentions + rules")
    reliability = model_reliability(tps, fps + dups)
    if relation_model is not None:
        print(f"model facts: {reliability['model']['predicted']} predicted, {reliability['model']['correct']} correct; "
              f"confidence >= {HIGH_CONFIDENCE}: {reliability['model_high']['predicted']} predicted, "
              f"{reliability['model_high']['share_correct']:.1%} correct")
    fp_causes = Counter(x["cause"] for x in fps + dups)
    fn_causes = Counter(x["cause"] for x in fns)
    fn_causes_no131 = Counter(x["cause"] for x in fns if x["wikidata"] != "P131")
    print_causes("predictions without credit", fp_causes, None)
    print_causes("missed gold triples", fn_causes, fn_causes_no131)
    print_samples(fps, fns, args.samples, args.seed)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "config": {"split": args.split, "docs": len(docs), "join": args.join, "sentence_separator": SENT_SEP,
                   "model": model, "pipeline_fingerprint": fingerprint, "dataset": str(args.data_dir / SPLIT_FILES[args.split]),
                   "judged_relations": judged, "unjudged_relations": unjudged,
                   "extract_seconds": round(extract_s, 2), "model_seconds": round(model_s, 2), "layer": layer},
        "reliability": reliability,
        "relations": rows, **summary,
        "published_for_orientation": PUBLISHED,
        "fp_causes": dict(fp_causes.most_common()),
        "fn_causes": dict(fn_causes.most_common()),
        "fn_causes_without_P131": dict(fn_causes_no131.most_common()),
        "fp_causes_by_relation": _by_relation(fps + dups),
        "fn_causes_by_relation": _by_relation(fns),
        "false_positives": fps, "duplicates": dups, "false_negatives": fns,
        "true_positives": tps, "unjudged_predictions": unjudged_preds,
    }, indent=1, ensure_ascii=False))
    print(f"\nwrote {args.out}")
    return 0


HIGH_CONFIDENCE = 0.8


def model_reliability(tps: list[dict], wrong: list[dict]) -> dict[str, dict]:
    """Judged predictions by layer (rules, model) and the model's at confidence >= HIGH_CONFIDENCE: how many,
    and the share correct (duplicates count as not correct)."""
    out = {}
    for label, keep in (("rules", lambda x: not x["extractor"].startswith("model:")),
                        ("model", lambda x: x["extractor"].startswith("model:")),
                        ("model_high", lambda x: x["extractor"].startswith("model:")
                         and x["confidence"] >= HIGH_CONFIDENCE)):
        correct = sum(1 for x in tps if keep(x))
        predicted = correct + sum(1 for x in wrong if keep(x))
        out[label] = {"predicted": predicted, "correct": correct,
                      "share_correct": correct / predicted if predicted else 0.0}
    return out


def _by_relation(items: list[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, Counter] = defaultdict(Counter)
    for x in items:
        out[x["predicate"]][x["cause"]] += 1
    return {k: dict(v.most_common()) for k, v in sorted(out.items())}


def _fmt(x: float | None) -> str:
    return "    -" if x is None else f"{x:.3f}"


def print_table(rows: list[dict], summary: dict) -> None:
    head = f"{'relation':<24}{'id':<8}{'gold':>6}{'pred':>6}{'corr':>6}{'P':>7}{'R':>7}{'F1':>7}"
    print(head)
    print("-" * len(head))
    for row in rows:
        gold = "n/a" if row["gold"] is None else row["gold"]
        corr = "-" if row["correct"] is None else row["correct"]
        print(f"{row['relation']:<24}{row['wikidata']:<8}{gold:>6}{row['predicted']:>6}{corr:>6}"
              f"{_fmt(row['P']):>7}{_fmt(row['R']):>7}{_fmt(row['F1']):>7}")
    print("-" * len(head))
    for label, key in (("micro", "micro"), ("micro (the/a/an ignored)", "micro_lenient_article"),
                       ("micro without P131", "micro_without_P131")):
        m = summary[key]
        print(f"{label:<32}{m['gold']:>6}{m['predicted']:>6}{m['correct']:>6}"
              f"{_fmt(m['P']):>7}{_fmt(m['R']):>7}{_fmt(m['F1']):>7}")


def print_causes(title: str, causes: Counter, without_131: Counter | None) -> None:
    total = sum(causes.values())
    print(f"\n{title}: {total}")
    for cause, n in causes.most_common():
        extra = f"   (without P131: {without_131[cause]})" if without_131 is not None else ""
        print(f"  {cause:<22}{n:>6}  {n / total:6.1%}{extra}")


def round_robin_sample(items: list[dict], n: int, seed: int) -> list[dict]:
    """n items, shuffled with `seed`, taken in turn from each relation so one relation cannot fill the list."""
    rng = random.Random(seed)
    groups: dict[str, list[dict]] = defaultdict(list)
    for x in items:
        groups[x["predicate"]].append(x)
    for g in groups.values():
        rng.shuffle(g)
    order = sorted(groups, key=lambda k: -len(groups[k]))
    out: list[dict] = []
    while len(out) < n and any(groups.values()):
        for k in order:
            if groups[k] and len(out) < n:
                out.append(groups[k].pop())
    return out


def _short(s: str, n: int = 240) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def print_samples(fps: list[dict], fns: list[dict], n: int, seed: int) -> None:
    print(f"\n{n} sample false positives (round-robin over relations, seed {seed}):")
    for x in round_robin_sample(fps, n, seed):
        print(f"- [{x['predicate']}] ({x['subject']} [{x['subject_type']}] ; {x['object']} [{x['object_type']}])"
              f"  {x['cause']}: {x['detail']}  <{x['extractor']}>  doc {x['doc']} {x['title']!r}")
        print(f"    {_short(x['sentence'])}")
    print(f"\n{n} sample false negatives (round-robin over relations, seed {seed}):")
    for x in round_robin_sample(fns, n, seed):
        print(f"- [{x['predicate']}] ({x['head']} [{x['head_type']}] ; {x['tail']} [{x['tail_type']}])"
              f"  {x['cause']}: {x['detail']}  doc {x['doc']} {x['title']!r}")
        for s in x["sentences"][:2]:
            print(f"    {_short(s)}")


if __name__ == "__main__":
    sys.exit(main())
