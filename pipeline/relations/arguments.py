"""Where a frame's arguments sit in the dependency parse: a verb's agent, patient, subject, prep:P object or
date in either voice, shared across coordinated verbs and fronted participles, then expanded over
coordination ("A and B", "A alongside B")."""
from __future__ import annotations

from collections.abc import Callable, Collection

from spacy.tokens import Token

from pipeline.nlp import sentence_of

# "A, alongside B": B shares A's role. "with" is left out: "co-founder of X with B".
CO_AGENT_PREPS = {"alongside"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
CONJUNCTIONS = frozenset({"and", "or", "&"})

# Dependency labels and parts of speech the extractors test more than once.
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
MODIFIER_DEPS = frozenset({"compound", "amod"})  # what builds a noun phrase before its head
VERB_POS = frozenset({"VERB", "AUX"})
NOMINAL_POS = frozenset({"NOUN", "PROPN"})


def children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def prep_objects(tok: Token, preps: Collection[str]) -> list[Token]:
    """The objects of the token's prepositions among preps ('directed by X' -> X for preps {'by'}); the parser
    calls the 'to' of 'sold X to Y' a dative."""
    return [p for c in tok.children if c.dep_ in ("prep", "dative") and c.lower_ in preps for p in children(c, "pobj")]


def is_passive(verb: Token) -> bool:
    if children(verb, "nsubjpass", "auxpass", "agent"):
        return True
    return verb.tag_ == "VBN" and verb.dep_ in ("acl", "advcl", "conj") and not children(verb, "nsubj")


def _conj_verbs(verb: Token) -> list[Token]:
    """Verbs coordinated with this one, nearest first: in "written and directed by A and co-produced by
    B" the film is the subject of all three, though the parser hangs 'co-produced' off 'directed'."""
    return sorted((c for c in verb.conjuncts if c.pos_ in VERB_POS), key=lambda c: abs(c.i - verb.i))


def _shared(verb: Token, finder: Callable[[Token], list[Token]]) -> list[Token]:
    found = finder(verb)
    if found:
        return found
    for other in _conj_verbs(verb):
        if (found := finder(other)):
            return found
    return []


def _relative_head(tok: Token) -> Token:
    """'Brandt, who founded X', 'Bank One, which JP Morgan bought': the relative pronoun stands for the noun
    the clause modifies."""
    if tok.lower_ in RELATIVE_PRONOUNS and tok.head.dep_ == "relcl":
        return tok.head.head
    return tok


def agent_tokens(verb: Token) -> list[Token]:
    return _doers(verb) + prep_objects(verb, CO_AGENT_PREPS)


def fronted_participle(verb: Token) -> bool:
    """'Starring X, the film follows ...': a present participle opening its sentence, its phrase
    closed by a comma before the main verb. The parser often takes it for a noun modifier
    ('Co-starring actress X, Y delivered ...'), so its dependency label is not required."""
    sent = sentence_of(verb.doc, verb.i)
    first = next((t for t in sent if not (t.is_punct or t.is_space)), None)
    return (verb.tag_ == "VBG" and verb == first and verb.dep_ not in ("ROOT", "csubj", "csubjpass", "nsubj")
            and phrase_end(verb) is not None)


def phrase_end(verb: Token) -> int | None:
    """Index of the comma closing a fronted participle's phrase: the last one before the main verb."""
    root = sentence_of(verb.doc, verb.i).root
    commas = [t.i for t in verb.doc[verb.i + 1:root.i] if t.text == ","]
    return commas[-1] if commas else None


def main_subject(verb: Token) -> list[Token]:
    """A fronted participle's understood subject is the main clause's ('Graduating from X, Y joined ...')."""
    end = phrase_end(verb)
    return [t for t in children(sentence_of(verb.doc, verb.i).root, *SUBJECT_DEPS) if t.i > end]


def _modified_name(verb: Token) -> list[Token]:
    """'Co-starring actress Taylour Paige' parsed as one noun phrase: the name the participle's chain of
    modifiers ends in is its object, not the role noun in between."""
    tok = verb
    while tok.dep_ in MODIFIER_DEPS and tok.head.i > tok.i and tok.head.pos_ in NOMINAL_POS:
        tok = tok.head
    return [tok] if tok is not verb and tok.pos_ == "PROPN" else []


def _doers(verb: Token) -> list[Token]:
    if is_passive(verb):
        return _shared(verb, lambda v: [p for a in children(v, "agent") for p in children(a, "pobj")])
    subj = _shared(verb, lambda v: children(v, "nsubj"))
    if not subj and verb.dep_ == "conj" and verb.tag_ != "VBN":
        subj = children(verb.head, "nsubjpass")  # "X was born in A and moved to B": the first verb's subject
    if subj:
        return [_relative_head(t) for t in subj]
    if fronted_participle(verb):
        return main_subject(verb)
    if (main := _governing_verb(verb)) is not None:
        return _doers(main)  # "X completed a degree while working for Y": the main clause's doer
    return [verb.head] if verb.dep_ == "acl" and verb.tag_ == "VBG" else []


def _governing_verb(verb: Token) -> Token | None:
    """The main clause's verb of a subjectless -ing clause: 'while working for Y' (advcl), 'before relocating
    to Y' (the object of a preposition on the verb)."""
    if verb.tag_ != "VBG" or children(verb, *SUBJECT_DEPS):
        return None
    head = verb.head.head if verb.dep_ == "pcomp" and verb.head.pos_ == "ADP" else verb.head if verb.dep_ == "advcl" \
        else None
    return head if head is not None and head.pos_ in VERB_POS and head is not verb else None


def patient_tokens(verb: Token) -> list[Token]:
    if not is_passive(verb):
        objects = [_relative_head(t) for t in children(verb, "dobj")]  # "Bank One, which JP Morgan bought"
        return objects or (_modified_name(verb) if fronted_participle(verb) else [])
    subj = _shared(verb, lambda v: children(v, "nsubjpass"))
    if subj:
        return [_relative_head(t) for t in subj]
    if verb.dep_ == "advcl" and verb.head.pos_ in NOMINAL_POS and (named := children(verb.head, "nmod")):
        return named  # 'Released on May 2, "X" stars Y' with 'stars' parsed as a noun: X hangs on it
    if verb.dep_ == "acl" or verb.head.pos_ in NOMINAL_POS:
        return [verb.head]  # "the film, directed by X"
    if verb.dep_ == "advcl":  # "Released on May 2, X stars ..."
        return children(verb.head, *SUBJECT_DEPS)
    return []


def _subj_tokens(verb: Token) -> list[Token]:
    subj = _shared(verb, lambda v: children(v, *SUBJECT_DEPS))
    if subj:
        return [_relative_head(t) for t in subj]
    if verb.dep_ == "acomp":  # "X is married to Y"
        return [_relative_head(t) for t in children(verb.head, *SUBJECT_DEPS)]
    if (main := _governing_verb(verb)) is not None:
        return _subj_tokens(main)  # "While living in Paris he ...", "before relocating to California"
    return [verb.head] if verb.dep_ == "acl" else []


def _prep_tokens(verb: Token, prep: str) -> list[Token]:
    """The preposition's objects; through a role played ('stars as Howard Hughes in The Aviator', 'plays Bobby
    Darin in Beyond the Sea') or an occasion ('played in a friendly for his club X'), the parser often hangs
    the preposition on the role's name, the verb's object or the occasion."""
    def found(v: Token) -> list[Token]:
        held = prep_objects(v, ("as", "in", "at")) + [c for c in v.children if c.dep_ == "dobj"]
        return prep_objects(v, (prep,)) or [o for role in held for o in prep_objects(role, (prep,))]
    # "born and raised in Yonkers": coordinated verbs share a trailing preposition
    return found(verb) or next((f for c in verb.children if c.dep_ == "conj" and c.pos_ in VERB_POS
                                and not children(c, *SUBJECT_DEPS) and (f := found(c))), [])


def _date_tokens(verb: Token) -> list[Token]:
    """A date hanging directly off the verb: 'born 7 February 1837'."""
    return [c for c in verb.children if c.ent_type_ == "DATE" and c.dep_ in ("npadvmod", "dobj", "nummod", "appos", "pobj")]


def role_tokens(verb: Token, role: str) -> list[Token]:
    if role == "date":
        return _date_tokens(verb)
    if role in ("agent", "leader"):
        return agent_tokens(verb)
    if role == "patient":
        return patient_tokens(verb)
    if role == "subj":
        return _subj_tokens(verb)
    return _prep_tokens(verb, role.split(":", 1)[1])


def coordinated(tok: Token) -> tuple[Token, ...]:
    """'A, B and C' are coordinated; 'Toronto, Ontario, Canada', with no conjunction, is one place and
    where it lies (the parser calls both conj), so the first name alone is the argument."""
    group = sorted((tok, *tok.conjuncts), key=lambda t: t.i)
    between = tok.doc[group[0].i:group[-1].i]
    return tok.conjuncts if any(t.dep_ == "cc" or t.lower_ in CONJUNCTIONS for t in between) else ()


def expand(tokens: list[Token], companions: bool = True) -> list[Token]:
    """Coordination: one argument per conjunct, plus 'alongside B' companions of a verb's argument."""
    out: list[Token] = []
    for tok in tokens:
        for t in (tok, *coordinated(tok)):
            if t not in out:
                out.append(t)
            if not companions:
                continue
            holders = [t, *children(t, "appos")]
            for prep in (p for h in holders for p in children(h, "prep")):
                if prep.lower_ in CO_AGENT_PREPS:
                    out.extend(p for p in children(prep, "pobj") if p not in out)
    return out


def copula_subject(noun: Token) -> Token | None:
    """'X is a drama ...': the common noun after 'be' is X itself."""
    if noun.pos_ != "NOUN" or noun.dep_ != "attr" or noun.head.lemma_ != "be":
        return None
    return next(iter(children(noun.head, "nsubj")), None)


def refers_back(noun: Token) -> bool:
    """'the film', 'its label' refer back; 'a film', 'their first project', 'his latest album' bring in a new one."""
    if not children(noun, "det", "poss") or any(c.lower_ in ("a", "an") for c in children(noun, "det")):
        return False
    return not any(c.tag_ == "JJS" or c.ent_type_ == "ORDINAL" or c.lower_ in ("new", "next", "another")
                   for c in children(noun, "amod"))
