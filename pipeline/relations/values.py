"""What an extraction is (Value, Extraction), how confident each frame style is, and whether a pair of
values fits a predicate's slots (types, kinds, pattern), typing untagged names by the slot."""
from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline import gazetteer
from pipeline.registry import Predicate

CONFIDENCE = {"verb": 0.9, "participle": 0.85, "noun": 0.8, "title": 0.75, "possessive": 0.75, "surface": 0.7}
COREF_PENALTY = 0.85

UNTYPED = "UNTYPED"   # a proper name the model did not tag; the frame slot decides its type
FRAME_TYPED_PENALTY = 0.8


@dataclass(frozen=True)
class Value:
    """A resolved argument: an entity name with its type, or a literal."""
    text: str
    type: str                 # PERSON, ORG, ..., DATE, STRING, or UNTYPED before a frame types it
    kind: str | None = None   # the work kind, for subject_kinds checks
    via_coref: bool = False
    span: tuple[int, int] | None = None  # character span of an untagged name, to become a mention
    antecedent_sentence: int | None = None  # where a pronoun's or description's antecedent was named


@dataclass(frozen=True)
class Extraction:
    predicate: str
    subject: Value
    object: Value
    sentence_index: int
    extractor: str
    confidence: float
    modality: str = "asserted"   # asserted, reported, hedged or negated (pipeline/modality.py)


def _type_ok(value: Value, allowed: frozenset[str]) -> bool:
    return value.type in allowed


def frame_type(value: Value, allowed: frozenset[str]) -> Value:
    """An untagged name takes the slot's type when the slot allows exactly one entity type."""
    if value.type != UNTYPED:
        return value
    entity_types = allowed - {"DATE", "STRING"}
    return replace(value, type=next(iter(entity_types))) if len(entity_types) == 1 else value


def team_type(pred: Predicate, value: Value) -> Value:
    """'played for England': where the predicate says so, a nation stands for its national side."""
    if pred.nation_teams and value.type == "PLACE" and gazetteer.is_nation(value.text):
        return replace(value, type="ORG")
    return value


def place_type(pred: Predicate, value: Value) -> Value:
    """'a resident of York' with York tagged an organisation: a slot only places fill takes a name GeoNames
    knows as a place (and no organisation slot competes)."""
    if value.type == "ORG" and pred.object_types & {"PLACE", "ORG"} == {"PLACE"} and gazetteer.lookup(value.text):
        return replace(value, type="PLACE")
    return value


def accept(pred: Predicate, subj: Value, obj: Value) -> bool:
    if not (_type_ok(subj, pred.subject_types) and _type_ok(obj, pred.object_types)):
        return False
    if pred.subject_kinds and subj.kind not in pred.subject_kinds:
        return False
    if pred.object_pattern is not None and obj.type != "AWARD" and not pred.object_pattern.search(obj.text):
        return False  # a name typed an award ("Golden Bear") needs no award word; another type does
    if pred.parties is not None and gazetteer.is_party_name(obj.text) != (pred.parties == "only"):
        return False  # "joined the Labour Party" is a party membership, "joined Kestrel Bank" a job
    return subj.text != obj.text


def pairs(pred: Predicate, subjects: list[Value], objects: list[Value], sent_i: int, extractor: str,
          base: float) -> list[Extraction]:
    """Every subject with every object that fits the predicate, typed by the frame where untagged; confidence
    is the frame style's, lowered for a coreferent or frame-typed argument."""
    out = []
    for subj in subjects:
        for obj in objects:
            typed_by_frame = UNTYPED in (subj.type, obj.type)
            subj, obj = frame_type(subj, pred.subject_types), frame_type(team_type(pred, place_type(pred, obj)),
                                                                         pred.object_types)
            if not accept(pred, subj, obj):
                continue
            conf = base * (COREF_PENALTY if subj.via_coref or obj.via_coref else 1.0)
            conf *= FRAME_TYPED_PENALTY if typed_by_frame else 1.0
            out.append(Extraction(pred.name, subj, obj, sent_i, extractor, round(conf, 3)))
    return out

