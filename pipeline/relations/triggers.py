"""The registry's frames indexed by trigger lemma, and the predicates each extractor family serves."""
from __future__ import annotations

from pipeline.registry import NounFrame, Predicate, VerbFrame, load_roles


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
        self.place_word = [p for p in predicates if p.place_word]
        self.roles = [p for p in predicates if p.roles]
        self.makers = [p for p in predicates if p.makers]
        self.modifier = {p.modifier: p for p in predicates if p.modifier}
        self.award_categories = [p for p in predicates if p.award_categories]
        self.symmetric = frozenset(p.name for p in predicates if p.symmetric)
        self.role_lexicon = load_roles()
