"""extract_relations: every extractor family over every sentence of a document, each fact once."""
from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Token

from pipeline.mentions import Mention, is_about_sport
from pipeline.modality import modality
from pipeline.registry import NounFrame, VerbFrame, load_registry
from pipeline.relations.arguments import NOMINAL_POS, VERB_POS
from pipeline.relations.awards import award_category_extractions, award_modifier_extractions
from pipeline.relations.lifespans import lifespan_extractions
from pipeline.relations.makers import by_line_extractions, possessive_maker_extractions
from pipeline.relations.nouns import noun_extractions, noun_matches, possessive_extractions
from pipeline.relations.places import place_word_extractions, comma_apposition_extractions
from pipeline.relations.resolver import Resolver
from pipeline.relations.role_facts import role_extractions
from pipeline.relations.triggers import Triggers
from pipeline.relations.values import Extraction, Value
from pipeline.relations.verbs import phrasal_lemma, surface_extractions, verb_extractions, verb_lemma


def extract_relations(doc: Doc, mentions: list[Mention], author: str | None = None,
                      triggers: Triggers | None = None, pronoun_spans: bool = False) -> list[Extraction]:
    """The rules' extractions of one document. pronoun_spans: a pronoun nothing before it resolves stands for
    itself (for span-scored benchmarks that cut passages from their documents; the product drops such facts)."""
    triggers = triggers or Triggers(load_registry())
    resolver = Resolver(doc, mentions, author, pronoun_spans, triggers.role_lexicon)
    out: list[Extraction] = role_extractions(doc, mentions, triggers, resolver)
    if is_about_sport(doc):
        resolver.teams_led = teams_led(out, triggers)
    for sent_i, sent in enumerate(doc.sents):
        for pred in triggers.comma_apposition:
            out.extend(comma_apposition_extractions(doc, pred, resolver, sent_i, sent))
        for pred in triggers.place_word:
            out.extend(place_word_extractions(doc, pred, resolver, sent_i, sent))
        for pred in triggers.lifespan:
            out.extend(lifespan_extractions(doc, pred, resolver, sent_i, sent))
        for pred in triggers.makers:
            out.extend(by_line_extractions(doc, pred, resolver, sent_i, sent))
            out.extend(possessive_maker_extractions(doc, pred, resolver, sent_i, sent))
        out.extend(award_modifier_extractions(doc, triggers.modifier, resolver, sent_i, sent))
        out.extend(award_category_extractions(doc, triggers.award_categories, resolver, sent_i, sent))
        for tok in sent:
            found: list[Extraction] = []
            if tok.pos_ in VERB_POS or tok.dep_ == "acomp":  # "is married to X": a participle tagged an adjective
                for lemma in {verb_lemma(tok), tok.lemma_.lower(), phrasal_lemma(tok)} - {None}:
                    for pred, frame in triggers.verbs.get(lemma, []):
                        if _applies(frame, doc):
                            found.extend(verb_extractions(tok, pred, frame, resolver, sent_i))
            elif tok.pos_ in NOMINAL_POS:
                lemma = tok.lemma_.lower()
                for pred, frame in triggers.verbs.get(lemma, []):  # a verb the model took for a noun
                    if _applies(frame, doc):
                        found.extend(surface_extractions(tok, pred, frame, resolver, sent_i))
                if lemma.split("-")[-1] in triggers.noun_heads:
                    for pred, frame in triggers.nouns:
                        if noun_matches(tok, frame.lemmas) and _applies(frame, doc):
                            found.extend(noun_extractions(tok, pred, frame, resolver, sent_i))
                for pred in triggers.possessive.get(lemma, []):
                    found.extend(possessive_extractions(tok, pred, resolver, sent_i))
            out.extend(replace(e, modality=stated_modality(tok, e)) for e in found)
    out += [replace(e, subject=e.object, object=e.subject) for e in out if e.predicate in triggers.symmetric]
    return _dedupe(_actors_are_no_makers(out, doc, mentions))


ACTING = {"actor", "actress", "star", "co-star"}


def _actors_are_no_makers(out: list[Extraction], doc: Doc, mentions: list[Mention]) -> list[Extraction]:
    """'Foxx's movie Ray', 'his film Hide and Seek' said of an actor the document casts, or calls a star: the film
    is theirs as its star, not as its director."""
    actors = {e.object.text for e in out if e.predicate == "cast_member"} | {
        e.subject.text for e in out if e.predicate == "occupation" and e.object.text in ACTING} | {
        m.name for m in mentions if m.type == "PERSON" and m.token_start and doc[m.token_start - 1].lower_ in ACTING}
    return [e for e in out if not (":possessive_maker" in e.extractor and e.predicate == "director"
                                   and e.object.text in actors)]


def teams_led(roles: list[Extraction], triggers: Triggers) -> dict[str, Value]:
    """'Wales coach Mike Ruddock': who leads which team, from the roles of a sport story; a person leading two
    (a coach who moved) leads neither here."""
    led: dict[str, set[Value]] = {}
    for e in roles:
        phrase = e.extractor.rsplit(":", 1)[-1]
        if e.predicate == "employer" and "team_post" in triggers.role_lexicon.kinds.get(phrase, ()):
            led.setdefault(e.subject.text, set()).add(Value(e.object.text, e.object.type))
    return {person: next(iter(teams)) for person, teams in led.items() if len(teams) == 1}


def _applies(frame: VerbFrame | NounFrame, doc: Doc) -> bool:
    return frame.sport is None or frame.sport == is_about_sport(doc)


def stated_modality(trigger: Token, e: Extraction) -> str:
    """A verb, or the copula of "X is not the director of Y", states the fact and can deny or hedge it; a role
    or an apposition inside a noun phrase presupposes it ("coach X may have found the team")."""
    if trigger.pos_ in VERB_POS:
        return modality(trigger)
    return modality(trigger.head) if ":noun_copula:" in e.extractor else "asserted"


def _dedupe(extractions: list[Extraction]) -> list[Extraction]:
    """One extraction per (fact, sentence): the most confident rule wins."""
    best: dict[tuple, Extraction] = {}
    for e in extractions:
        key = (e.predicate, e.subject.text, e.object.text, e.sentence_index)
        if key not in best or (e.modality == "asserted", e.confidence) > (
                best[key].modality == "asserted", best[key].confidence):
            best[key] = e
    return list(best.values())
