"""Pronouns to the people they stand for, within a document ("She is currently starring in X").

Rules, not a trained resolver: gender from the census first names (pipeline/gazetteer.py) and the words that
introduce a person ("actress", "Mr", "his wife"), a window of the current and two previous sentences, and a
preference for the person the sentence before was about (its subject). When two people of the pronoun's gender
are equally likely, the pronoun stays unresolved: a wrong antecedent is a wrong fact.
"""
from __future__ import annotations

from spacy.tokens import Token

from pipeline.gazetteer import first_name_gender
from pipeline.mentions import Mention

PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m",
                  "she": "f", "her": "f", "hers": "f", "herself": "f"}
FEMALE_WORDS = {"actress", "mrs", "ms", "miss", "wife", "mother", "daughter", "sister", "queen", "princess",
                "chairwoman", "spokeswoman", "businesswoman", "dame", "lady", "girl", "woman", "singer-actress"}
MALE_WORDS = {"mr", "wife's", "husband", "father", "son", "brother", "king", "prince", "chairman", "spokesman",
              "businessman", "sir", "lord", "boy", "man"}
WINDOW = 2  # sentences back


def person_gender(m: Mention, tokens) -> str | None:
    """'f', 'm' or None: from the first name, else from the word right before the name."""
    words = m.name.split()
    gender = first_name_gender(words[0]) if len(words) >= 2 else None
    if gender is None and m.token_start > 0:
        before = tokens[m.token_start - 1].lower_.rstrip(".")
        gender = "f" if before in FEMALE_WORDS else "m" if before in MALE_WORDS else None
    return gender


def resolve_pronoun(tok: Token, mentions: list[Mention], sentence_of: list[int]) -> Mention | None:
    gender = PRONOUN_GENDER.get(tok.lower_)
    if gender is None or tok.pos_ != "PRON" or inside_quotation(tok):
        return None  # '"... the death of his wife Audrey," he said': whose, the quote's speaker does not say
    here = sentence_of[tok.i]
    genders = _genders(tok.doc, mentions)
    candidates = [m for m in mentions if m.type == "PERSON" and m.end_char <= tok.idx
                  and here - m.sentence_index <= WINDOW and genders.get(m.name) in (gender, None)]
    if not candidates:
        return None
    same = [m for m in candidates if m.sentence_index == here]
    if same:
        return same[-1]
    last_sentence = max(m.sentence_index for m in candidates)
    recent = [m for m in candidates if m.sentence_index == last_sentence]
    names = {m.name for m in recent}
    if len(names) == 1:
        return recent[-1]
    subjects = {m.name for m in recent if _is_subject(tok.doc[m.token_start:m.token_end].root)}
    if len(subjects) == 1:
        return next(m for m in recent if m.name in subjects)
    return None  # two people of that gender, neither the subject: do not guess


QUOTES = {'"', "“", "”"}


def inside_quotation(tok: Token) -> bool:
    """Inside a quotation: an odd number of quotation marks between the paragraph's start and the token."""
    doc, i, marks = tok.doc, tok.i - 1, 0
    while i >= 0 and "\n" not in doc[i].text and "\n" not in doc[i].whitespace_:
        marks += doc[i].text in QUOTES
        i -= 1
    return marks % 2 == 1


def _is_subject(root: Token) -> bool:
    """The subject of its clause, or one of several coordinated subjects ("X and Y met")."""
    while root.dep_ == "conj":
        root = root.head
    return root.dep_ in ("nsubj", "nsubjpass")


def _genders(doc, mentions: list[Mention]) -> dict[str, str | None]:
    """One gender per resolved name: the first mention that tells."""
    genders: dict[str, str | None] = {}
    for m in mentions:
        if m.type == "PERSON" and genders.get(m.name) is None:
            genders[m.name] = person_gender(m, doc)
    return genders


def resolve_description(tok: Token, mentions: list[Mention], sentence_of: list[int], kind: str = "PERSON"
                        ) -> Mention | None:
    """'the feminist writer', 'the German giant': a person (or organisation) described, not named, is the one
    named in this sentence before it or in the two before; with two there, the description stays unresolved."""
    here = sentence_of[tok.i]
    candidates = [m for m in mentions if m.type == kind and m.end_char <= tok.idx
                  and here - m.sentence_index <= WINDOW]
    return candidates[-1] if len({m.name for m in candidates}) == 1 else None


THING_PRONOUNS = {"it", "its"}
THING_TYPES = ("ORG", "WORK")


def resolve_thing_pronoun(tok: Token, mentions: list[Mention], sentence_of: list[int]) -> Mention | None:
    """'It was founded in 1901', 'its chief executive': the organisation or work that is the subject of this
    sentence's main clause before the pronoun ("Kestrel said it would ..."), else of the sentence before
    ("Kestrel reported profits. It ..."), through that sentence's own "it". A subject that is anything else
    leaves the pronoun unresolved: "it" also stands for events, claims and the weather."""
    if tok.lower_ not in THING_PRONOUNS or tok.pos_ != "PRON":
        return None
    by_token = {i: m for m in mentions for i in range(m.token_start, m.token_end)}
    return _thing_before(tok, by_token, WINDOW)


def _thing_before(tok: Token, by_token: dict[int, Mention], hops: int) -> Mention | None:
    sent = tok.sent
    subject = next((c for c in sent.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.i >= tok.i:
        if sent.start == 0 or hops == 0:
            return None
        previous = tok.doc[sent.start - 1].sent.root
        subject = next((c for c in previous.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None:
            return None
        hops -= 1
    if subject.lower_ in THING_PRONOUNS and subject.pos_ == "PRON":  # "It said its ...", "... . It ..."
        return _thing_before(subject, by_token, hops) if subject.i != tok.i else None
    found = by_token.get(subject.i)
    return found if found is not None and found.type in THING_TYPES else None
