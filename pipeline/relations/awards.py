"""Awards named as modifiers ('Oscar-winning actor Jamie Foxx', 'the Bafta-nominated film X'), and award
categories that say what a winner did for a work ('won the best actress Oscar for Million Dollar Baby')."""
from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from pipeline import gazetteer
from pipeline.registry import Predicate
from pipeline.relations.arguments import VERB_POS, children, expand, prep_objects, role_tokens
from pipeline.relations.resolver import Resolver
from pipeline.relations.values import CONFIDENCE, Extraction, Value, accept, pairs

AWARD_MODIFIER = re.compile(r"\b(?P<award>Golden Globe|Academy Award|Brit Award|[A-Z][\w']*)-(?P<modifier>winning|nominated)\b")


def award_modifier_extractions(doc: Doc, by_modifier: dict[str, Predicate], resolver: Resolver,
                               sent_i: int, sent: Span) -> list[Extraction]:
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
        if accept(pred, subj, obj):
            out.append(Extraction(pred.name, subj, obj, sent_i, f"{pred.name}:modifier:{m['modifier']}",
                                  CONFIDENCE["title"]))
    return out


AWARD_VERBS = {"win", "receive", "earn", "take", "scoop", "collect", "share", "claim", "land", "bag", "pick",
               "nominate", "shortlist"}
PART_NOUNS = {"role", "part", "performance", "portrayal", "work", "turn"}


def award_category_extractions(doc: Doc, preds: list[Predicate], resolver: Resolver, sent_i: int, sent: Span
                               ) -> list[Extraction]:
    """'X won the best actress Oscar for W', 'X was nominated for best director for W', 'Y won best rock album for
    W': the category's words name what the winner was to the work (cast member, director, performer)."""
    out = []
    for verb in (t for t in sent if t.pos_ in VERB_POS and t.lemma_.lower() in AWARD_VERBS):
        nominated = verb.lemma_.lower() in ("nominate", "shortlist")
        winners = resolver.values(expand(role_tokens(verb, "patient" if nominated else "agent")))
        fors = prep_objects(verb, ("for",))
        awards = fors[:1] if nominated else children(verb, "dobj")
        named_awards = resolver.values(awards)
        works = [w for w in resolver.values(_work_tokens(fors + awards)) if w.type == "WORK" and w not in named_awards]
        category = {t.lower_ for a in awards for t in a.subtree if t.i <= a.i}
        if "best" not in category and not any(v.type == "AWARD" for v in named_awards):
            continue  # "shared the song Night Ferry": no award
        for pred in preds:
            for word in sorted(category & pred.award_categories)[:1]:
                said = [replace(w, kind=w.kind or word) if word in pred.subject_kinds else w for w in works]
                out.extend(pairs(pred, said, winners, sent_i, f"{pred.name}:award_category:{word}", CONFIDENCE["noun"]))
    return out


def _work_tokens(tokens: list[Token]) -> list[Token]:
    """The works a 'for' names: 'for Million Dollar Baby', 'for his role in Ray', and a 'for' on the award."""
    found = list(tokens)
    for tok in tokens:
        found.extend(prep_objects(tok, ("for",)))
    found += [p for tok in found if tok.lemma_.lower() in PART_NOUNS for p in prep_objects(tok, ("in", "as"))]
    return found
