"""Arguments to values: a token's mention, date, appositive name, copula subject, pronoun antecedent,
referring noun's antecedent ("the film"), or an untagged proper name for the frame to type."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from pipeline.coreference import resolve_description, resolve_pronoun, resolve_thing_pronoun
from pipeline.dates import normalize_date
from pipeline.mentions import ANTECEDENT_KINDS, ANY_KIND, KIND_NOUNS, Mention, propn_chain_start, sentence_indexes
from pipeline.relations.arguments import copula_subject, phrase_end, refers_back
from pipeline.registry import RoleLexicon
from pipeline.relations.values import UNTYPED, Value
from pipeline.roles import describes_a_person

PRONOUN_SPAN_TYPES = {"he": "PERSON", "she": "PERSON", "his": "PERSON", "her": "PERSON", "him": "PERSON",
                      "i": "PERSON", "my": "PERSON", "me": "PERSON", "it": "ORG", "its": "ORG"}  # "I": a first-person bio
PORTIONS = {"%", "percent", "half", "majority", "control", "rest", "remainder", "quarter", "third", "most",
            "part", "all"}
CAMEL_CASE = re.compile(r"^[a-z]+[A-Z][A-Za-z]*$")  # pgLang, iPhone


class Resolver:
    """Maps tokens of one document to mentions, dates or coreferent mentions."""

    def __init__(self, doc: Doc, mentions: list[Mention], author: str | None, pronoun_spans: bool = False,
                 lexicon: RoleLexicon | None = None):
        self.doc = doc
        self.lexicon = lexicon
        self.pronoun_spans = pronoun_spans
        self.mentions = mentions
        self.by_token = {i: m for m in mentions for i in range(m.token_start, m.token_end)}
        self.author = author.casefold() if author else None
        self.sentence_of = sentence_indexes(doc)
        self.teams_led: dict[str, Value] = {}  # a coach or manager's name: the team the document says they lead

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
        named = named or self._named_right_after(tok) or self._portion_of(tok)
        if named:
            return None if self.is_author(named[0].name) else Value(named[0].name, named[0].type, named[0].kind)
        if (subject := copula_subject(tok)) is not None:  # '"X" is the fourth album, released on ...'
            return self.value(subject)
        return self._pronoun(tok) or self._described(tok) or self._coref(tok) or self._untagged_name(tok)

    def _named_right_after(self, tok: Token) -> list[Mention]:
        """'appears in the comedy Meet the Fockers' when the parser hung the title elsewhere: a kind noun
        followed at once by a name of that kind is that name."""
        after = self.by_token.get(tok.i + 1)
        if tok.pos_ != "NOUN" or after is None or after.token_start != tok.i + 1:
            return []
        lemma = tok.lemma_.lower()
        return [after] if KIND_NOUNS.get(lemma) == after.type or after.kind == lemma else []

    def _portion_of(self, tok: Token) -> list[Mention]:
        """'owns 75% of Kestrel', 'bought the rest of Kestrel': a share of a thing stands for the thing."""
        if not (tok.lower_ in PORTIONS or tok.ent_type_ == "PERCENT" and tok.pos_ == "NOUN"):
            return []
        return [self.by_token[p.i] for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                for p in c.children if p.dep_ == "pobj" and p.i in self.by_token][:1]

    def _pronoun(self, tok: Token) -> Value | None:
        """'She is starring in X': he, she, his and her stand for a person named before, it and its for the
        organisation or work the sentence is about (coreference.py)."""
        antecedent = resolve_pronoun(tok, self.mentions, self.sentence_of) \
            or resolve_thing_pronoun(tok, self.mentions, self.sentence_of)
        if antecedent is None and self.pronoun_spans and tok.lower_ in PRONOUN_SPAN_TYPES:
            return Value(tok.text, PRONOUN_SPAN_TYPES[tok.lower_])
        if antecedent is None or self.is_author(antecedent.name):
            return None
        return Value(antecedent.name, antecedent.type, antecedent.kind, via_coref=True,
                     antecedent_sentence=antecedent.sentence_index)

    def team_led_by(self, value: Value) -> Value | None:
        return self.teams_led.get(value.text) if value.type == "PERSON" else None

    def _described(self, tok: Token) -> Value | None:
        """'The midfielder joined X', 'The 52-year-old is now ...': a subject describing a person stands for
        the one person this sentence or the two before name (coreference.resolve_description)."""
        if self.lexicon is None or tok.dep_ not in ("nsubj", "nsubjpass") or not any(
                c.dep_ == "det" and c.lower_ == "the" for c in tok.children) or not describes_a_person(tok, self.lexicon):
            return None
        person = resolve_description(tok, self.mentions, self.sentence_of, "PERSON")
        if person is None or self.is_author(person.name):
            return None
        return Value(person.name, person.type, person.kind, via_coref=True, antecedent_sentence=person.sentence_index)

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
        if self.is_author(name) or len(span) == 1 and span[0].is_sent_start:
            return None  # "Rock star Patti Smith", "Film director X": one word capitalised by its place
        return Value(name, self._conjunct_type(tok), span=(span.start_char, span.end_char))

    def _conjunct_type(self, tok: Token) -> str:
        """'Annette Bening and Ana Geislerova shared ...': a name the model missed, coordinated with a person,
        is a person too; else the frame's slot types it."""
        head = self.by_token.get(tok.head.i) if tok.dep_ == "conj" else None
        return "PERSON" if head is not None and head.type == "PERSON" else UNTYPED

    def is_author(self, name: str) -> bool:
        return self.author is not None and name.casefold() == self.author

    def _coref(self, tok: Token) -> Value | None:
        """'the film' / 'the label' / 'the record': a preceding mention of that kind of thing."""
        lemma = tok.lemma_.lower()
        kind_type = KIND_NOUNS.get(lemma) or ("WORK" if lemma in ANTECEDENT_KINDS else None)
        # The tagger calls 'the LP' / 'their EP' proper nouns; a capitalised 'The Record' is a name.
        if not (tok.pos_ == "NOUN" or tok.is_upper) or kind_type is None or not refers_back(tok):
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
        sent_i, end = self.sentence_of[verb.i], phrase_end(verb) or verb.i
        works = [m for m in self.mentions if m.type == "WORK" and not self.is_author(m.name)]
        here = [m for m in works if m.sentence_index == sent_i and m.token_start > end]
        before = [m for m in reversed(works) if m.sentence_index == sent_i - 1]
        topic = [m for m in works if m.sentence_index == 0 and m.token_start < verb.i]
        chosen = next(iter(here + before + topic), None)
        return None if chosen is None else Value(chosen.name, chosen.type, chosen.kind, via_coref=True)
