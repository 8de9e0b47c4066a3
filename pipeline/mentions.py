"""Entity mentions of one parsed document, resolved within the document.

Surname, first-name, possessive and title variants resolve to the fullest
name in the document; the type is voted across all mentions of that name, so
one sentence where the model tags "Lamar" as a place does not make a place.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

LABEL_TYPES = {
    "PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE",
    "WORK_OF_ART": "WORK", "EVENT": "EVENT", "NORP": "MISC", "PRODUCT": "MISC", "LAW": "MISC",
}
# Nouns that name the kind of a work or organisation ("the film", "the label").
KIND_NOUNS = {
    "film": "WORK", "movie": "WORK", "documentary": "WORK", "short": "WORK", "series": "WORK",
    "show": "WORK", "episode": "WORK", "album": "WORK", "song": "WORK", "track": "WORK",
    "single": "WORK", "ep": "WORK", "lp": "WORK", "record": "WORK", "mixtape": "WORK", "book": "WORK",
    "novel": "WORK", "memoir": "WORK", "play": "WORK", "musical": "WORK", "feature": "WORK",
    "chapter": "WORK",
    "company": "ORG", "studio": "ORG", "label": "ORG", "firm": "ORG", "band": "ORG",
    "group": "ORG", "network": "ORG", "publisher": "ORG", "agency": "ORG", "organization": "ORG",
    "organisation": "ORG", "university": "ORG", "city": "PLACE", "town": "PLACE",
}
# What "the <noun>" may refer back to when that is broader than the noun's own kind: "the record" is an
# album, an EP or a single, "the LP" an album, "the project" any work. "project" names no kind, so it is
# not in KIND_NOUNS: '"X", his new project' says nothing of what X is.
ANY_KIND = None
ANTECEDENT_KINDS = {
    "record": frozenset({"record", "album", "ep", "lp", "mixtape", "single", "song", "track"}),
    "lp": frozenset({"lp", "album", "record"}),
    "project": ANY_KIND,
}
HONORIFICS = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|sir|dame|lord|lady)\.?\s+", re.I)
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
# A proper-noun name ending in one of these words names an organisation.
ORG_DESIGNATORS = {
    "records", "pictures", "studios", "studio", "works", "group", "media", "entertainment", "films",
    "productions", "inc", "inc.", "ltd", "ltd.", "corp", "corp.", "corporation", "company", "co.", "llc",
    "sound", "labs", "university", "institute", "college", "bank", "press", "publishing", "networks",
    "agency", "foundation", "association", "society", "partners", "holdings", "music", "label",
}
SPEECH_VERBS = {"say", "tell", "add", "explain", "recall", "insist", "argue", "admit", "joke", "write"}
TYPE_PRIORITY = ["WORK", "PERSON", "ORG", "PLACE", "EVENT", "MISC"]


@dataclass(frozen=True)
class Mention:
    surface: str
    name: str            # the document-level canonical name after resolution
    type: str            # voted type
    label: str           # the raw NER label, or TITLE for a quoted title
    kind: str | None     # film, album, ... for works when the text says so
    sentence_index: int
    start_char: int
    end_char: int
    token_start: int
    token_end: int
    speaker: bool = False  # subject of a speech verb


def clean_name(surface: str) -> str:
    name = POSSESSIVE.sub("", surface.strip())
    name = HONORIFICS.sub("", name)
    name = re.sub(r"^(?:the)\s+(?=[A-Z])", "", name)
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", name)).strip(" ,.;:'\"‘’“”")


def sentence_indexes(doc: Doc) -> list[int]:
    index = [0] * len(doc)
    for i, sent in enumerate(doc.sents):
        for t in range(sent.start, sent.end):
            index[t] = i
    return index


def work_kind(doc: Doc, start: int, end: int) -> str | None:
    """'the short film "X"', 'his album, "X"', '"X" is a film': the noun naming X's kind."""
    head = doc[start:end].root
    neighbours = [head.head] if head.dep_ in ("appos", "compound", "attr", "npadvmod") else []
    neighbours += [c for c in head.children if c.dep_ in ("appos", "compound")]
    neighbours += [doc[i] for i in range(max(0, start - 2), start) if doc[i].pos_ == "NOUN"]
    if head.dep_ == "nsubj" and head.head.lemma_ == "be":
        neighbours += [c for c in head.head.children if c.dep_ == "attr"]
    for tok in neighbours:
        if KIND_NOUNS.get(tok.lemma_.lower()) == "WORK":
            return tok.lemma_.lower()
    return None


def raw_mentions(doc: Doc) -> list[Mention]:
    sent_of = sentence_indexes(doc)
    mentions, taken = [], set()
    for start_char, end_char in doc._.titles:
        span = doc.char_span(start_char, end_char, alignment_mode="expand")
        if span is None:
            continue
        taken.update(range(span.start, span.end))
        mentions.append(_mention(doc, span, "TITLE", "WORK", sent_of))
    for ent in map(without_trailing_conjunction, doc.ents):
        etype = LABEL_TYPES.get(ent.label_)
        if etype and not taken.intersection(range(ent.start, ent.end)) and re.search(r"[^\W\d_]", clean_name(ent.text)):
            if ent[-1].lower_ in ORG_DESIGNATORS and len(ent) > 1:
                etype = "ORG"  # "Delta Sound" is a company whatever the model says
            taken.update(range(ent.start, ent.end))
            mentions.append(_mention(doc, ent, ent.label_, etype, sent_of))
    known = {m.name.split()[-1]: m.type for m in mentions if m.type in ("PERSON", "ORG")}
    for span, etype in untagged_names(doc, known):
        if not taken.intersection(range(span.start, span.end)):
            mentions.append(_mention(doc, span, "NAME_RULE", etype, sent_of))
    return sorted(mentions, key=lambda m: m.start_char)


def without_trailing_conjunction(ent: Span) -> Span:
    """The small model sometimes ends a name with the 'and' of a list ("Delta Sound and | Lumen Works")."""
    end = ent.end
    while end - ent.start > 1 and ent.doc[end - 1].pos_ == "CCONJ":
        end -= 1
    return ent if end == ent.end else Span(ent.doc, ent.start, end, label=ent.label_)


def propn_chain_start(doc: Doc, head: int) -> int:
    """Start of the proper-noun compound chain ending at `head`."""
    start = head
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i in range(start, head + 1) \
            and not doc[start - 1].is_sent_end:
        start -= 1
    return start


def untagged_names(doc: Doc, known: dict[str, str]) -> list[tuple]:
    """Proper-noun chains the model missed: "X Records" is an organisation; "Wendell Marsh"
    is whatever the document's other "Marsh" is."""
    found = []
    for tok in doc:
        if tok.pos_ != "PROPN" or tok.head.i == tok.i + 1 and tok.head.pos_ == "PROPN":
            continue  # only chain heads
        start = propn_chain_start(doc, tok.i)
        if start == tok.i:
            continue
        if tok.lower_ in ORG_DESIGNATORS:
            found.append((doc[start:tok.i + 1], "ORG"))
        elif tok.text in known and all(t.text[:1].isupper() for t in doc[start:tok.i + 1]):
            found.append((doc[start:tok.i + 1], known[tok.text]))
    return found


def _mention(doc: Doc, span, label: str, etype: str, sent_of: list[int]) -> Mention:
    name = span.text.strip() if label == "TITLE" else clean_name(span.text)
    if etype in ("ORG", "PLACE"):  # "The University of Uyo" is the University of Uyo; "The Eminem Show" keeps its "The"
        name = re.sub(r"^The\s+(?=[A-Z])", "", name)
    kind = work_kind(doc, span.start, span.end) if etype == "WORK" else None
    root = span.root
    speaker = root.dep_ == "nsubj" and root.head.lemma_ in SPEECH_VERBS
    return Mention(span.text, name, etype, label, kind, sent_of[span.start],
                   span.start_char, span.end_char, span.start, span.end, speaker)


def _variant_target(name: str, full_names: dict[str, str], own_type: str) -> str | None:
    """The one longer name this name is a first name, surname or prefix of."""
    tokens = name.split()
    targets = set()
    for full, ftype in full_names.items():
        ftoks = full.split()
        if len(ftoks) <= len(tokens) or full == name:
            continue
        is_prefix = ftoks[: len(tokens)] == tokens
        is_suffix = "PERSON" in (ftype, own_type) and ftoks[-len(tokens):] == tokens
        if is_prefix and ftype in ("PERSON", "ORG") or is_suffix:
            targets.add(full)
    return targets.pop() if len(targets) == 1 else None


def resolve_in_document(mentions: list[Mention]) -> list[Mention]:
    by_name: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        by_name[m.name][m.type] += 3 if m.label == "TITLE" else 1
        by_name[m.name]["PERSON"] += 1 if _speaker_vote(m) else 0
    full_names = {n: _vote(c) for n, c in by_name.items() if len(n.split()) >= 2 and _vote(c) != "WORK"}
    canonical = {n: _variant_target(n, full_names, _vote(by_name[n])) or n for n in by_name}
    # Full-form mentions decide the type: a bare surname is ambiguous ("Lamar"
    # is also a town) and the small model mislabels it far more often.
    votes: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        if canonical[m.name] == m.name:
            votes[m.name][m.type] += 3 if m.label == "TITLE" else 1
    # Whoever "said" something is usually a person ("Marsh said"), but companies speak
    # too ("Newmont said"): one vote, and none for names that carry an organisation word.
    for m in mentions:
        if _speaker_vote(m) and not _org_designated(canonical[m.name]):
            votes[canonical[m.name]]["PERSON"] += 1
    for m in mentions:
        if not votes[canonical[m.name]]:
            votes[canonical[m.name]][m.type] += 1
    kinds = {}
    for m in mentions:
        if m.kind:
            kinds.setdefault(canonical[m.name], m.kind)
    return [replace(m, name=canonical[m.name], type=_vote(votes[canonical[m.name]]),
                    kind=kinds.get(canonical[m.name])) for m in mentions]


def _speaker_vote(m: Mention) -> bool:
    return m.speaker and not _org_designated(m.name)


def _org_designated(name: str) -> bool:
    return name.split()[-1].lower() in ORG_DESIGNATORS if name.split() else False


def _vote(counter: Counter) -> str:
    return max(counter, key=lambda t: (counter[t], -TYPE_PRIORITY.index(t)))


def document_mentions(doc: Doc) -> list[Mention]:
    return resolve_in_document(raw_mentions(doc))
