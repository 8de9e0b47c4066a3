"""Verb frames: a trigger verb's arguments in either voice, a fronted participle's agent, and the surface
fallback for a verb the tagger took for a noun."""
from __future__ import annotations

from spacy.tokens import Token

from pipeline.mentions import Mention
from pipeline.registry import Predicate, VerbFrame
from pipeline.relations.arguments import expand, fronted_participle, is_passive, main_subject, role_tokens
from pipeline.relations.resolver import Resolver
from pipeline.relations.values import CONFIDENCE, Extraction, Value, accept, pairs


def verb_extractions(verb: Token, pred: Predicate, frame: VerbFrame, resolver: Resolver, sent_i: int
                     ) -> list[Extraction]:
    values = {role: resolver.values(expand(role_tokens(verb, role))) for role in (frame.subject, frame.object)}
    if pred.nation_teams and frame.object in ("agent", "leader"):  # "Ruddock has recalled X": Ruddock's team has
        values[frame.object] = [resolver.team_led_by(v) or v for v in values[frame.object]
                                if frame.object == "agent" or resolver.team_led_by(v) is not None]
    fronted = fronted_participle(verb)
    if fronted and "agent" in values:
        slot = pred.subject_types if frame.subject == "agent" else pred.object_types
        values["agent"] = _fronted_agent(verb, slot, values["agent"], resolver)
    voice = "passive" if is_passive(verb) else "active"
    style = "participle" if fronted or verb.dep_ in ("acl", "advcl") else "verb"
    trigger = phrasal if (phrasal := phrasal_lemma(verb)) in frame.lemmas else verb.lemma_
    return pairs(pred, values[frame.subject], values[frame.object], sent_i,
                 f"{pred.name}:verb_{voice}:{trigger}", CONFIDENCE[style])


def _fronted_agent(verb: Token, slot_types: frozenset[str], found: list[Value], resolver: Resolver) -> list[Value]:
    """'Co-starring actress X, Lamar delivered a short film': when the main clause's subject cannot be the
    work the participle describes (a person, a pronoun, nothing), that work is the one under discussion.
    A common noun coreference could not place ('Starring X, the campaign ...') is not guessed at."""
    if "WORK" not in slot_types or any(v.type == "WORK" for v in found):
        return found
    if any(t.pos_ == "NOUN" for t in main_subject(verb)):
        return found
    work = resolver.discussed_work(verb)
    return [work] if work is not None else found


SURFACE_FILLER = {"DET", "ADJ", "PUNCT", "NOUN", "NUM"}


def surface_extractions(tok: Token, pred: Predicate, frame: VerbFrame, resolver: Resolver, sent_i: int
                        ) -> list[Extraction]:
    """'A and B star in the short film "W"' when the model tagged 'star' as a noun: the frame's
    agent is the list of names just before the trigger, its prep:P argument the first name after P."""
    roles = {frame.subject, frame.object}
    prep_role = next((r for r in roles if r.startswith("prep:")), None)
    if prep_role is None or not roles & {"agent", "subj"}:
        return []
    doc, prep = tok.doc, prep_role.split(":", 1)[1]
    at = _past_role_played(tok, resolver)
    if at >= len(doc) or doc[at].lower_ != prep:
        return []
    after = next((resolver.by_token[i] for i in range(at + 1, min(len(doc), at + 8))
                  if i in resolver.by_token), None)
    if after is None or any(doc[i].pos_ not in SURFACE_FILLER for i in range(at + 1, after.token_start)):
        return []
    before = _names_before(tok, resolver)
    agent_role = "agent" if "agent" in roles else "subj"
    out = []
    for name in before:
        values = {agent_role: Value(name.name, name.type, name.kind), prep_role: Value(after.name, after.type, after.kind)}
        subj, obj = values[frame.subject], values[frame.object]
        if accept(pred, subj, obj):
            out.append(Extraction(pred.name, subj, obj, sent_i, f"{pred.name}:surface:{tok.lemma_.lower()}",
                                  CONFIDENCE["surface"]))
    return out


def _past_role_played(tok: Token, resolver: Resolver) -> int:
    """The token after the trigger, or after 'as <name>' ('stars as Howard Hughes in ...')."""
    nxt = tok.i + 1
    role = resolver.by_token.get(nxt + 1) if nxt < len(tok.doc) and tok.doc[nxt].lower_ == "as" else None
    return role.token_end if role is not None and role.token_start == nxt + 1 else nxt


def _names_before(tok: Token, resolver: Resolver) -> list[Mention]:
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


def phrasal_lemma(tok: Token) -> str | None:
    """'took over', 'picked up': the lemma with its particle, a trigger of its own ("take over")."""
    particle = next((c for c in tok.children if c.dep_ == "prt"), None)
    return f"{tok.lemma_.lower()} {particle.lower_}" if particle is not None else None


def verb_lemma(tok: Token) -> str:
    """'co-directed' is tokenised as co - directed: keep the prefix."""
    lemma = tok.lemma_.lower()
    if tok.i >= 2 and tok.nbor(-1).text == "-" and tok.nbor(-2).lower_ == "co":
        return "co-" + lemma
    return lemma
