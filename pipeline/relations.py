"""Registry-driven fact extraction from dependency parses.

Each registry frame names where a fact's subject and object sit relative to a
trigger verb or role noun (agent, patient, prep:P, referent, of). This module
finds those tokens in either voice, expands coordination ("A and B", "A
alongside B"), resolves them to the document's mentions, dates, or, for
definite noun phrases ("the film"), the nearest preceding fitting mention.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.tokens import Doc, Token

from pipeline import gazetteer
from pipeline.coreference import resolve_pronoun
from pipeline.modality import modality
from pipeline.nlp import doc_text, sentence_of
from pipeline.dates import normalize_date
from pipeline.gazetteer import is_country
from pipeline.mentions import ANTECEDENT_KINDS, ANY_KIND, KIND_NOUNS, Mention, propn_chain_start, sentence_indexes
from pipeline.registry import NounFrame, Predicate, VerbFrame, load_registry, load_roles
from pipeline.roles import Role, RoleValue, find_roles, role_facts

# "A, alongside B": B shares A's role. "with" is left out: "co-founder of X with B".
CO_AGENT_PREPS = {"alongside"}
# Verbs saying that someone runs an organisation: a title before that someone's name is held there.
LEADING_VERBS = {"lead", "head", "run", "chair", "helm", "manage"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
CONFIDENCE = {"verb": 0.9, "participle": 0.85, "noun": 0.8, "title": 0.75, "possessive": 0.75, "surface": 0.7}
COREF_PENALTY = 0.85


UNTYPED = "UNTYPED"   # a proper name the model did not tag; the frame slot decides its type
FRAME_TYPED_PENALTY = 0.8
CAMEL_CASE = re.compile(r"^[a-z]+[A-Z][A-Za-z]*$")  # pgLang, iPhone


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


# ---------------------------------------------------------------- arguments
def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def is_passive(verb: Token) -> bool:
    if _children(verb, "nsubjpass", "auxpass", "agent"):
        return True
    return verb.tag_ == "VBN" and verb.dep_ in ("acl", "advcl", "conj") and not _children(verb, "nsubj")


def _conj_verbs(verb: Token) -> list[Token]:
    """Verbs coordinated with this one, nearest first: in "written and directed by A and co-produced by
    B" the film is the subject of all three, though the parser hangs 'co-produced' off 'directed'."""
    return sorted((c for c in verb.conjuncts if c.pos_ in ("VERB", "AUX")), key=lambda c: abs(c.i - verb.i))


def _shared(verb: Token, finder) -> list[Token]:
    found = finder(verb)
    if found:
        return found
    for other in _conj_verbs(verb):
        if (found := finder(other)):
            return found
    return []


def _relative_head(tok: Token) -> Token:
    """'Brandt, who founded X': the subject 'who' stands for the noun the clause modifies."""
    if tok.lower_ in RELATIVE_PRONOUNS and tok.head.dep_ == "relcl":
        return tok.head.head
    return tok


def _agent_tokens(verb: Token) -> list[Token]:
    companions = [p for c in verb.children if c.dep_ == "prep" and c.lower_ in CO_AGENT_PREPS
                  for p in _children(c, "pobj")]
    return _doers(verb) + companions


def fronted_participle(verb: Token) -> bool:
    """'Starring X, the film follows ...': a present participle opening its sentence, its phrase
    closed by a comma before the main verb. The parser often takes it for a noun modifier
    ('Co-starring actress X, Y delivered ...'), so its dependency label is not required."""
    sent = sentence_of(verb.doc, verb.i)
    first = next((t for t in sent if not (t.is_punct or t.is_space)), None)
    return (verb.tag_ == "VBG" and verb == first and verb.dep_ not in ("ROOT", "csubj", "csubjpass", "nsubj")
            and _phrase_end(verb) is not None)


def _phrase_end(verb: Token) -> int | None:
    """Index of the comma closing a fronted participle's phrase: the last one before the main verb."""
    root = sentence_of(verb.doc, verb.i).root
    commas = [t.i for t in verb.doc[verb.i + 1:root.i] if t.text == ","]
    return commas[-1] if commas else None


def _main_subject(verb: Token) -> list[Token]:
    """A fronted participle's understood subject is the main clause's ('Graduating from X, Y joined ...')."""
    end = _phrase_end(verb)
    return [t for t in _children(sentence_of(verb.doc, verb.i).root, "nsubj", "nsubjpass") if t.i > end]


def _modified_name(verb: Token) -> list[Token]:
    """'Co-starring actress Taylour Paige' parsed as one noun phrase: the name the participle's chain of
    modifiers ends in is its object, not the role noun in between."""
    tok = verb
    while tok.dep_ in ("compound", "amod") and tok.head.i > tok.i and tok.head.pos_ in ("NOUN", "PROPN"):
        tok = tok.head
    return [tok] if tok is not verb and tok.pos_ == "PROPN" else []


def _doers(verb: Token) -> list[Token]:
    if is_passive(verb):
        return _shared(verb, lambda v: [p for a in _children(v, "agent") for p in _children(a, "pobj")])
    subj = _shared(verb, lambda v: _children(v, "nsubj"))
    if subj:
        return [_relative_head(t) for t in subj]
    if fronted_participle(verb):
        return _main_subject(verb)
    return [verb.head] if verb.dep_ == "acl" and verb.tag_ == "VBG" else []


def _patient_tokens(verb: Token) -> list[Token]:
    if not is_passive(verb):
        objects = _children(verb, "dobj")
        return objects or (_modified_name(verb) if fronted_participle(verb) else [])
    subj = _shared(verb, lambda v: _children(v, "nsubjpass"))
    if subj:
        return [_relative_head(t) for t in subj]
    if verb.dep_ == "acl" or verb.head.pos_ in ("NOUN", "PROPN"):
        return [verb.head]  # "the film, directed by X"
    if verb.dep_ == "advcl":  # "Released on May 2, X stars ..."
        return _children(verb.head, "nsubj", "nsubjpass")
    return []


def _subj_tokens(verb: Token) -> list[Token]:
    subj = _shared(verb, lambda v: _children(v, "nsubj", "nsubjpass"))
    if subj:
        return [_relative_head(t) for t in subj]
    return [verb.head] if verb.dep_ == "acl" else []


def _prep_tokens(verb: Token, prep: str) -> list[Token]:
    return [p for c in verb.children if c.dep_ == "prep" and c.lower_ == prep for p in _children(c, "pobj")]


def _date_tokens(verb: Token) -> list[Token]:
    """A date hanging directly off the verb: 'born 7 February 1837'."""
    return [c for c in verb.children if c.ent_type_ == "DATE" and c.dep_ in ("npadvmod", "dobj", "nummod", "appos", "pobj")]


def role_tokens(verb: Token, role: str) -> list[Token]:
    if role == "date":
        return _date_tokens(verb)
    if role == "agent":
        return _agent_tokens(verb)
    if role == "patient":
        return _patient_tokens(verb)
    if role == "subj":
        return _subj_tokens(verb)
    return _prep_tokens(verb, role.split(":", 1)[1])


def coordinated(tok: Token) -> tuple[Token, ...]:
    """'A, B and C' are coordinated; 'Toronto, Ontario, Canada', with no conjunction, is one place and
    where it lies (the parser calls both conj), so the first name alone is the argument."""
    group = sorted((tok, *tok.conjuncts), key=lambda t: t.i)
    between = tok.doc[group[0].i:group[-1].i]
    return tok.conjuncts if any(t.dep_ == "cc" or t.lower_ in ("and", "or", "&") for t in between) else ()


def expand(tokens: list[Token], companions: bool = True) -> list[Token]:
    """Coordination: one argument per conjunct, plus 'alongside B' companions of a verb's argument."""
    out: list[Token] = []
    for tok in tokens:
        for t in (tok, *coordinated(tok)):
            if t not in out:
                out.append(t)
            if not companions:
                continue
            holders = [t, *_children(t, "appos")]
            for prep in (p for h in holders for p in _children(h, "prep")):
                if prep.lower_ in CO_AGENT_PREPS:
                    out.extend(p for p in _children(prep, "pobj") if p not in out)
    return out


# ---------------------------------------------------------------- resolution
def _copula_subject(noun: Token) -> Token | None:
    """'X is a drama ...': the common noun after 'be' is X itself."""
    if noun.pos_ != "NOUN" or noun.dep_ != "attr" or noun.head.lemma_ != "be":
        return None
    return next(iter(_children(noun.head, "nsubj")), None)


def _refers_back(noun: Token) -> bool:
    """'the film', 'its label' refer back; 'a film', 'their first project', 'his latest album' bring in a new one."""
    if not _children(noun, "det", "poss") or any(c.lower_ in ("a", "an") for c in _children(noun, "det")):
        return False
    return not any(c.tag_ == "JJS" or c.ent_type_ == "ORDINAL" or c.lower_ in ("new", "next", "another")
                   for c in _children(noun, "amod"))


class Resolver:
    """Maps tokens of one document to mentions, dates or coreferent mentions."""

    def __init__(self, doc: Doc, mentions: list[Mention], author: str | None):
        self.doc = doc
        self.mentions = mentions
        self.by_token = {i: m for m in mentions for i in range(m.token_start, m.token_end)}
        self.author = author.casefold() if author else None
        self.sentence_of = sentence_indexes(doc)

    def values(self, tokens: list[Token]) -> list[Value]:
        return [v for v in map(self.value, tokens) if v is not None]

    def value(self, tok: Token) -> Value | None:
        if (m := self.by_token.get(tok.i)) is not None:
            return None if self.is_author(m.name) else Value(m.name, m.type, m.kind)
        if tok.ent_type_ == "DATE" or tok.like_num:
            span = next((e for e in self.doc.ents if e.start <= tok.i < e.end), None)
            iso = normalize_date(span.text if span is not None else tok.text)
            return Value(iso, "DATE") if iso else None
        # 'her album, "Paper Lanterns"': a common noun named by its appositive. A name is not renamed
        # by one: in 'Starring Ines Moreau, ..., "Glass Harbor" opened' the parser's apposition is wrong.
        named = [self.by_token[c.i] for c in tok.children if c.dep_ == "appos" and c.i in self.by_token
                 and tok.pos_ != "PROPN"]
        if named:
            return None if self.is_author(named[0].name) else Value(named[0].name, named[0].type, named[0].kind)
        if (subject := _copula_subject(tok)) is not None:  # '"X" is the fourth album, released on ...'
            return self.value(subject)
        return self._pronoun(tok) or self._coref(tok) or self._untagged_name(tok)

    def _pronoun(self, tok: Token) -> Value | None:
        """'She is starring in X': he, she, his and her stand for a person named before (coreference.py)."""
        antecedent = resolve_pronoun(tok, self.mentions, self.sentence_of)
        if antecedent is None or self.is_author(antecedent.name):
            return None
        return Value(antecedent.name, antecedent.type, antecedent.kind, via_coref=True,
                     antecedent_sentence=antecedent.sentence_index)

    def _untagged_name(self, tok: Token) -> Value | None:
        """'directed by Vera Lund' where the model tagged nothing: a name for the frame to type."""
        if not (tok.pos_ == "PROPN" or CAMEL_CASE.match(tok.text)):
            return None
        start = propn_chain_start(self.doc, tok.i)
        span = self.doc[start:tok.i + 1]
        words = [t.text for t in span]
        if any(i in self.by_token for i in range(start, tok.i + 1)) or not all(
                w[:1].isupper() and w.replace("-", "").isalpha() or CAMEL_CASE.match(w) for w in words):
            return None
        name = span.text
        return None if self.is_author(name) else Value(name, UNTYPED, span=(span.start_char, span.end_char))

    def is_author(self, name: str) -> bool:
        return self.author is not None and name.casefold() == self.author

    def _coref(self, tok: Token) -> Value | None:
        """'the film' / 'the label' / 'the record': a preceding mention of that kind of thing."""
        lemma = tok.lemma_.lower()
        kind_type = KIND_NOUNS.get(lemma) or ("WORK" if lemma in ANTECEDENT_KINDS else None)
        # The tagger calls 'the LP' / 'their EP' proper nouns; a capitalised 'The Record' is a name.
        if not (tok.pos_ == "NOUN" or tok.is_upper) or kind_type is None or not _refers_back(tok):
            return None
        kind = lemma if kind_type == "WORK" and lemma in KIND_NOUNS else None
        accepted = ANTECEDENT_KINDS.get(lemma, ANY_KIND if kind is None else frozenset({kind}))
        candidates = [m for m in self.mentions if m.end_char <= tok.idx and m.type == kind_type
                      and (accepted is ANY_KIND or m.kind in accepted | {None})]  # "the film" is not the album
        known_kind = [m for m in candidates if accepted is not ANY_KIND and m.kind in accepted]
        chosen = self._antecedent(known_kind or candidates, tok, nearest_first=lemma in ANTECEDENT_KINDS)
        if chosen is None or self.is_author(chosen.name):
            return None
        return Value(chosen.name, chosen.type, chosen.kind or kind, via_coref=True,
                     antecedent_sentence=chosen.sentence_index)

    def _antecedent(self, pool: list[Mention], tok: Token, nearest_first: bool) -> Mention | None:
        """An encyclopedic text names its topic first; "the film" then means the topic, not the last film
        mentioned. A broad noun ("the project", "the record") fits every work named, so the reader takes
        the nearest. Either way only the current and previous sentence are near: farther is a guess."""
        topic = [m for m in pool if m.sentence_index == 0][:1]
        recent = [m for m in pool if m.sentence_index >= self.sentence_of[tok.i] - 1][-1:]
        return next(iter(recent + topic if nearest_first else topic + recent), None)

    def discussed_work(self, verb: Token) -> Value | None:
        """The work a sentence goes on about when it does not name it: one named in its main clause,
        else the last one the previous sentence named, else the document's first."""
        sent_i, end = self.sentence_of[verb.i], _phrase_end(verb) or verb.i
        works = [m for m in self.mentions if m.type == "WORK" and not self.is_author(m.name)]
        here = [m for m in works if m.sentence_index == sent_i and m.token_start > end]
        before = [m for m in reversed(works) if m.sentence_index == sent_i - 1]
        topic = [m for m in works if m.sentence_index == 0 and m.token_start < verb.i]
        chosen = next(iter(here + before + topic), None)
        return None if chosen is None else Value(chosen.name, chosen.type, chosen.kind, via_coref=True)


# ---------------------------------------------------------------- frames
def _type_ok(value: Value, allowed: frozenset[str]) -> bool:
    return value.type in allowed


def frame_type(value: Value, allowed: frozenset[str]) -> Value:
    """An untagged name takes the slot's type when the slot allows exactly one entity type."""
    if value.type != UNTYPED:
        return value
    entity_types = allowed - {"DATE", "STRING"}
    return replace(value, type=next(iter(entity_types))) if len(entity_types) == 1 else value


def _accept(pred: Predicate, subj: Value, obj: Value) -> bool:
    if not (_type_ok(subj, pred.subject_types) and _type_ok(obj, pred.object_types)):
        return False
    if pred.subject_kinds and subj.kind not in pred.subject_kinds:
        return False
    if pred.object_pattern is not None and not pred.object_pattern.search(obj.text):
        return False
    return subj.text != obj.text


def _pairs(pred, subjects: list[Value], objects: list[Value], sent_i, extractor, base):
    out = []
    for subj in subjects:
        for obj in objects:
            typed_by_frame = UNTYPED in (subj.type, obj.type)
            subj, obj = frame_type(subj, pred.subject_types), frame_type(obj, pred.object_types)
            if not _accept(pred, subj, obj):
                continue
            conf = base * (COREF_PENALTY if subj.via_coref or obj.via_coref else 1.0)
            conf *= FRAME_TYPED_PENALTY if typed_by_frame else 1.0
            out.append(Extraction(pred.name, subj, obj, sent_i, extractor, round(conf, 3)))
    return out


def verb_extractions(verb: Token, pred: Predicate, frame: VerbFrame, resolver, sent_i) -> list[Extraction]:
    values = {role: resolver.values(expand(role_tokens(verb, role))) for role in (frame.subject, frame.object)}
    fronted = fronted_participle(verb)
    if fronted and "agent" in values:
        slot = pred.subject_types if frame.subject == "agent" else pred.object_types
        values["agent"] = _fronted_agent(verb, slot, values["agent"], resolver)
    voice = "passive" if is_passive(verb) else "active"
    style = "participle" if fronted or verb.dep_ in ("acl", "advcl") else "verb"
    return _pairs(pred, values[frame.subject], values[frame.object], sent_i,
                  f"{pred.name}:verb_{voice}:{verb.lemma_}", CONFIDENCE[style])


def _fronted_agent(verb: Token, slot_types: frozenset[str], found: list[Value], resolver) -> list[Value]:
    """'Co-starring actress X, Lamar delivered a short film': when the main clause's subject cannot be the
    work the participle describes (a person, a pronoun, nothing), that work is the one under discussion.
    A common noun coreference could not place ('Starring X, the campaign ...') is not guessed at."""
    if "WORK" not in slot_types or any(v.type == "WORK" for v in found):
        return found
    if any(t.pos_ == "NOUN" for t in _main_subject(verb)):
        return found
    work = resolver.discussed_work(verb)
    return [work] if work is not None else found


def noun_phrase(noun: Token) -> str:
    """'chief executive officer' from the noun and its compound modifiers."""
    parts = [c for c in noun.children if c.dep_ in ("compound", "amod") and c.i < noun.i and c.pos_ != "PROPN"]
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
    if noun.dep_ == "appos":
        return [noun.head], "appos"
    if noun.dep_ == "attr" and noun.head.lemma_ == "be":
        return _children(noun.head, "nsubj"), "copula"
    if noun.dep_ == "nsubj" and noun.head.lemma_ == "be":  # "The Aviator's producers are X and Y"
        return _children(noun.head, "attr"), "copula"
    if noun.dep_ == "compound" and noun.head.pos_ == "PROPN":
        return [noun.head], "title"
    appositives = [c for c in noun.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
    if appositives:
        return appositives, "title"
    return _trailing_title(noun), "appos"


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
    of = [p for c in noun.children if c.dep_ == "prep" and c.lower_ in preps for p in _children(c, "pobj")]
    own = of + _children(noun, "poss") + [c for c in noun.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    return own or _led_by_title_holder(noun)


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
    return _patient_tokens(verb) if verb.lemma_.lower() in LEADING_VERBS else []


def noun_extractions(noun: Token, pred: Predicate, frame: NounFrame, resolver, sent_i) -> list[Extraction]:
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
             "possessor": resolver.values(_children(noun, "poss"))}
    base = CONFIDENCE["title" if style == "title" else "noun"]
    extractor = f"{pred.name}:noun_{style}:{noun.lemma_.lower()}"
    if frame.object == "self":
        obj = Value(_self_literal(noun, frame.lemmas), "STRING")
        return [Extraction(pred.name, subj, obj, sent_i, extractor, base)
                for subj in roles["referent"] if _accept(pred, subj, obj)]
    return _pairs(pred, roles[frame.subject], roles[frame.object], sent_i, extractor, base)


def _described_as(value: Value, noun: Token) -> Value:
    """'"X", a track from ...': the sentence itself says what kind of work X is."""
    kind = noun.lemma_.lower()
    return replace(value, kind=kind) if value.type == "WORK" and KIND_NOUNS.get(kind) == "WORK" else value


def possessive_extractions(noun: Token, pred: Predicate, resolver, sent_i) -> list[Extraction]:
    """"Castellano's second album, "Paper Lanterns"": (Paper Lanterns, performer, Castellano)."""
    works = [c for c in noun.children if c.dep_ == "appos"]
    owners = _children(noun, "poss")
    out = _pairs(pred, resolver.values(works), resolver.values(expand(owners)), sent_i,
                 f"{pred.name}:possessive:{noun.lemma_.lower()}", CONFIDENCE["possessive"])
    return [e for e in out if e.subject.kind is None or e.subject.kind == noun.lemma_.lower()] and [
        Extraction(e.predicate, Value(e.subject.text, e.subject.type, noun.lemma_.lower()), e.object,
                   e.sentence_index, e.extractor, e.confidence) for e in out]


LIST_JOINERS = (",", "and", "or", "&")


def in_list(doc: Doc, start: int, end: int, resolver) -> bool:
    """Names joined by commas are a list when a conjunction joins any of them ("offices in the Middle
    East, Europe, and Asia"); without one they are a place and where it lies ("Lane County, Oregon,
    United States"). A name running on into more words ("Paris, Texas Instruments") is no place."""
    first, last = _comma_run(doc, start, end, resolver)
    # The conjunction may also join a last item that is no name: "in China, Hong Kong and among ...".
    if any(t.lower_ in ("and", "or", "&") for t in doc[max(0, first - 2):last + 2]):
        return True
    after = doc[end] if end < len(doc) else None
    return after is not None and after.pos_ in ("PROPN", "NOUN") and after.i not in resolver.by_token


def _comma_run(doc: Doc, start: int, end: int, resolver) -> tuple[int, int]:
    """Token range of the names around [start, end) joined by commas and conjunctions ('A, B, and C')."""
    while (j := _skip_joiners(doc, start - 1, -1)) < start - 1 and (m := resolver.by_token.get(j)) is not None:
        start = m.token_start
    while (j := _skip_joiners(doc, end, 1)) > end and (m := resolver.by_token.get(j)) is not None:
        end = m.token_end
    return start, end


def _skip_joiners(doc: Doc, i: int, step: int) -> int:
    while 0 <= i < len(doc) and doc[i].lower_ in LIST_JOINERS:
        i += step
    return i


def places_nested(inner: str, outer: str) -> bool:
    """'Dover, Delaware', 'Lyon, France': both are places the gazetteer knows, the second is no city, the first
    no country, and where the gazetteer knows the first as a city, it lies in the second. 'Australia, Finland'
    is a list; 'Charlotte, NC' a city and its state, never New Caledonia."""
    outer_place, inner_place = gazetteer.container(outer), gazetteer.lookup(inner)
    if outer_place is None or inner in gazetteer.HOME_NATIONS or inner_place is not None and inner_place.kind in (
            "country", "continent", "us_state") and outer_place.kind != "country":
        return False
    if inner_place is not None and inner_place.kind in ("country", "continent"):
        return False
    if inner_place is None or inner_place.kind != "city":
        return True  # a region, a county or a district: the text is the only witness
    return gazetteer.city_in(inner, outer) is not None


def comma_apposition_extractions(doc: Doc, pred: Predicate, resolver, sent_i, sent) -> list[Extraction]:
    """'Dover, Delaware': a name, a comma, then a second name of the object type in the same phrase."""
    out = []
    for m in resolver.mentions:
        if not (sent.start <= m.token_start < sent.end) or m.token_end + 1 >= sent.end:
            continue
        if doc[m.token_end].text != "," or (nxt := resolver.by_token.get(m.token_end + 1)) is None:
            continue
        if doc[nxt.token_start:nxt.token_end].root.dep_ in ("nsubj", "nsubjpass"):
            continue  # "In London, Rihanna played ...": the comma ends a fronted phrase
        if in_list(doc, m.token_start, nxt.token_end, resolver):
            continue  # "offices in the Middle East, Europe and Asia" is a list, not an apposition
        subj, obj = Value(m.name, m.type, m.kind), Value(nxt.name, nxt.type, nxt.kind)
        if m.type != "PLACE" or not places_nested(m.name, nxt.name) or (pred.comma_apposition == "country") != is_country(nxt.name):
            continue
        if _accept(pred, subj, obj):
            out.append(Extraction(pred.name, subj, obj, sent_i, f"{pred.name}:comma_apposition",
                                  CONFIDENCE["noun"]))
    return out


# "( )", "( 椎崎二郎 )": parentheses without a date may stand between a name and its life span.
NO_DATE_PARENTHESES = re.compile(r"\s*(?:\([^()\d]*\)\s*)*")
# "(11 February 1916 – 14 October 1993)", "(born 29 April 1936)", "(born 6 October 1974 in Buenos Aires)".
LIFE_SPAN = re.compile(r"\(\s*(?P<born>(?:born|b\.)\s+)?(?P<date>[^()–—;]+?)\s*(?:(?P<dash>[–—]|-(?=\s))[^()]*)?\)")


def lifespan_extractions(doc: Doc, pred: Predicate, resolver, sent_i, sent) -> list[Extraction]:
    """A person's name followed by a life span in parentheses: the first date is the birth date. A lone
    date ('Name (1999)') may be anything, so 'born' or a dash to a second date is required."""
    out = []
    for m in resolver.mentions:
        if m.type != "PERSON" or not sent.start_char <= m.start_char < sent.end_char:
            continue
        rest = doc_text(doc)[m.end_char:sent.end_char]
        span = LIFE_SPAN.match(rest, NO_DATE_PARENTHESES.match(rest).end())
        if span is None or not (span["born"] or span["dash"]):
            continue
        iso = normalize_date(re.split(r"\s+(?:in|at)\s+", span["date"])[0])
        if iso is not None and not resolver.is_author(m.name):
            out.append(Extraction(pred.name, Value(m.name, m.type), Value(iso, "DATE"), sent_i,
                                  f"{pred.name}:lifespan", CONFIDENCE["noun"]))
    return out


def by_line_extractions(doc: Doc, pred: Predicate, resolver, sent_i, sent) -> list[Extraction]:
    """'Biscuit Bear by Mini Grey', 'the album Quiet Engines by Pale Harbor': a work right before 'by' and a
    name right after it; the work's kind decides whose work it is (an album's performer, a novel's author)."""
    out = []
    for m in resolver.mentions:
        if m.type != "WORK" or not sent.start <= m.token_start < sent.end or m.token_end + 1 >= sent.end:
            continue
        if doc[m.token_end].lower_ != "by" or (maker := resolver.by_token.get(m.token_end + 1)) is None:
            continue
        out.extend(_maker_extraction(pred, Value(m.name, m.type, m.kind), maker, resolver, sent_i, "by_line"))
    return out


MAX_WORK_MODIFIERS = 3  # "Arnold's gritty new drama Wasp"


def possessive_maker_extractions(doc: Doc, pred: Predicate, resolver, sent_i, sent) -> list[Extraction]:
    """'Andrea Arnold's gritty drama Wasp', 'Keane's album Hopes and Fears', 'Ian Rankin's Fleshmarket Close'
    (a novel the document named as one): a name, its possessive, lower-case words ending in the work's kind,
    then the work; the kind decides whose work it is."""
    out = []
    for m in resolver.mentions:
        if m.type != "WORK" or not sent.start <= m.token_start < sent.end:
            continue
        i, kind = m.token_start - 1, m.kind
        while i > sent.start and m.token_start - i <= MAX_WORK_MODIFIERS and doc[i].is_lower and doc[i].is_alpha:
            if kind is None and KIND_NOUNS.get(doc[i].lemma_.lower()) == "WORK":
                kind = doc[i].lemma_.lower()
            i -= 1
        if i <= sent.start or doc[i].text not in ("'s", "’s", "'", "’") or (maker := resolver.by_token.get(i - 1)) is None:
            continue
        out.extend(_maker_extraction(pred, Value(m.name, m.type, kind), maker, resolver, sent_i, "possessive_maker"))
    return out


def _maker_extraction(pred: Predicate, work: Value, maker, resolver, sent_i, frame: str) -> list[Extraction]:
    obj = Value(maker.name, maker.type, maker.kind)
    if work.kind not in pred.makers or not _accept(pred, work, obj) or resolver.is_author(maker.name):
        return []
    return [Extraction(pred.name, work, obj, sent_i, f"{pred.name}:{frame}", CONFIDENCE["noun"])]


AWARD_MODIFIER = re.compile(r"\b(?P<award>Golden Globe|Academy Award|Brit Award|[A-Z][\w']*)-(?P<modifier>winning|nominated)\b")


def award_modifier_extractions(doc: Doc, by_modifier: dict[str, Predicate], resolver, sent_i, sent
                               ) -> list[Extraction]:
    """'Oscar-winning actor Jamie Foxx', 'the Bafta-nominated film X': the name the modifier's noun phrase ends
    in (within four words, no verb between) holds, or is nominated for, the award."""
    out = []
    for m in AWARD_MODIFIER.finditer(sent.text):
        pred = by_modifier.get(m["modifier"])
        award = gazetteer.canonical_award(m["award"].strip())
        if pred is None or not gazetteer.is_award(award):
            continue
        end = doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
        if end is None:
            continue
        holder = next((resolver.by_token[i] for i in range(end.end, min(sent.end, end.end + 5))
                       if i in resolver.by_token), None)
        between = doc[end.end:holder.token_start] if holder is not None else []
        if holder is None or any(t.pos_ in ("VERB", "AUX", "PUNCT") for t in between):
            continue
        award_span = (sent.start_char + m.start("award"), sent.start_char + m.end("award"))
        subj, obj = Value(holder.name, holder.type, holder.kind), Value(award, "AWARD", span=award_span)
        if _accept(pred, subj, obj):
            out.append(Extraction(pred.name, subj, obj, sent_i, f"{pred.name}:modifier:{m['modifier']}",
                                  CONFIDENCE["title"]))
    return out


SURFACE_FILLER = {"DET", "ADJ", "PUNCT", "NOUN", "NUM"}


def surface_extractions(tok: Token, pred: Predicate, frame: VerbFrame, resolver, sent_i) -> list[Extraction]:
    """'A and B star in the short film "W"' when the model tagged 'star' as a noun: the frame's
    agent is the list of names just before the trigger, its prep:P argument the first name after P."""
    roles = {frame.subject, frame.object}
    prep_role = next((r for r in roles if r.startswith("prep:")), None)
    if prep_role is None or not roles & {"agent", "subj"}:
        return []
    doc, prep = tok.doc, prep_role.split(":", 1)[1]
    if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != prep:
        return []
    after = next((resolver.by_token[i] for i in range(tok.i + 2, min(len(doc), tok.i + 9))
                  if i in resolver.by_token), None)
    if after is None or any(doc[i].pos_ not in SURFACE_FILLER for i in range(tok.i + 2, after.token_start)):
        return []
    before = _names_before(tok, resolver)
    agent_role = "agent" if "agent" in roles else "subj"
    out = []
    for name in before:
        values = {agent_role: Value(name.name, name.type, name.kind), prep_role: Value(after.name, after.type, after.kind)}
        subj, obj = values[frame.subject], values[frame.object]
        if _accept(pred, subj, obj):
            out.append(Extraction(pred.name, subj, obj, sent_i, f"{pred.name}:surface:{tok.lemma_.lower()}",
                                  CONFIDENCE["surface"]))
    return out


def _names_before(tok: Token, resolver) -> list:
    """'A, B and C' ending right before the token."""
    names, i = [], tok.i - 1
    while i >= 0 and (m := resolver.by_token.get(i)) is not None:
        names.append(m)
        i = m.token_start - 1
        if i >= 0 and tok.doc[i].lower_ in (",", "and", "&"):
            i -= 1
        else:
            break
    return names


class Triggers:
    """Registry frames indexed by trigger lemma."""

    def __init__(self, predicates: tuple[Predicate, ...]):
        self.verbs: dict[str, list[tuple[Predicate, VerbFrame]]] = {}
        self.nouns: list[tuple[Predicate, NounFrame]] = []
        self.possessive: dict[str, list[Predicate]] = {}
        for pred in predicates:
            for frame in pred.verbs:
                for lemma in frame.lemmas:
                    self.verbs.setdefault(lemma, []).append((pred, frame))
            self.nouns.extend((pred, frame) for frame in pred.nouns)
            for lemma in pred.possessive:
                self.possessive.setdefault(lemma, []).append(pred)
        self.noun_heads = {l.split()[-1].split("-")[-1] for _, f in self.nouns for l in f.lemmas}
        self.comma_apposition = [p for p in predicates if p.comma_apposition]
        self.lifespan = [p for p in predicates if p.lifespan]
        self.roles = [p for p in predicates if p.roles]
        self.makers = [p for p in predicates if p.makers]
        self.modifier = {p.modifier: p for p in predicates if p.modifier}
        self.role_lexicon = load_roles()


def verb_lemma(tok: Token) -> str:
    """'co-directed' is tokenised as co - directed: keep the prefix."""
    lemma = tok.lemma_.lower()
    if tok.i >= 2 and tok.nbor(-1).text == "-" and tok.nbor(-2).lower_ == "co":
        return "co-" + lemma
    return lemma


def extract_relations(doc: Doc, mentions: list[Mention], author: str | None = None,
                      triggers: Triggers | None = None) -> list[Extraction]:
    triggers = triggers or Triggers(load_registry())
    resolver = Resolver(doc, mentions, author)
    out: list[Extraction] = role_extractions(doc, mentions, triggers, resolver)
    for sent_i, sent in enumerate(doc.sents):
        for pred in triggers.comma_apposition:
            out.extend(comma_apposition_extractions(doc, pred, resolver, sent_i, sent))
        for pred in triggers.lifespan:
            out.extend(lifespan_extractions(doc, pred, resolver, sent_i, sent))
        for pred in triggers.makers:
            out.extend(by_line_extractions(doc, pred, resolver, sent_i, sent))
            out.extend(possessive_maker_extractions(doc, pred, resolver, sent_i, sent))
        out.extend(award_modifier_extractions(doc, triggers.modifier, resolver, sent_i, sent))
        for tok in sent:
            found: list[Extraction] = []
            if tok.pos_ in ("VERB", "AUX"):
                for lemma in {verb_lemma(tok), tok.lemma_.lower()}:
                    for pred, frame in triggers.verbs.get(lemma, []):
                        found.extend(verb_extractions(tok, pred, frame, resolver, sent_i))
            elif tok.pos_ in ("NOUN", "PROPN"):
                lemma = tok.lemma_.lower()
                for pred, frame in triggers.verbs.get(lemma, []):  # a verb the model took for a noun
                    found.extend(surface_extractions(tok, pred, frame, resolver, sent_i))
                if lemma.split("-")[-1] in triggers.noun_heads:
                    for pred, frame in triggers.nouns:
                        if noun_matches(tok, frame.lemmas):
                            found.extend(noun_extractions(tok, pred, frame, resolver, sent_i))
                for pred in triggers.possessive.get(lemma, []):
                    found.extend(possessive_extractions(tok, pred, resolver, sent_i))
            out.extend(replace(e, modality=stated_modality(tok, e)) for e in found)
    return _dedupe(out)


def stated_modality(trigger: Token, e: Extraction) -> str:
    """A verb, or the copula of "X is not the director of Y", states the fact and can deny or hedge it; a role
    or an apposition inside a noun phrase presupposes it ("coach X may have found the team")."""
    if trigger.pos_ in ("VERB", "AUX"):
        return modality(trigger)
    return modality(trigger.head) if ":noun_copula:" in e.extractor else "asserted"


def role_extractions(doc: Doc, mentions: list[Mention], triggers: Triggers, resolver: Resolver) -> list[Extraction]:
    """Facts from the roles that introduce people ("Kestrel Bank economist Ilse Marten"): pipeline/roles.py."""
    out = []
    for role in find_roles(doc, mentions, triggers.role_lexicon):
        if resolver.is_author(role.person.name):
            continue
        for pred in triggers.roles:
            for subject, obj, extractor, confidence in role_facts(role, pred):
                subj_value, obj_value = _role_value(subject, role), _role_value(obj, role)
                if _accept(pred, subj_value, obj_value):
                    stated = "asserted" if role.verb is None else modality(doc[role.verb])
                    out.append(Extraction(pred.name, subj_value, obj_value, role.person.sentence_index, extractor,
                                          confidence, modality=stated))
    return out


def _role_value(value: RoleValue, role: Role) -> Value:
    """The fact's side; the person a pronoun stood for cites the sentence that named them."""
    if role.antecedent_sentence is not None and value.text == role.person.name and value.type == "PERSON":
        return Value(value.text, value.type, via_coref=True, antecedent_sentence=role.antecedent_sentence)
    return Value(value.text, value.type, span=value.span)


def _dedupe(extractions: list[Extraction]) -> list[Extraction]:
    """One extraction per (fact, sentence): the most confident rule wins."""
    best: dict[tuple, Extraction] = {}
    for e in extractions:
        key = (e.predicate, e.subject.text, e.object.text, e.sentence_index)
        if key not in best or (e.modality == "asserted", e.confidence) > (
                best[key].modality == "asserted", best[key].confidence):
            best[key] = e
    return list(best.values())
