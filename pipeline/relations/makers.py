"""Whose work a work is, from a by-line ('Biscuit Bear by Mini Grey') or a possessive before it
('Andrea Arnold's gritty drama Wasp'); the work's kind decides the predicate."""
from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline.mentions import KIND_NOUNS, Mention
from pipeline.registry import Predicate
from pipeline.relations.resolver import Resolver
from pipeline.relations.values import CONFIDENCE, COREF_PENALTY, Extraction, Value, accept


def by_line_extractions(doc: Doc, pred: Predicate, resolver: Resolver, sent_i: int,
                        sent: Span) -> list[Extraction]:
    """'Biscuit Bear by Mini Grey', 'the album Quiet Engines by Pale Harbor': a work right before 'by' and a
    name right after it; the work's kind decides whose work it is (an album's performer, a novel's author)."""
    out = []
    for m in resolver.mentions:
        if m.type != "WORK" or not sent.start <= m.token_start < sent.end:
            continue
        by = m.token_end + (m.token_end < sent.end and doc[m.token_end].text == ",")  # "X, by Y,"
        kind = m.kind
        if by + 1 < sent.end and doc[by].lower_ != "by":
            by, kind = _kind_then_from(doc, m.token_end, sent.end, kind)  # "X, the new album from Y"
        if by + 1 >= sent.end or doc[by].lower_ not in ("by", "from"):
            continue
        for maker in _listed_names(doc, by + 1, sent.end, resolver):
            out.extend(_maker_extraction(pred, Value(m.name, m.type, kind),
                                         Value(maker.name, maker.type, maker.kind), resolver, sent_i, "by_line"))
    return out


def _kind_then_from(doc: Doc, i: int, end: int, kind: str | None) -> tuple[int, str | None]:
    """'X, the new album from Y', 'X, a novel by Y': the index of 'from' or 'by' after a comma and a noun
    phrase ending in a kind of work (which becomes the work's kind), else i."""
    if i + 2 >= end or doc[i].text != "," or doc[i + 1].lower_ not in ("the", "a", "an"):
        return i, kind
    j = i + 2
    while j < end and j - i <= MAX_WORK_MODIFIERS + 2 and doc[j].is_lower and doc[j].is_alpha:
        noun = doc[j].lemma_.lower()
        if KIND_NOUNS.get(noun) == "WORK" and j + 1 < end and doc[j + 1].lower_ in ("from", "by"):
            return j + 1, kind or noun
        j += 1
    return i, kind


def _listed_names(doc: Doc, i: int, end: int, resolver: Resolver) -> list[Mention]:
    """The names listed from token i: 'A', 'A and B', 'A, B and C'."""
    names = []
    while i < end and (m := resolver.by_token.get(i)) is not None and m.token_start == i:
        names.append(m)
        i = m.token_end
        if i + 1 < end and doc[i].lower_ in (",", "and", "&"):
            i += 1 + (doc[i].text == "," and doc[i + 1].lower_ == "and")
        else:
            break
    return names


MAX_WORK_MODIFIERS = 3  # "Arnold's gritty new drama Wasp"
POSSESSIVE_WORDS = {"his", "her", "whose"}


def possessive_maker_extractions(doc: Doc, pred: Predicate, resolver: Resolver, sent_i: int,
                                 sent: Span) -> list[Extraction]:
    """'Andrea Arnold's gritty drama Wasp', 'Keane's album Hopes and Fears', 'Ian Rankin's Fleshmarket Close'
    (a novel the document named as one): a name, its possessive, lower-case words ending in the work's kind,
    then the work; the kind decides whose work it is."""
    out = []
    for m in resolver.mentions:
        if m.type != "WORK" or not sent.start <= m.token_start < sent.end:
            continue
        i, kind = m.token_start - 1, m.kind
        while i > sent.start and m.token_start - i <= MAX_WORK_MODIFIERS and doc[i].is_lower and doc[i].is_alpha \
                and doc[i].lower_ not in POSSESSIVE_WORDS and doc[i].pos_ in ("ADJ", "NOUN"):  # not "her role in X"
            if kind is None and KIND_NOUNS.get(doc[i].lemma_.lower()) == "WORK":
                kind = doc[i].lemma_.lower()
            i -= 1
        if i > sent.start and (maker := _possessor(doc, i, resolver)) is not None:
            out.extend(_maker_extraction(pred, Value(m.name, m.type, kind), maker, resolver, sent_i,
                                         "possessive_maker"))
    return out


def _possessor(doc: Doc, i: int, resolver: Resolver) -> Value | None:
    """Whose the work is, from the word before its kind: a name's possessive ('Keane's'), a pronoun standing
    for a person ('her album'), or 'whose' after the name it relates to ('Arnold, whose film Wasp')."""
    tok = doc[i]
    if tok.text in ("'s", "’s", "'", "’"):
        maker = resolver.by_token.get(i - 1)
        return Value(maker.name, maker.type, maker.kind) if maker is not None else None
    if tok.lower_ in ("his", "her"):  # "its" and "their" are a band's or a firm's: not resolved here
        return resolver.value(tok)
    if tok.lower_ == "whose":
        clause = next((a for a in tok.ancestors if a.dep_ == "relcl"), None)
        return resolver.value(clause.head) if clause is not None else None
    return None


def _maker_extraction(pred: Predicate, work: Value, obj: Value, resolver: Resolver, sent_i: int,
                      frame: str) -> list[Extraction]:
    if work.kind not in pred.makers or not accept(pred, work, obj) or resolver.is_author(obj.text):
        return []
    confidence = CONFIDENCE["noun"] * (COREF_PENALTY if obj.via_coref else 1.0)
    return [Extraction(pred.name, work, obj, sent_i, f"{pred.name}:{frame}", round(confidence, 3))]
