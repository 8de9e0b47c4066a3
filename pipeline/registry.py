"""Load and validate the predicate registry (registry.yaml)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

REGISTRY_PATH = Path(__file__).with_name("registry.yaml")
ENTITY_TYPES = {"PERSON", "ORG", "PLACE", "WORK", "AWARD", "EVENT", "MISC"}
LITERAL_TYPES = {"DATE", "STRING"}
VERB_ROLES = {"agent", "patient", "subj", "date", "leader"}
NOUN_ROLES = {"referent", "of", "self", "possessor", "holder", "member"}


@dataclass(frozen=True)
class VerbFrame:
    lemmas: frozenset[str]
    subject: str
    object: str
    sport: bool | None = None  # True: only in a sport story (a club signing people); False: never in one


@dataclass(frozen=True)
class NounFrame:
    lemmas: tuple[str, ...]
    subject: str
    object: str
    preps: tuple[str, ...] = ("of", "at")  # prepositions introducing the noun's complement
    sport: bool | None = None  # as VerbFrame.sport: "completed the signing of X" is a club's noun


ROLE_PARTS = {"person", "named", "self", "organisation", "party", "work", "nationality"}
ANY_ROLE = "any"


@dataclass(frozen=True)
class RoleFrame:
    """A person introduced by a role: which kinds of role, and which part of it is the subject and object."""
    kinds: frozenset[str]
    subject: str
    object: str
    unless: frozenset[str] = frozenset()   # kinds that rule the frame out ("captain" is a player, not staff)
    possessive: bool = False   # only a qualifier that owns the name, right before it: "MIT's Media Lab"


@dataclass(frozen=True)
class RoleLexicon:
    """Role phrases by kind ("economist": profession) and the modifiers a phrase drops ("former")."""
    kinds: dict[str, frozenset[str]]
    drop: frozenset[str]

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word of every role phrase ("chief", "executive", "officer")."""
        return frozenset(w for phrase in self.kinds for w in phrase.split())

    def classify(self, words: list[str]) -> tuple[str, frozenset[str]] | None:
        """(the matched phrase, its kinds) for the longest known phrase ending the words, else None; a plural
        ending ("German marques X and Y", "Labour MPs") matches its singular."""
        for ending in [words[-1]] + singulars(words[-1]) if words else []:
            for start in range(len(words)):
                phrase = " ".join(words[start:-1] + [ending])
                if phrase in self.kinds:
                    return phrase, self.kinds[phrase]
        return None


def singulars(word: str) -> list[str]:
    """The singulars an English plural may have: 'companies' company, 'actresses' actress, 'marques' marque."""
    if word.endswith("ies"):
        return [word[:-3] + "y"]
    return [word[:-2], word[:-1]] if word.endswith("es") else [word[:-1]] if word.endswith("s") else []


@dataclass(frozen=True)
class Predicate:
    name: str
    wikidata: str
    subject_types: frozenset[str]
    object_types: frozenset[str]
    multi_valued: bool
    verbs: tuple[VerbFrame, ...] = ()
    nouns: tuple[NounFrame, ...] = ()
    possessive: frozenset[str] = frozenset()
    comma_apposition: str | None = None   # "any", "country" or "not_country": what the second name may be
    subject_kinds: frozenset[str] = frozenset()
    object_pattern: re.Pattern | None = None
    lifespan: bool = False   # the first date of "Name (1 May 1900 – 2 June 1980)" / "Name (born 1949)"
    roles: tuple[RoleFrame, ...] = ()
    makers: frozenset[str] = frozenset()  # kinds of work whose maker it names: "X by Y", "Y's drama X"
    disjoint_conflicts: bool = False  # multi-valued, but sources naming disjoint sets disagree (a film's directors)
    changes_over_time: bool = False   # single-valued at a time: documents of different dates may both be right
    modifier: str | None = None  # "winning": "Oscar-winning actor X" holds the award, "nominated": is nominated
    model_only: bool = False  # no rule frame on purpose: only the trained relation layer extracts it
    nation_teams: bool = False  # a nation as the object stands for its national side ("played for England")
    place_word: str | None = None  # "London-based Kestrel Bank", "Manchester-born singer X": a place, a hyphen, this word
    overrides: frozenset[str] = frozenset()  # the model's predicates a rule fact of this one rules out for its pair
    model_cues: frozenset[str] = frozenset()  # lemmas one of which the model's pair must have in its sentences
    parties: str | None = None  # "only": the object must be a political party; "never": it must not be one
    award_categories: frozenset[str] = frozenset()  # "won the best actress Oscar for X": a category word naming the role
    symmetric: bool = False  # (A, p, B) holds when (B, p, A) does: a spouse

    @property
    def object_kind(self) -> str:
        if "DATE" in self.object_types:
            return "date"
        return "string" if "STRING" in self.object_types else "entity"


class RegistryError(ValueError):
    pass


def _check_role(role: str, allowed: set[str], where: str) -> str:
    if role in allowed or role.startswith("prep:") and allowed is VERB_ROLES:
        return role
    raise RegistryError(f"{where}: unknown role {role!r}")


def _noun_frame(raw: dict, name: str) -> NounFrame:
    preps = tuple(raw.get("preps", ("of", "at")))
    if not all(isinstance(p, str) for p in preps):  # YAML reads a bare on/off/yes/no as a boolean
        raise RegistryError(f"{name}: preps must be words, got {preps!r} (quote on/off)")
    return NounFrame(tuple(raw["lemmas"]), _check_role(raw["subject"], NOUN_ROLES, name),
                     _check_role(raw["object"], NOUN_ROLES, name), preps, raw.get("sport"))


def parse_predicate(raw: dict) -> Predicate:
    name = raw["name"]
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise RegistryError(f"{name!r}: names are snake_case")
    if not re.fullmatch(r"P\d+", str(raw["wikidata"])):
        raise RegistryError(f"{name}: wikidata must be a property id like P57")
    subject_types, object_types = set(raw["subject_types"]), set(raw["object_types"])
    if not subject_types <= ENTITY_TYPES or not object_types <= ENTITY_TYPES | LITERAL_TYPES:
        raise RegistryError(f"{name}: unknown type in {subject_types | object_types}")
    verbs = tuple(
        VerbFrame(frozenset(v["lemmas"]), _check_role(v["subject"], VERB_ROLES, name),
                  _check_role(v["object"], VERB_ROLES, name), v.get("sport"))
        for v in raw.get("verbs", []))
    nouns = tuple(_noun_frame(n, name) for n in raw.get("nouns", []))
    possessive = frozenset(l for p in raw.get("possessive", []) for l in p["lemmas"])
    roles = tuple(_role_frame(r, name) for r in raw.get("roles", []))
    model_only = bool(raw.get("model_only", False))
    has_frame = bool(verbs or nouns or possessive or roles or raw.get("comma_apposition") or raw.get("lifespan")
                     or raw.get("makers") or raw.get("modifier") or raw.get("place_word")
                     or raw.get("award_categories"))
    if not (has_frame or model_only):
        raise RegistryError(f"{name}: no frame triggers it (mark it `model_only: true` if that is meant)")
    if has_frame and model_only:
        raise RegistryError(f"{name}: model_only predicates have no rule frames")
    pattern = raw.get("object_pattern")
    return Predicate(name, raw["wikidata"], frozenset(subject_types), frozenset(object_types),
                     bool(raw["multi_valued"]), verbs, nouns, possessive, raw.get("comma_apposition"),
                     frozenset(raw.get("subject_kinds", [])), re.compile(pattern) if pattern else None,
                     bool(raw.get("lifespan", False)), roles, frozenset(raw.get("makers", [])),
                     bool(raw.get("disjoint_conflicts", False)), bool(raw.get("changes_over_time", False)),
                     raw.get("modifier"), model_only, bool(raw.get("nation_teams", False)),
                     raw.get("place_word"), frozenset(raw.get("overrides", [])),
                     frozenset(raw.get("model_cues", [])), _parties(raw.get("parties"), name),
                     frozenset(raw.get("award_categories", [])), bool(raw.get("symmetric", False)))


def _parties(value: str | None, name: str) -> str | None:
    if value not in (None, "only", "never"):
        raise RegistryError(f"{name}: parties is only or never, got {value!r}")
    return value


def _role_frame(raw: dict, name: str) -> RoleFrame:
    for part in (raw["subject"], raw["object"]):
        if part not in ROLE_PARTS:
            raise RegistryError(f"{name}: unknown role part {part!r} (one of {sorted(ROLE_PARTS)})")
    return RoleFrame(frozenset(raw["kinds"]), raw["subject"], raw["object"], frozenset(raw.get("unless", ())),
                     bool(raw.get("possessive", False)))


@lru_cache(maxsize=4)
def load_roles(path: Path = REGISTRY_PATH) -> RoleLexicon:
    table = yaml.safe_load(path.read_text()).get("roles", {})
    kinds: dict[str, set[str]] = {}
    for kind, phrases in table.items():
        if kind != "drop":
            for phrase in phrases:
                kinds.setdefault(str(phrase), set()).add(kind)
    return RoleLexicon({p: frozenset(k) for p, k in kinds.items()}, frozenset(table.get("drop", [])))


@lru_cache(maxsize=4)
def load_registry(path: Path = REGISTRY_PATH) -> tuple[Predicate, ...]:
    data = yaml.safe_load(path.read_text())
    predicates = tuple(parse_predicate(p) for p in data["predicates"])
    names = [p.name for p in predicates]
    if len(names) != len(set(names)):
        raise RegistryError("duplicate predicate names")
    for p in predicates:
        if unknown := p.overrides - set(names):
            raise RegistryError(f"{p.name}: overrides unknown predicates {sorted(unknown)}")
    return predicates


def registry_by_name() -> dict[str, Predicate]:
    return {p.name: p for p in load_registry()}
