"""Awards named as modifiers: 'Oscar-winning actor Jamie Foxx', 'the Bafta-nominated film X'."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from pipeline import gazetteer
from pipeline.registry import Predicate
from pipeline.relations.resolver import Resolver
from pipeline.relations.values import CONFIDENCE, Extraction, Value, accept

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
