"""Whether a sentence asserts what a rule found in it, or only reports, hedges or denies it.

"did not direct", "denied that he founded" are negated; "is expected to buy", "may direct", "plans to sign",
"would join", "if she wins" hedged; "reportedly", "allegedly", "rumours ... that" reported (hearsay the text
itself does not vouch for). A plain "X said it had bought Y" is asserted: news attributes nearly every fact.
Only asserted claims support facts; the others stay in `claims` for analysts.
"""
from __future__ import annotations

from spacy.tokens import Token

from pipeline.nlp import sentence_of

MODALITIES = ("asserted", "reported", "hedged", "negated")
NEGATORS = {"not", "n't", "never", "no", "neither", "nor"}
DENIALS = {"deny", "refute", "reject", "dismiss"}
MODALS = {"may", "might", "could", "would", "should", "will", "shall", "must", "can"}
HEDGES = {"expect", "plan", "hope", "intend", "want", "seek", "aim", "consider", "propose", "bid", "try",
          "attempt", "threaten", "speculate", "suggest", "believe", "likely", "unlikely", "possible", "set", "poise",
          "tip", "tipped", "rumour", "rumor", "wish", "negotiate", "discuss", "offer", "eye", "mull", "prepare"}
HEARSAY = {"reportedly", "allegedly", "purportedly", "supposedly", "rumour", "rumor", "rumours", "rumors",
           "speculation", "gossip", "unconfirmed"}
CONDITIONS = {"if", "unless", "whether"}


def _path(tok: Token) -> list[Token]:
    """The trigger and the words it depends on up to its sentence's root, or up to a relative clause's verb:
    "X will replace Y, who has been loaned to Z" states the loan, whatever the main clause says."""
    path = [tok]
    while path[-1].head is not path[-1] and len(path) < 12 and path[-1].dep_ != "relcl":
        path.append(path[-1].head)
    return path


def modality(tok: Token) -> str:
    path = _path(tok)
    for t in path:
        if any(c.dep_ == "neg" or c.lower_ in NEGATORS and c.dep_ in ("advmod", "det", "neg") for c in t.children):
            return "negated"
        if t.lemma_.lower() in DENIALS and t is not tok:
            return "negated"
    for t in path:
        if t.lemma_.lower() in HEDGES and t is not tok:
            return "hedged"
        if any(c.dep_ == "aux" and c.lower_ in MODALS for c in t.children):
            return "hedged"
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONS for c in t.children):
            return "hedged"
    sentence = sentence_of(tok.doc, tok.i)
    if any(t.lower_ in HEARSAY or t.lemma_.lower() in HEARSAY for t in sentence):
        return "reported"
    return "asserted"


def pair_modality(doc, first: tuple[int, int], second: tuple[int, int] | None) -> str:
    """How the sentence states a relation between two spans (token ranges) that no trigger names, as the trained
    layer finds them: the modality of the word both depend on ("the unions say the engines will be made by GM
    in Australia" is hedged), or of the first span's head when the second is no span (a date)."""
    a = doc[first[0]:first[1]].root
    if second is None:
        return modality(a.head)
    b = doc[second[0]:second[1]].root
    above_b = {id(t) for t in _path(b)}
    common = next((t for t in _path(a) if id(t) in above_b), a.head)
    return modality(common)
