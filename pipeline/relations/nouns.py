"""Noun frames: a role noun's referent (apposition, copula, title before a name, a trailing quoted title)
and its complements (of/at, possessor, compound name, or what the title holder leads); possessive frames
("Castellano's second album, "Paper Lanterns"")."""
from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from pipeline.mentions import KIND_NOUNS
from pipeline.registry import NounFrame, Predicate
from pipeline.relations.arguments import MODIFIER_DEPS, agent_tokens, children, expand, patient_tokens, prep_objects
from pipeline.relations.resolver import Resolver
from pipeline.relations.values import CONFIDENCE, Extraction, Value, accept, pairs

# Verbs saying that someone runs an organisation: a title before that someone's name is held there.
LEADING_VERBS = {"lead", "head", "run", "chair", "helm", "manage"}


def noun_phrase(noun: Token) -> str:
    """'chief executive officer' from the noun and its compound modifiers."""
    parts = [c for c in noun.children if c.dep_ in MODIFIER_DEPS and c.i < noun.i and c.pos_ != "PROPN"]
    return " ".join(t.lower_ for t in sorted(parts + [noun], key=lambda t: t.i)).replace(" - ", "-")


def noun_matches(noun: Token, lemmas: tuple[str, ...]) -> bool:
    phrase = noun_phrase(noun)
    return noun.lemma_.lower() in lemmas or any(phrase.endswith(l) for l in lemmas if " " in l or "-" in l)


def _self_literal(noun: Token, lemmas: tuple[str, ...]) -> str:
    """The longest registry term the noun phrase ends with ("singer-songwriter", not "co-starring actress")."""
    phrase = noun_phrase(noun)
    matches = [l for l in lemmas if phrase.endswith(l)]
    return max(matches, key=len) if matches else noun.lemma_.lower()


def _referents(noun: Token) -> tuple[list[Token], str]:
    if noun.dep_ == "appos" and _titles_next_name(noun):
        return [], "appos"  # "boxer Dan Roper, model Kia Sands": the noun is Sands's title, not Roper's
    if noun.dep_ == "appos":
        return [noun.head], "appos"
    if noun.dep_ == "attr" and noun.head.lemma_ == "be":
        return children(noun.head, "nsubj"), "copula"
    if noun.dep_ == "nsubj" and noun.head.lemma_ == "be":  # "The Aviator's producers are X and Y"
        return children(noun.head, "attr"), "copula"
    if noun.dep_ == "compound" and noun.head.pos_ == "PROPN":
        return [noun.head], "title"
    appositives = [c for c in noun.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
    if appositives:
        return appositives, "title"
    # "The star of Tall Grass, Lucy Trent, said": the parser hangs the person on the nearest noun, the complement
    shifted = [a for o in prep_objects(noun, ("of",)) for a in o.children
               if a.dep_ == "appos" and a.pos_ == "PROPN" and a.ent_type_ == "PERSON"]
    if shifted:
        return shifted, "appos"
    return _trailing_title(noun), "appos"


def _titles_next_name(noun: Token) -> bool:
    nxt = noun.doc[noun.i + 1] if noun.i + 1 < len(noun.doc) else None
    return nxt is not None and nxt.pos_ == "PROPN" and nxt.text[:1].isupper() and nxt.ent_type_ != ""


# Where the parser puts a title it could not attach: anything but an argument of its own.
ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "conj", "compound", "poss"}


def _trailing_title(noun: Token) -> list[Token]:
    """'the fan-favorite track from the project, "We Cry Together."': a quoted title right after the noun's
    phrase, set off by a comma and attached by the parser to nothing in it, is an apposition naming the
    noun. It could name 'the project' instead; a part_of fact then needs 'the project' resolved by
    coreference to another work, which the title cannot be the name of."""
    doc, i = noun.doc, noun.right_edge.i + 1
    if i >= len(doc) or doc[i].text != ",":
        return []
    while i < len(doc) and doc[i].is_punct:  # the comma, then opening quotes
        i += 1
    if i >= len(doc) or not _is_title(doc[i]) or doc[i].dep_ in ARGUMENT_DEPS:
        return []
    return [doc[i]] if doc[i].head.i not in range(noun.left_edge.i, noun.right_edge.i + 1) else []


def _is_title(tok: Token) -> bool:
    """A quoted title, merged into one token by the nlp pipeline."""
    return any(start == tok.idx and end == tok.idx + len(tok.text) for start, end in tok.doc._.titles)


def _complements(noun: Token, preps: tuple[str, ...] = ("of", "at")) -> list[Token]:
    names = [c for c in noun.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    own = prep_objects(noun, preps) + children(noun, "poss") + names
    return own or _on_the_verb(noun, preps) or _led_by_title_holder(noun)


def _on_the_verb(noun: Token, preps: tuple[str, ...]) -> list[Token]:
    """'takes the title role in Vera Drake', 'bought a stake in Absa': the parser hangs the noun's preposition
    on the verb whose object the noun is."""
    return prep_objects(noun.head, preps) if noun.dep_ == "dobj" and "of" not in preps else []


def _led_by_title_holder(noun: Token) -> list[Token]:
    """'The company is led by chief executive officer X' / 'CEO X runs the studio': a title before a
    name, whose holder leads something, holds the title there."""
    if noun.dep_ != "compound" or noun.head.pos_ != "PROPN":
        return []
    name = noun.head
    if name.dep_ == "pobj" and name.head.dep_ == "agent":
        verb = name.head.head
    elif name.dep_ == "nsubj":
        verb = name.head
    else:
        return []
    return patient_tokens(verb) if verb.lemma_.lower() in LEADING_VERBS else []


def noun_extractions(noun: Token, pred: Predicate, frame: NounFrame, resolver: Resolver, sent_i: int
                     ) -> list[Extraction]:
    referents, style = _referents(noun)
    # 'Free, a co-founder of pgLang, alongside Schreier': 'alongside' belongs to the verb, not the noun;
    # 'A, B and Institute founder X': a title before a name is X's alone, not the whole list's.
    if style != "title":
        referents = expand(referents, companions=False)
    if style == "appos" and noun.tag_ not in ("NNS", "NNPS"):
        # 'A, B and C, founder of X' is C's alone ('A and B, co-founders of X' are both's).
        before = [t for t in referents if t.i < noun.i]
        referents = [max(before, key=lambda t: t.i)] if before else referents[:1]
    roles = {"referent": [_described_as(v, noun) for v in resolver.values(referents)],
             "of": resolver.values(expand(_complements(noun, frame.preps), companions=False)),
             "possessor": resolver.values(children(noun, "poss")),
             "holder": resolver.values(expand(_holders(noun), companions=False)),
             "member": resolver.values(expand(_members(noun), companions=False))}
    base = CONFIDENCE["title" if style == "title" else "noun"]
    extractor = f"{pred.name}:noun_{style}:{noun.lemma_.lower()}"
    if frame.object == "self":
        obj = Value(_self_literal(noun, frame.lemmas), "STRING")
        return [Extraction(pred.name, subj, obj, sent_i, extractor, base)
                for subj in roles["referent"] if accept(pred, subj, obj)]
    return pairs(pred, roles[frame.subject], roles[frame.object], sent_i, extractor, base)


def _holders(noun: Token) -> list[Token]:
    """Who holds what the noun names: its possessor ("Kestrel's stake in X"), else the subject of the verb it
    is the object of ("Kestrel holds a 30% stake in X", "Kestrel has taken a stake in X")."""
    owners = children(noun, "poss")
    if owners or noun.dep_ != "dobj":
        return owners
    return agent_tokens(noun.head)


def _members(noun: Token) -> list[Token]:
    """Who is put in what the noun names: the subject of the verb whose 'in', 'into' or 'to' holds it ("X has
    been named in the Wales squad", "X was called up to the England squad", "X is in the squad")."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ not in ("in", "into", "to") or prep.head.pos_ not in ("VERB", "AUX"):
        return []
    return [c for c in prep.head.children if c.dep_ in ("nsubj", "nsubjpass")]


def _described_as(value: Value, noun: Token) -> Value:
    """'"X", a track from ...': the sentence itself says what kind of work X is."""
    kind = noun.lemma_.lower()
    return replace(value, kind=kind) if value.type == "WORK" and KIND_NOUNS.get(kind) == "WORK" else value


def possessive_extractions(noun: Token, pred: Predicate, resolver: Resolver, sent_i: int) -> list[Extraction]:
    """"Castellano's second album, "Paper Lanterns"": (Paper Lanterns, performer, Castellano)."""
    works = [c for c in noun.children if c.dep_ == "appos"]
    owners = children(noun, "poss")
    out = pairs(pred, resolver.values(works), resolver.values(expand(owners)), sent_i,
                f"{pred.name}:possessive:{noun.lemma_.lower()}", CONFIDENCE["possessive"])
    kind = noun.lemma_.lower()
    return [replace(e, subject=replace(e.subject, kind=kind)) for e in out if e.subject.kind in (None, kind)]
