"""Entity mentions of one parsed document, resolved within the document.

Surname, first-name, possessive and title variants resolve to the fullest
name in the document; the type is voted across all mentions of that name, so
one sentence where the model tags "Lamar" as a place does not make a place.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from pipeline import gazetteer
from pipeline.nlp import doc_text, resolve_model_name, sentence_of
from pipeline.registry import singulars
from pipeline.works import TITLE_SMALL_WORDS, kind_before, work_spans
from schemas import ENTITY_TYPES

LABEL_TYPES = {
    "PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE",
    "WORK_OF_ART": "WORK", "EVENT": "EVENT", "NORP": "MISC", "PRODUCT": "MISC", "LAW": "MISC",
    "LANGUAGE": "MISC",
}
# Labels of mentions whose type the context decided (a quoted title, a kind noun, a frame, a known award):
# each outweighs several votes of the tagger.
# A title named as a work by its context (WORK_CUE), or guessed from its shape alone (WORK_GUESS: "the success
# of Meet the Fockers"), which one vote of the tagger elsewhere outweighs ("Ask Jeeves said").
WORK_LABELS = ("TITLE", "WORK_CUE", "WORK_GUESS")
STRONG_LABELS = {"TITLE", "WORK_CUE", "AWARD_NAME", "EVENT_NAME", "PARTY_NAME", "GAZETTEER", "TEAM", "CLUB",
                 "CLUB_NAME", "KIND_CUE"}
STRONG_VOTE = 3
# Words that introduce a person in news ("Veteran actor Morgan Freeman", "Chancellor Gordon Brown"): a name
# the tagger extended over them keeps only the name.
ROLE_WORDS = {
    "actor", "actress", "comedian", "singer", "rapper", "star", "director", "producer", "writer", "author",
    "novelist", "presenter", "host", "chef", "economist", "analyst", "strategist", "chancellor", "president",
    "minister", "secretary", "chairman", "chairwoman", "chief", "executive", "boss", "manager", "coach",
    "captain", "skipper", "striker", "midfielder", "defender", "goalkeeper", "winger", "player", "champion",
    "veteran", "former", "ex", "late", "premier", "governor", "senator", "congressman", "mp", "mep", "leader",
    "spokesman", "spokeswoman", "judge", "officer", "commissioner", "envoy", "ambassador", "general", "colonel",
    "sergeant", "captain", "king", "queen", "prince", "princess", "pope", "sir", "dame", "lord", "lady",
    "mr", "mrs", "ms", "dr", "prof", "professor", "rev", "reverend", "designer", "model", "musician",
    "guitarist", "drummer", "bassist", "frontman", "songwriter", "filmmaker", "screenwriter", "journalist",
    "correspondent", "editor", "founder", "co-founder", "entrepreneur", "tycoon", "billionaire", "magnate",
    "film-maker", "comic", "dancer", "artist", "painter", "photographer", "poet", "playwright", "teenager",
    "newcomer", "legend", "icon", "superstar", "hopeful", "hero", "actor-director", "star-studded",
}
# Professions no organisation has, right before a name: the name is a person's, whatever the tagger said
# ("French writer Christophe Barratie" tagged ORG).
PERSON_ONLY_WORDS = {"actor", "actress", "comedian", "singer", "rapper", "writer", "author", "novelist", "poet",
                     "playwright", "presenter", "economist", "journalist", "correspondent", "photographer", "painter",
                     "musician", "guitarist", "drummer", "songwriter", "filmmaker", "film-maker", "screenwriter",
                     "dancer", "chef", "spokesman", "spokeswoman", "striker", "midfielder", "goalkeeper", "winger",
                     "footballer", "golfer", "cricketer", "batsman", "businessman", "businesswoman", "lawyer"}
PROFESSION_VOTE = 2  # beats one tagger label, not a gazetteer's or a title's
DASHED_TAIL = re.compile(r"\s+[-–—]\s+[a-z].*$")
# A name fused with a score, a date or a count is a table cell or a headline fragment: "Iceland 0-0",
# "Devils 1: David Pastrnak", "Released 2013-12-17".
FUSED_NUMBER = re.compile(r"\d+\s*[-–:]\s*\d+|\d{4}-\d{2}|\w\s\d+:")
JUNK_NAME = re.compile(r"(?i)^(?:n[’']t|[’']s|[’']re|[’']ll|[’']ve|[’']d|[’']m)$|https?:|www\.|@|\.(?:com|org|net|co\.uk)\b|\|"
                       r"|^[RDI]-[A-Z][a-z]{1,4}\.?$")  # "Sen. Ben Sasse, R-Neb.": party and state, no entity
# A reference to a part of a document, "Section 4", "Figure 2b", "Appendix B": a place in a text, not a name.
DOCUMENT_PART = re.compile(r"^(?:Section|Sections|Figure|Fig\.?|Table|Appendix|Annex|Step|Page|Paragraph|Para\.?)"
                           r"\s+(?:\d+(?:\.\d+)*[a-z]?|[A-Z]|[IVX]+)$")
# A bracket the name does not close (or open): the name ends before it.
UNCLOSED_BRACKET = re.compile(r"\s*\([^)]*$|\)[^(]*$")
WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
PRONOUNS = {"i", "he", "she", "it", "they", "we", "you", "him", "her", "them", "us", "me", "his", "hers",
            "its", "their", "our", "this", "that", "these", "those"}
MAX_NAME_WORDS = 8
# Nouns that name the kind of a work or organisation ("the film", "the label").
KIND_NOUNS = {
    "film": "WORK", "movie": "WORK", "documentary": "WORK", "short": "WORK", "series": "WORK",
    "show": "WORK", "episode": "WORK", "album": "WORK", "song": "WORK", "track": "WORK",
    "single": "WORK", "ep": "WORK", "lp": "WORK", "record": "WORK", "mixtape": "WORK", "book": "WORK",
    "novel": "WORK", "memoir": "WORK", "play": "WORK", "musical": "WORK", "feature": "WORK",
    "chapter": "WORK",
    "company": "ORG", "studio": "ORG", "label": "ORG", "firm": "ORG", "band": "ORG",
    "group": "ORG", "network": "ORG", "publisher": "ORG", "agency": "ORG", "organization": "ORG",
    "organisation": "ORG", "university": "ORG", "city": "PLACE", "town": "PLACE",
    # How news refers back to an organisation it named: "the bank", "the German carmaker", "the retailer".
    "bank": "ORG", "carmaker": "ORG", "retailer": "ORG", "airline": "ORG", "insurer": "ORG",
    "broadcaster": "ORG", "giant": "ORG", "manufacturer": "ORG", "operator": "ORG", "lender": "ORG",
    "supermarket": "ORG", "chain": "ORG", "club": "ORG", "party": "ORG", "union": "ORG", "corporation": "ORG",
}
# What "the <noun>" may refer back to when that is broader than the noun's own kind: "the record" is an
# album, an EP or a single, "the LP" an album, "the project" any work. "project" names no kind, so it is
# not in KIND_NOUNS: '"X", his new project' says nothing of what X is.
ANY_KIND = None
ANTECEDENT_KINDS = {
    "record": frozenset({"record", "album", "ep", "lp", "mixtape", "single", "song", "track"}),
    "lp": frozenset({"lp", "album", "record"}),
    "project": ANY_KIND,
}
HONORIFIC_WORDS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "baroness", "baron", "rev"}
HONORIFICS = re.compile(r"^(?:" + "|".join(sorted(HONORIFIC_WORDS)) + r")\.?\s+", re.I)
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
# A proper-noun name ending in one of these words names an organisation.
ORG_DESIGNATORS = {
    "records", "pictures", "studios", "studio", "works", "group", "media", "entertainment", "films",
    "productions", "inc", "inc.", "ltd", "ltd.", "corp", "corp.", "corporation", "company", "co.", "llc",
    "sound", "labs", "university", "institute", "college", "bank", "press", "publishing", "networks",
    "agency", "foundation", "association", "society", "partners", "holdings", "music", "label",
}
SPEECH_VERBS = {"say", "tell", "add", "explain", "recall", "insist", "argue", "admit", "joke", "write"}
TYPE_PRIORITY = ENTITY_TYPES


@dataclass(frozen=True)
class Mention:
    surface: str
    name: str            # the document-level canonical name after resolution
    type: str            # voted type
    label: str           # the raw NER label, or TITLE for a quoted title
    kind: str | None     # film, album, ... for works when the text says so
    sentence_index: int
    start_char: int
    end_char: int
    token_start: int
    token_end: int
    speaker: bool = False  # subject of a speech verb
    after_profession: bool = False  # right after a word only people are: "writer Christophe Barratie"
    workplace: bool = False  # where someone works: "an analyst at Merrill Lynch", "Paul Davies of Merrill Lynch"


def clean_name(surface: str) -> str:
    surface = DASHED_TAIL.sub("", surface)  # "Dominic Carman - son of ...", "the Jesse Owens Awards - named in ..."
    if surface.count("(") != surface.count(")"):
        surface = UNCLOSED_BRACKET.sub("", surface)  # "Ministry of Trade (MOTIE", "CNN Business)A"
    name = POSSESSIVE.sub("", surface.strip().rstrip(" -–—|,;:"))
    name = HONORIFICS.sub("", name)
    name = re.sub(r"^(?:the)\s+(?=[A-Z])", "", name)
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", name)).strip(" ,.;:'\"‘’“”-–—|")


def is_junk_name(name: str) -> bool:
    """Pronoun-like and junk spans are never entities: "n’t", lone letters, pure numbers, URLs, menus."""
    words = name.split()
    return (len(name) < 2 or not re.search(r"[^\W\d_]", name) or bool(JUNK_NAME.search(name))
            or bool(FUSED_NUMBER.search(name)) or bool(DOCUMENT_PART.match(name))
            or name.casefold() in PRONOUNS or len(words) > MAX_NAME_WORDS
            or not re.search(r"(?:^|\s)[A-Z0-9]|^[a-z]+[A-Z]", name)  # all lower case; "eBay", "best actor Oscar" are names
            or len(words) == 1 and len(name) == 2 and name[1] == "."
            or len(words) >= 3 and all(w.isupper() and len(w) <= 3 for w in words))  # a table header: "W L T GF GA"


def sentence_indexes(doc: Doc) -> list[int]:
    """The sentence number of each token, computed once per document."""
    index = doc.user_data.get("webfacts_sentence_indexes")
    if index is None:
        index = [0] * len(doc)
        for i, sent in enumerate(doc.sents):
            for t in range(sent.start, sent.end):
                index[t] = i
        doc.user_data["webfacts_sentence_indexes"] = index
    return index


def work_kind(doc: Doc, start: int, end: int) -> str | None:
    """'the short film "X"', 'his album, "X"', '"X" is a film': the noun naming X's kind."""
    head = doc[start:end].root
    neighbours = [head.head] if head.dep_ in ("appos", "compound", "attr", "npadvmod") else []
    neighbours += [c for c in head.children if c.dep_ in ("appos", "compound")]
    neighbours += [doc[i] for i in range(max(0, start - 2), start) if doc[i].pos_ == "NOUN"]
    if head.dep_ == "nsubj" and head.head.lemma_ == "be":
        neighbours += [c for c in head.head.children if c.dep_ == "attr"]
    for tok in neighbours:
        if KIND_NOUNS.get(tok.lemma_.lower()) == "WORK":
            return tok.lemma_.lower()
    return None


# Cues naming a title's kind beside it ("the film X", "X, his second album").
KIND_CUES = ("kind:", "kind_after:")


def raw_mentions(doc: Doc) -> list[Mention]:
    sent_of = sentence_indexes(doc)
    mentions, taken = [], set()

    def add(span: Span, label: str, etype: str, kind: str | None = None) -> None:
        mention = _mention(doc, span, label, etype, sent_of, kind)
        if not is_junk_name(mention.name) or label in ("AWARD_NAME", "CURRENCY"):  # lower case: "the euro"
            taken.update(range(span.start, span.end))
            mentions.append(mention)

    for start_char, end_char in doc._.titles:
        span = doc.char_span(start_char, end_char, alignment_mode="expand")
        if span is not None:
            add(span, "TITLE", "WORK")
    ents = [trimmed(e) for e in map(without_trailing_conjunction, doc.ents)]
    persons = {i for e in ents if e is not None and e.label_ == "PERSON" for i in range(e.start, e.end)}
    works = work_spans(doc, persons)
    named = {i for span in pattern_spans(doc, gazetteer.EVENT_NAMES, gazetteer.PARTY_NAMES)
             for i in range(span.start, span.end)}
    for work in works:  # "the book Brown's Britain", "the film Hotel Rwanda": a kind noun outweighs a gazetteer
        span = doc[work.start:work.end]  # but not an event's or a party's name ("Sundance Film Festival")
        if work.cue.startswith(KIND_CUES) and not (taken | named).intersection(range(span.start, span.end)) \
                and not (work.cue.startswith("kind_after:") and _sure_place_span(span)):
            add(span, "WORK_CUE", "WORK", work.kind)
    for span in pattern_spans(doc, gazetteer.EVENT_NAMES):
        if not taken.intersection(range(span.start, span.end)):
            add(span, "EVENT_NAME", "EVENT")
    for span in pattern_spans(doc, gazetteer.PARTY_NAMES):
        if not taken.intersection(range(span.start, span.end)) and not _inside_longer_organisation(span):
            add(span, "PARTY_NAME", "ORG")
    for span in currency_spans(doc):  # before places: "the US dollar" is one name
        if not taken.intersection(range(span.start, span.end)):
            add(span, "CURRENCY", "MISC")
    for span in pattern_spans(doc, gazetteer.place_names()):  # "Wales coach X": the tagger took Wales for a noun
        if not taken.intersection(range(span.start, span.end)) and not ent_covers(span):
            add(span, "GAZETTEER", "PLACE")
    for span in capital_place_spans(doc):  # datelines and result tables: "MADRID 1996-08-22", "BUFFALO 32 12"
        if not taken.intersection(range(span.start, span.end)):
            add(span, "GAZETTEER", "PLACE")
    for span in award_spans(doc):  # before the tagger's names: "best actress Oscar" holds its "Oscar"
        if not taken.intersection(range(span.start, span.end)):
            add(span, "AWARD_NAME", "AWARD")
    for span in club_spans(doc):  # before the tagger's names: "Real Madrid" is no "Madrid", "Leeds United" no place
        if not taken.intersection(range(span.start, span.end)):
            add(span, "CLUB_NAME", "ORG")  # a club, but not one seen playing: no context team (roles.py)
    for work in works:
        span = doc[work.start:work.end]
        if not taken.intersection(range(span.start, span.end)) and not _sure_place_span(span):
            add(span, "WORK_GUESS" if work.cue == "verb_title" else "WORK_CUE", "WORK", work.kind)
    for ent in ents:
        if ent is None or taken.intersection(range(ent.start, ent.end)) or is_modifier(ent) or is_holiday(ent) \
                or _capitalised_common_word(ent) or _clause(ent) or len(ent) == 1 and portfolio(ent[0]) \
                or _job_title(ent):
            continue
        etype = entity_type(ent)
        if etype in ("PERSON", "MISC") and _organisation_kind_before(ent):
            add(ent, "KIND_CUE", "ORG")  # "the law firm Tods Murray", "the band Blur"
        elif etype is not None:
            label = "AWARD_NAME" if etype == "AWARD" else "GAZETTEER" if _gazetteer_place(ent, etype) else ent.label_
            add(ent, label, etype)
    known = {m.name.split()[-1]: m.type for m in mentions if m.type in ("PERSON", "ORG")}
    for span, etype in untagged_names(doc, known):
        if not taken.intersection(range(span.start, span.end)):
            add(span, "NAME_RULE", etype)
    for tok in doc:
        if tok.i not in taken and tok.text[:1].isupper() and gazetteer.demonym(tok.text) and not tok.ent_type_ \
                and not portfolio(tok):
            add(doc[tok.i:tok.i + 1], "DEMONYM", "MISC")  # "Britons", "Welsh": the tagger missed a nationality
    surnames = {m.name.split()[-1] for m in mentions if m.type == "PERSON" and len(m.name.split()) >= 2}
    for tok in doc:
        if tok.text in surnames and tok.i not in taken and tok.text[:1].isupper():
            add(doc[tok.i:tok.i + 1], "SURNAME", "PERSON")  # "Mourinho said" after "Jose Mourinho"
    if is_about_sport(doc):
        mentions = with_teams(doc, mentions)
    return with_state_names(doc, sorted(mentions, key=lambda m: m.start_char))


MAX_PLACE_TOKENS = 3


def capital_place_spans(doc: Doc) -> list[Span]:
    """Places written in capitals, which the tagger misses: a run of all-capital words (up to three) that the
    gazetteer knows, in title case, as a country, state or large city."""
    spans, i = [], 0
    while i < len(doc):
        if not (doc[i].is_upper and doc[i].is_alpha and len(doc[i]) > 2) or doc[i].ent_type_:
            i += 1
            continue
        end = next((e for e in range(min(len(doc), i + MAX_PLACE_TOKENS), i, -1)
                    if gazetteer.is_sure_place(doc[i:e].text.title()) and all(t.is_upper for t in doc[i:e])), None)
        if end is None:
            i += 1
            continue
        spans.append(doc[i:end])
        i = end
    return spans


def currency_spans(doc: Doc) -> list[Span]:
    """'the dollar', 'the US dollar', 'the Chinese yuan': a currency's unit word, singular, after 'the' or after
    the country or nationality whose currency it is (kept in the name)."""
    spans = []
    for tok in doc:
        if tok.pos_ != "NOUN" or not tok.is_lower or tok.lower_ not in gazetteer.currency_units() or tok.i == 0:
            continue
        before = doc[tok.i - 1]
        if gazetteer.nationality(before.text):
            spans.append(doc[tok.i - 1:tok.i + 1])
        elif before.lower_ == "the":
            spans.append(doc[tok.i:tok.i + 1])
    return spans


def with_state_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """'Charlotte, NC': a postal code after a city of that state is the state."""
    out = list(mentions)
    for k in range(1, len(out)):
        prev, m = out[k - 1], out[k]
        if doc_text(doc)[prev.end_char:m.start_char].strip() == "," and re.fullmatch(r"[A-Z]\.?[A-Z]\.?", m.name) \
                and gazetteer.city_in(prev.name, m.name) is not None:
            out[k] = replace(m, name=gazetteer.container(m.name).name, type="PLACE", label="GAZETTEER")
    return out


# Sport news names national sides by their country: "England beat Wales", "Ireland coach Eddie O'Sullivan".
NATIONS = {"England", "Scotland", "Wales", "Ireland", "Northern Ireland", "Britain", "Great Britain"}
SPORT_WORDS = {"match", "game", "coach", "captain", "squad", "striker", "goal", "try", "tries", "cup", "league",
               "championship", "rugby", "football", "cricket", "tennis", "tournament", "season", "cap", "caps",
               "fly-half", "midfielder", "defender", "goalkeeper", "winger", "scrum", "referee", "fixture", "clash",
               "victory", "defeat", "draw", "medal", "race", "champion", "athletics", "skipper", "manager", "club"}
SPORT_VERBS = {"beat", "defeat", "face", "play", "host", "meet", "draw", "lose", "win", "trail", "lead", "thrash",
               "edge", "rout", "overcome", "outplay", "score", "concede", "field", "name", "select", "pick",
               "sign", "recall", "sell", "buy", "loan", "release", "sack", "join", "rejoin"}
SPORT_NOUNS = {"coach", "captain", "squad", "team", "side", "player", "striker", "skipper", "fly-half", "win",
               "victory", "defeat", "match", "game", "clash", "cap", "line", "pack", "manager", "boss", "fan",
               "supporter", "centre", "wing", "lock", "prop", "hooker", "full-back", "scrum-half", "number",
               "forward", "back", "midfielder", "defender", "goalkeeper", "winger", "international", "star"}


# A results or standings line: a name, then scores or a table row ("CHICAGO 12 12 3 71 67 27", "Barcelona 2
# Real Madrid 1").
RESULT_LINE = re.compile(r"^[A-Z][\w.' -]{1,40}? \d{1,3}(?: +[A-Z][\w.' -]{1,40}?)? \d{1,3}\b", re.M)
MIN_RESULT_LINES = 3


def is_about_sport(doc: Doc) -> bool:
    """Sport words in the prose, or a table of results (which has almost no words). Asked by several rules
    per document, so worked out once."""
    if "about_sport" not in doc.user_data:
        doc.user_data["about_sport"] = sum(t.lower_ in SPORT_WORDS for t in doc) >= 4 \
            or len(RESULT_LINE.findall(doc_text(doc))) >= MIN_RESULT_LINES
    return doc.user_data["about_sport"]


PLACE_PREPS = {"in", "at", "from", "to", "across", "around", "throughout", "near", "into", "of"}


def with_teams(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Nations playing are teams; once a nation plays in a sports report, its other mentions are the team too,
    except where a preposition makes it a place ("in England")."""
    mentions = [as_team(doc, m) for m in mentions]
    teams = {m.surface: m for m in mentions if m.label in ("TEAM", "CLUB")}
    out = []
    for m in mentions:
        team = teams.get(m.surface)
        root = doc[m.token_start:m.token_end].root
        at_place = root.dep_ == "pobj" and root.head.lower_ in PLACE_PREPS
        out.append(replace(m, name=team.name, type="ORG", label=team.label) if team is not None
                   and m.type == "PLACE" and not at_place else m)
    return out


def as_team(doc: Doc, m: Mention) -> Mention:
    """A country or home nation playing, coached or captained is its national team (an organisation); a city
    playing is its club ("Barcelona beat Real Madrid", "Bath prop X")."""
    nation = m.name in NATIONS or gazetteer.is_country(m.name)
    place = gazetteer.lookup(m.name) if m.type == "PLACE" and not nation else None
    if m.type != "PLACE" or not nation and (place is None or place.kind not in ("city", "us_state")):
        return m
    if not nation:  # a state plays only in a result line: "NEW JERSEY 30 10 2"
        return replace(m, type="ORG", label="CLUB") if _in_score_line(doc, m) or place.kind == "city" and _plays(
            doc, m) else m
    return replace(m, name=f"{m.name} national team", type="ORG", label="TEAM") if _plays(doc, m) else m


def _in_score_line(doc: Doc, m: Mention) -> bool:
    """'Barcelona 2 Real Madrid 1': a name right before a score, in a result line."""
    after = doc[m.token_end] if m.token_end < len(doc) else None
    return after is not None and after.like_num and after.text.isdigit() and len(after.text) <= 2 \
        and sum(t.text.isdigit() for t in sentence_of(doc, m.token_start)) >= 2


def _plays(doc: Doc, m: Mention) -> bool:
    root = doc[m.token_start:m.token_end].root
    head = root.head
    playing = root.dep_ in ("nsubj", "dobj", "nsubjpass", "conj") and head.lemma_.lower() in SPORT_VERBS
    after = doc[m.token_end] if m.token_end < len(doc) else None
    role = root.dep_ in ("compound", "poss", "nmod") and head.lemma_.lower() in SPORT_NOUNS \
        or after is not None and after.lemma_.lower() in SPORT_NOUNS and after.is_lower  # "Wales coach X"
    opponent = root.dep_ == "pobj" and head.lower_ in ("against", "v", "vs", "over")
    side = root.dep_ == "pobj" and head.lower_ == "for" and (head.head.lemma_.lower() in SPORT_VERBS | SPORT_WORDS)
    return playing or role or opponent or side  # side: "scored the winning try for Wales", "played for England"


HOLIDAYS = re.compile(r"(?i)\b(?:new year|christmas|easter|boxing day|valentine|halloween|thanksgiving|ramadan|eid|"
                      r"diwali|hanukkah|passover|good friday|mother's day|father's day)\b")


# What a government post is for, capitalised before it ("Environment Secretary X", "Health Minister Y"): part of
# the post's name, never the organisation it is held at.
PORTFOLIOS = {"environment", "health", "education", "defence", "defense", "transport", "culture", "trade", "home",
              "foreign", "interior", "finance", "justice", "energy", "agriculture", "industry", "employment",
              "housing", "welfare", "sport", "sports", "media", "communications", "immigration", "development",
              "treasury", "economy", "economic", "pensions", "security", "tourism", "science", "europe", "work",
              "children", "local", "northern", "scottish", "welsh", "constitutional", "legal", "deputy", "shadow"}
PORTFOLIO_POSTS = {"secretary", "minister", "spokesman", "spokeswoman", "spokesperson", "secretaries", "ministers"}


def portfolio(tok: Token) -> bool:
    """'Education Secretary X', 'Welsh Secretary Y': a portfolio right before a minister's post, whatever the
    tagger made of it (an organisation, a nationality)."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.lower_ in PORTFOLIOS and tok.text[:1].isupper() and nxt is not None and nxt.lower_ in PORTFOLIO_POSTS


JOB_TITLE_WORDS = {"general", "managing", "senior", "deputy", "vice", "assistant", "head", "of", "and", "the",
                   "associate", "principal", "lead", "technical", "operating", "financial", "marketing"}


def _job_title(ent: Span) -> bool:
    """'General Manager', 'Head of Platform Solutions', 'Chief Executive' tagged as a name: a job title names
    nobody. Every word is a role word or one that qualifies a post, but for what a post's 'of' names."""
    words = [t.lower_ for t in ent]
    head = words[:words.index("of")] if "of" in words[1:] else words
    return len(words) >= 2 and words[0].rstrip(".") not in HONORIFIC_WORDS and not ent[0].is_lower \
        and any(w in ROLE_WORDS or w == "head" for w in head) \
        and all(w in ROLE_WORDS or w in JOB_TITLE_WORDS for w in head)  # "Mr King" is a person


def _clause(ent: Span) -> bool:
    """'Campbell rescues Arsenal', a headline the tagger took for one name: a name other than a work's holds no
    lower-case finite verb."""
    return ent.label_ != "WORK_OF_ART" and any(
        t.is_lower and t.pos_ == "VERB" and t.tag_ in ("VBZ", "VBD", "VBP") for t in ent[1:])


def _capitalised_common_word(ent: Span) -> bool:
    """'Nationally, ...', 'Televised debates': one word capitalised only because it opens the sentence, which
    the tagger itself reads as an adverb or a verb (a noun may be a name: 'Sky', 'Absa')."""
    tok = ent[0]
    return len(ent) == 1 and tok.is_sent_start and tok.pos_ in ("ADV", "VERB", "ADP", "DET", "PRON") \
        and not tok.is_upper and not gazetteer.demonym(tok.text) and not gazetteer.is_sure_place(tok.text)


def is_modifier(ent: Span) -> bool:
    """'Oscar-nominated', 'Linux-based': a name joined by a hyphen to a lower-case word describes; it names
    nothing. Nor does a pair of places joined by a hyphen before a noun: 'the U.S.-Mexico border'."""
    doc = ent.doc
    return ent.end + 1 < len(doc) and doc[ent.end].text == "-" and not doc[ent.end - 1].whitespace_ \
        and not doc[ent.end].whitespace_ and doc[ent.end + 1].is_lower or _place_pair(ent)


def _place_pair(ent: Span) -> bool:
    """'the U.S.-Mexico border', 'the Browns-Steelers game': two places, or two names the page also names
    apart, joined by a hyphen before a noun, describe the noun; 'Hewlett-Packard deal' is one name."""
    text = ent.text
    parts = re.split(r"(?<=\S)-(?=[A-Z])", text)
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if not (len(parts) == 2 and " " not in text and after is not None and after.is_lower and after.pos_ == "NOUN"):
        return False
    named_apart = {t.text for t in ent.doc if t.i not in range(ent.start, ent.end)}
    return all(gazetteer.lookup(gazetteer.canonical_place(p) or p) is not None for p in parts) \
        or all(p in named_apart for p in parts)


def is_holiday(ent: Span) -> bool:
    """Holidays are dates, not events."""
    return ent.label_ in ("EVENT", "DATE", "ORG") and bool(HOLIDAYS.search(ent.text))


def _inside_longer_organisation(span: Span) -> bool:
    """'Democratic Party' inside the tagged 'Social Democratic Party of Canada': the longer name is the party;
    'British Conservative Party', 'Philadelphia Democratic Party' only add where it is."""
    doc = span.doc
    return any(e.label_ == "ORG" and e.start <= span.start and span.end <= e.end and len(e) > len(span)
               and (e.end > span.end or not all(gazetteer.nationality(t.text) or gazetteer.lookup(t.text)
                                                for t in doc[e.start:span.start] if t.lower_ != "the"))
               for e in doc.ents)


def ent_covers(span: Span) -> bool:
    """The tagger named something here: a place name inside it ("Bank of England", "New Zealand Rugby") is not
    a mention of its own."""
    return any(t.ent_type_ and t.ent_type_ not in ("GPE", "LOC", "NORP", "DATE", "CARDINAL") for t in span)


def entity_type(ent: Span) -> str | None:
    """The project's type of a tagged name: the tagger's label, overruled by what a name certainly is."""
    etype = LABEL_TYPES.get(ent.label_)
    name = clean_name(ent.text)
    if etype is None and ent.label_ not in ("NORP",):
        return "AWARD" if gazetteer.is_award(name, strict=True) else None
    if len(ent) == 1 and gazetteer.demonym(name):
        return "MISC"  # "the Welsh", "Britons": a nationality, whatever the tagger says
    if gazetteer.is_award(name, strict=ent.label_ == "PERSON"):
        return "AWARD"  # "Oscar" is no person, "Screen Actors Guild Awards" no organisation
    if len(ent) > 1 and ent[-1].lower_ in ORG_DESIGNATORS:
        return "ORG"  # "Delta Sound" is a company whatever the model says
    if etype in ("PERSON", "MISC") and ent.label_ != "NORP" and gazetteer.is_major_place(name):
        return "PLACE"  # no one in the news is called Houston
    if etype == "PLACE" and name.isupper() and len(name) <= 4 and gazetteer.lookup(name) is None:
        return "ORG"  # "BT", "HP": an acronym no gazetteer knows as a place is an organisation's
    if etype == "PLACE" and _person_shaped(name):
        return "PERSON"  # "Jose Mourinho" tagged GPE: a first name and a word no gazetteer places
    return etype


# The last word of a place named after a person ("Lincoln Park", "Victoria Falls", "Lane County").
PLACE_HEADS = {"county", "park", "street", "road", "avenue", "square", "hill", "hills", "falls", "bay", "island",
               "islands", "lake", "river", "valley", "beach", "springs", "heights", "city", "town", "bridge",
               "airport", "station", "harbour", "harbor", "port", "point", "creek", "mountain", "forest", "field",
               "isle", "isles", "coast", "gardens", "lane", "way", "gate", "place", "terrace", "court", "cape",
               "vale", "dale", "ridge", "common", "green", "cross", "heath", "moor", "downs", "quay", "village"}


def _person_shaped(name: str) -> bool:
    """A first-name-shaped name of words only, none of them a place GeoNames knows."""
    words = name.split()
    return _first_name_shaped(name) and all(w.replace("-", "").isalpha() for w in words) \
        and words[-1].lower() not in PLACE_HEADS and gazetteer.lookup(name) is None \
        and not any(gazetteer.lookup(w) for w in words[1:])


def _organisation_kind_before(ent: Span) -> bool:
    """'the band Blur', 'his other band, Fightstar,': an organisation's kind noun right before the name, or
    before its comma when the name is the noun's apposition."""
    start = ent.start - (ent.start >= 2 and ent.doc[ent.start - 1].text == "," and ent.root.dep_ == "appos")
    before = ent.doc[start - 1] if start else None
    return before is not None and before.is_lower and before.pos_ == "NOUN" and KIND_NOUNS.get(before.lemma_) == "ORG"


def _gazetteer_place(ent: Span, etype: str) -> bool:
    return etype == "PLACE" and gazetteer.is_sure_place(clean_name(ent.text))


def _sure_place_span(span: Span) -> bool:
    """A frame cue ("starred in X") does not make a work of a place the tagger and the gazetteer agree on."""
    return span.text in {e.text for e in span.doc.ents if e.label_ in ("GPE", "LOC")} and \
        gazetteer.is_sure_place(span.text)


def _role_word(word: str) -> bool:
    return word in ROLE_WORDS or any(w in ROLE_WORDS for w in singulars(word))  # "MPs", "actresses"


def _qualifies_role(doc: Doc, i: int) -> bool:
    """'Labour MPs Alan Price', 'German actor X' tagged as one person: a party or nationality before a role."""
    return i + 1 < len(doc) and _role_word(doc[i + 1].lower_) and bool(
        gazetteer.party(doc[i].text) or gazetteer.demonym(doc[i].text))


def _all_opening(doc: Doc, start: int) -> bool:
    """'All England Club', 'All Saints': a capitalised 'All' inside a sentence right before a name opens it."""
    return start >= 1 and doc[start - 1].text == "All" and not doc[start - 1].is_sent_start


DATE_WORDS_BEFORE = {"on", "last", "next", "this", "every", "since", "until", "each", "late", "early"}


def _weekday_title(doc: Doc, start: int) -> bool:
    """A weekday opening a newspaper's name ("Sunday Times", "Sunday Mirror"), not a day ("on Sunday BBC ...")."""
    return start >= 1 and doc[start - 1].text in WEEKDAYS and doc[start - 1].whitespace_ \
        and (start < 2 or doc[start - 2].lower_ not in DATE_WORDS_BEFORE) and doc[start].pos_ == "PROPN" \
        and doc[start].text in NEWSPAPER_WORDS


NEWSPAPER_WORDS = {"Times", "Telegraph", "Mirror", "Express", "Herald", "Post", "Mail", "Independent", "Tribune",
                   "Sport", "People", "Observer", "Star", "Record"}


# A quantity with its unit, as product listings write their specifications: "4K", "256GB", "38mm", "65-inch".
SPECIFICATION_UNITS = {"K", "GB", "TB", "MB", "mm", "cm", "MP", "Hz", "mAh", "W", '"', "”", "inch"}


def _specification(tok: Token) -> bool:
    """A number written against its unit (the tokenizer splits "256GB" into two tokens)."""
    doc, i = tok.doc, tok.i
    unit = doc[i + 1] if i + 1 < len(doc) else None
    if unit is not None and unit.text == "-" and not unit.whitespace_ and i + 2 < len(doc):
        unit = doc[i + 2]  # "65-inch"
    return tok.like_num and not tok.whitespace_ and unit is not None and unit.text in SPECIFICATION_UNITS


# Finite auxiliaries and modals: capitalised inside a tagged name, they are a Title Case headline's verb.
HEADLINE_VERBS = {"is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "should",
                  "must", "does", "did", "gets", "makes", "says", "wins"}


# Lower-case words a tagged name never holds but two names often have between them.
JOINING_WORDS = {"from", "to", "against", "v", "vs", "versus", "beat"}


def _after_inner_role(doc: Doc, start: int, end: int) -> int:
    """'Kestrel boss Ruud Harle', 'GDC Mr Harle' tagged as one organisation: a role word or an honorific inside the
    span, then a person's name (a census first name, or any name after an honorific), is where the person starts."""
    for i in range(start + 1, end - 1):
        word = doc[i].lower_.rstrip(".")
        honorific = word in HONORIFIC_WORDS and doc[i].text[:1].isupper()
        role = doc[i].is_lower and _role_word(word)
        if (honorific or role and gazetteer.first_name_gender(doc[i + 1].text) is not None) \
                and end - i - 1 <= 3 and all(t.text[:1].isupper() for t in doc[i + 1:end]):
            return i + 1
    return start


def trimmed(ent: Span) -> Span | None:
    """A tagged name without what is not the name: the role in front of a person ("Veteran actor Morgan
    Freeman", "Comedian Harry Hill"), and with the prefix a hyphen joins to it ("T-Mobile", never "Mobile")."""
    doc, start, end = ent.doc, ent.start, ent.end
    if ent.label_ != "WORK_OF_ART" and end - start > 1 and doc[start].text in ("the", "a", "an"):
        start += 1  # "the Bank of England" is a mention of Bank of England; a title keeps its "The"
    if ent.label_ != "PERSON" and end - start >= 3 and _role_word(doc[start].lower_) \
            and gazetteer.first_name_gender(doc[start + 1].text) is not None:
        start += 1  # "Boss Graeme Souness" tagged as an organisation
    if ent.label_ != "PERSON":
        start = _after_inner_role(doc, start, end)
    if ent.label_ == "PERSON":
        # "Joseph O'Connor's Star of the Sea" tagged as one person: the name ends at its possessive
        end = next((t.i for t in ent[1:-1] if t.text in ("'s", "’s")), end)
        while end - start > 1 and (_role_word(doc[start].lower_) or doc[start].is_lower or _qualifies_role(doc, start)
                                   or doc[start].ent_iob_ == "B" and doc[start].ent_type_ != "PERSON"):
            start += 1
    while end - start > 1 and ent.label_ in ("ORG", "GPE", "LOC", "NORP") and doc[start].is_lower \
            and doc[start].pos_ == "NOUN":
        start += 1  # "the Leeds-based bank Kestrel Trust" tagged from 'bank'
    while end - start > 1 and (doc[end - 1].text in ("'s", "’s", "'", "’") or doc[end - 1].text in WEEKDAYS
                               or ent.label_ == "PERSON" and doc[end - 1].like_num):
        end -= 1  # "Tony Blair's" is Tony Blair; "posted on Twitter Tuesday" Twitter; "Balmer 4 points" Balmer
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_ and doc[start - 2].is_alpha:
        start -= 2
    if ent.label_ == "ORG" and (_weekday_title(doc, start) or _all_opening(doc, start)):
        start -= 1  # "Sunday Telegraph journalist X" (the weekday tagged a date), "All England Club"
    if ent.label_ != "WORK_OF_ART":  # "Arsenal from Ajax", "Leeds to Chelsea": two names and a move between
        end = next((t.i for t in doc[start + 1:end - 1] if t.lower_ in JOINING_WORDS and t.is_lower), end)
        while end - start > 1 and doc[end - 1].is_lower and doc[end - 1].pos_ in ("ADP", "DET", "CCONJ"):
            end -= 1  # "the Management Centre at | Strathclyde University"
    if ent.label_ != "WORK_OF_ART":
        end = _before_count(doc, start, end)
        # "LG 65UM7300 4K Smart", "MacBook 256GB": a product listing's specifications follow the product's name
        end = next((t.i for t in doc[start + 1:end] if _specification(t)), end)
        # "International Space Station Is Open for Business": a Title Case headline runs on after the name
        end = next((t.i for t in doc[start + 1:end] if t.lower_ in HEADLINE_VERBS and t.text[:1].isupper()
                    and t.tag_ in ("VBZ", "VBP", "VBD", "MD")), end)
    if ent.label_ == "ORG":
        end = _with_last_of_pair(doc, start, end)
    label = ent.label_
    if _first_name_left_out(doc, start, end, label):
        start, label = start - 1, "PERSON"  # "Ana Molnar" tagged as "Molnar", a place
    if start == ent.start and end == ent.end:
        return ent
    return Span(doc, start, end, label=label)


def _before_count(doc: Doc, start: int, end: int) -> int:
    """'Z. Nielsen 1 goal', 'Balmer 4 | points' tagged as one name: a number then a lower-case word is a count of
    something, not part of the name before it, when the tagger took the word in, or on a page about sport (a
    stats line; elsewhere 'iPhone 11 owners' keeps its number)."""
    for i in range(start + 1, end):
        after = doc[i + 1] if i + 1 < len(doc) else None
        if doc[i].like_num and doc[i].is_digit and after is not None and after.is_lower and after.is_alpha \
                and (i + 1 < end or is_about_sport(doc)):
            return i
    return end


@lru_cache(maxsize=1)
def _dictionary_words() -> frozenset[str]:
    """The English words of the spaCy model's lemma index (WordNet's nouns, verbs, adjectives and adverbs);
    empty, so no rule uses it, when the model has none."""
    import spacy.util
    from spacy.lookups import Lookups

    try:
        package = spacy.util.get_package_path(resolve_model_name(os.environ.get("WEBFACTS_SPACY_MODEL") or None))
        table = Lookups().from_disk(next(package.glob("**/lemmatizer/lookups/lookups.bin")).parent) \
            .get_table("lemma_index")
    except (OSError, RuntimeError, StopIteration, KeyError):
        return frozenset()
    return frozenset(w for words in table.values() for w in words)


def _with_last_of_pair(doc: Doc, start: int, end: int) -> int:
    """'Internet Corporation for Assigned Names | and Numbers', 'Centers for Disease Control | and Prevention':
    the tagger ends a long 'X for/of Y and Z' name at its 'and'. One capitalised common word after the 'and',
    ending the phrase, is the name's last word; a name ('Bank of England and Barclays') or a place is not."""
    if not any(t.lower_ in ("for", "of") and t.is_lower for t in doc[start + 1:end - 1]) or end + 1 >= len(doc):
        return end
    conj, word = doc[end], doc[end + 1]
    after = doc[end + 2] if end + 2 < len(doc) else None
    if conj.text == "and" and word.is_alpha and word.text == word.text.title() \
            and (after is None or not after.text[:1].isupper()) \
            and word.ent_type_ in ("", "ORG") and gazetteer.lookup(word.text) is None \
            and (word.lower_ in _dictionary_words() or any(w in _dictionary_words() for w in singulars(word.lower_))):
        return end + 2
    return end


def _first_name_left_out(doc: Doc, start: int, end: int, label: str) -> bool:
    """A one-word name the tagger did not call a person, right after a census first name it left out of every
    name, is that person's surname, unless GeoNames knows the word."""
    before = doc[start - 1] if start > 0 else None
    return label in ("GPE", "ORG", "LOC", "NORP") and end - start == 1 and before is not None \
        and not before.ent_type_ and before.pos_ == "PROPN" and before.text[:1].isupper() \
        and gazetteer.first_name_gender(before.text) is not None and gazetteer.lookup(doc[start].text) is None \
        and doc[start].text[:1].isupper() and doc[start].is_alpha


AWARD_CATEGORY = re.compile(
    r"\b(?:best|outstanding)(?: [a-z-]+){1,4} (?:award|prize|Oscar|Bafta|Golden Globe|Grammy|Emmy|Brit|trophy)s?\b"
    r"|\b(?:Oscar|Bafta|Golden Globe|Grammy|Emmy)s? for best(?: [a-z-]+){1,3}\b")
AWARD_WORDS = re.compile(r"\b(?:Oscars?|Academy Awards?|Baftas?|BAFTAs?|Golden Globes?|Grammys?|Emmys?|Brit [Aa]wards?|"
                         r"Mobos?|Palme d'Or|Golden Lion|Golden Bear|Razzies?|(?:Man )?Booker Prize|Pulitzer Prize|"
                         r"Nobel Prize|Mercury (?:Music )?Prize|Turner Prize|Whitbread (?:Book )?(?:Award|Prize)s?)\b")


# A category alone is the award where a nomination or a win names it: "nominated for best actor", "won best
# director"; a verb or noun of winning or nominating must come right before it.
BARE_CATEGORY = re.compile(
    r"\b(?:nominated|shortlisted|nominations?|up|won|wins|win|winning|took|takes|scooped|collected|named) "
    r"(?:for |as )?(?:the )?(best(?: (?!for\b|the\b|of\b|in\b|at\b|and\b|a\b)[A-Za-z-]+){0,3}? (?:actor|actress|director|film|picture|album|song|single|"
    r"newcomer|group|band|artist|act|documentary|screenplay|drama|comedy|musical|play|performance|novel|video|"
    r"soundtrack|feature|female|male|breakthrough act|live act|solo artist))\b(?! (?:award|prize|Oscar|Bafta|Golden Globe|Grammy|Emmy|Brit|trophy))")


def award_spans(doc: Doc) -> list[Span]:
    """Awards the tagger missed, with their category when the text joins it ("best actor Oscar")."""
    bare = [doc.char_span(m.start(1), m.end(1), alignment_mode="expand") for m in BARE_CATEGORY.finditer(doc_text(doc))]
    return pattern_spans(doc, AWARD_CATEGORY) + pattern_spans(doc, AWARD_WORDS) + [s for s in bare if s is not None]


# Club names by their shape: a word that only sports clubs carry, after a town's name ("Leeds United", anywhere)
# or before it ("Real Madrid", in a sport story); "Manchester City", "Notts County" only in a sport story and
# only where GeoNames knows no such place ("Mexico City").
_NAME = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?"
_NO_MORE = r"(?![\w-]| [A-Z])"
_NOT_A_CLUB_WORD = r"(?!(?:Former|Ex|Veteran|Then|Current|Injured|New|The|Captain|Striker|Defender|Midfielder) )"
CLUB_SUFFIXED = re.compile(
    rf"(?<![\w-]){_NOT_A_CLUB_WORD}{_NAME} (?:United|Rovers|Wanderers|Athletic|Albion|Hotspur|Rangers|Argyle|"
    rf"Harlequins){_NO_MORE}")
# Words a club shares with palaces, houses and holy days ("Buckingham Palace", "Ash Wednesday"): sport only.
SPORT_CLUB_SUFFIXED = re.compile(
    rf"(?<![\w-]){_NOT_A_CLUB_WORD}{_NAME} (?:Villa|Orient|Wednesday|Palace|Sharks|Tigers|Saints|Warriors|Wasps|"
    rf"Dragons|Ospreys|Scarlets|Rhinos){_NO_MORE}")
CLUB_PREFIXED = re.compile(
    rf"(?<![\w-])(?:Real|Atletico|Atlético|Inter|AC|Sporting|Deportivo|Olympique|Borussia|Dynamo|Dinamo|"
    rf"Glasgow) {_NAME}{_NO_MORE}")
TOWN_CLUBS = re.compile(rf"(?<![\w-]){_NAME} (?:City|Town|County|Thistle){_NO_MORE}")


def club_spans(doc: Doc) -> list[Span]:
    if not is_about_sport(doc):
        return pattern_spans(doc, CLUB_SUFFIXED)
    clubs = pattern_spans(doc, CLUB_SUFFIXED, SPORT_CLUB_SUFFIXED, CLUB_PREFIXED) + [
        s for s in pattern_spans(doc, TOWN_CLUBS) if gazetteer.lookup(s.text) is None]
    return clubs + _short_names(doc, clubs)


def _short_names(doc: Doc, clubs: list[Span]) -> list[Span]:
    """'United were the better side' after 'Kestrel United': a club's last word alone, once the story has named
    the club in full, whatever the tagger made of it."""
    words = {c[-1].text for c in clubs if _club_word(c[-1].text)}
    inside = {i for c in clubs for i in range(c.start, c.end)}
    return [doc[t.i:t.i + 1] for t in doc if t.text in words and t.i not in inside]


def pattern_spans(doc: Doc, *patterns: re.Pattern) -> list[Span]:
    """Token spans of a name list's matches, but not of a modifier made from one ("Oscar-winning")."""
    spans = []
    for pattern in patterns:
        text = doc_text(doc)
        for m in pattern.finditer(text):
            if text[m.end():m.end() + 1] == "-":
                continue  # "Oscar-winning" describes; it names nothing
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None:
                spans.append(span)
    return spans


def without_trailing_conjunction(ent: Span) -> Span:
    """The small model sometimes ends a name with the 'and' of a list ("Delta Sound and | Lumen Works")."""
    end = ent.end
    while end - ent.start > 1 and ent.doc[end - 1].pos_ == "CCONJ":
        end -= 1
    return ent if end == ent.end else Span(ent.doc, ent.start, end, label=ent.label_)


def propn_chain_start(doc: Doc, head: int) -> int:
    """Start of the proper-noun compound chain ending at `head`."""
    start = head
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i in range(start, head + 1) \
            and not doc[start - 1].is_sent_end:
        start -= 1
    return start


def untagged_names(doc: Doc, known: dict[str, str]) -> list[tuple]:
    """Proper-noun chains the model missed: "X Records" is an organisation; "Wendell Marsh"
    is whatever the document's other "Marsh" is."""
    found = []
    for tok in doc:
        if tok.pos_ != "PROPN" or tok.head.i == tok.i + 1 and tok.head.pos_ == "PROPN":
            continue  # only chain heads
        start = propn_chain_start(doc, tok.i)
        span = doc[start:tok.i + 1]
        if _untagged_city(span):
            found.append((span, "PLACE"))
        elif start == tok.i:
            continue
        elif tok.lower_ in ORG_DESIGNATORS:
            found.append((doc[start:tok.i + 1], "ORG"))
        elif tok.text in known and all(t.text[:1].isupper() for t in doc[start:tok.i + 1]):
            found.append((doc[start:tok.i + 1], known[tok.text]))
    return found


def _untagged_city(span: Span) -> bool:
    """'moved to Cardiff': a city of 100,000 the tagger missed, unless its name starts like a person's."""
    before = span.doc[span.start - 1] if span.start else None
    return not span[0].is_sent_start and not (before is not None and before.text == "-" and not before.whitespace_) \
        and gazetteer.is_sure_place(span.text) and gazetteer.first_name_gender(span[0].text) is None


def _mention(doc: Doc, span, label: str, etype: str, sent_of: list[int], kind: str | None = None) -> Mention:
    while len(span) > 1 and span[-1].is_space:
        span = span[:-1]
    while len(span) > 1 and span[0].is_space:
        span = span[1:]
    name = span.text.strip() if label in WORK_LABELS else clean_name(span.text)
    if label in WORK_LABELS:
        name = POSSESSIVE.sub("", name).strip(" ,.;:")
    if etype in ("ORG", "PLACE"):  # "The University of Uyo" is the University of Uyo; "The Eminem Show" keeps its "The"
        name = re.sub(r"^The\s+(?=[A-Z])", "", name)
    if name.isupper() and len(name) > 4 and (place := gazetteer.lookup(name.title())) is not None:
        name = place.name  # a dateline: "WASHINGTON" is Washington
    if etype == "PLACE":
        name = gazetteer.canonical_place(name) or name  # "U.S.", "US" and "America" are the United States
    if label == "PARTY_NAME":
        name = gazetteer.party(name) or name
    if etype == "AWARD":
        name = gazetteer.canonical_award(name)
    if etype == "MISC" and gazetteer.demonym(name):
        name = gazetteer.nationality_name(name)  # "Britons" and "British" are one nationality
    if kind is None and etype == "WORK":
        kind = work_kind(doc, span.start, span.end)
    root = span.root
    speaker = root.dep_ == "nsubj" and root.head.lemma_ in SPEECH_VERBS
    after_profession = span.start > 0 and doc[span.start - 1].lower_ in PERSON_ONLY_WORDS and len(span) in (2, 3)
    return Mention(span.text, name, etype, label, kind, sent_of[span.start],
                   span.start_char, span.end_char, span.start, span.end, speaker, after_profession,
                   _workplace(span))


# Posts held at an organisation: "chairman of X" names an organisation ("director of X" may name a film).
OFFICE_WORDS = {"chairman", "chairwoman", "president", "head", "boss", "chief", "executive", "spokesman",
                "spokeswoman", "founder", "co-founder", "analyst", "economist", "officer", "partner", "strategist",
                "vice-president", "governor", "treasurer", "employee", "worker", "staff"}


def _workplace(span: Span) -> bool:
    """The object of 'at' after a role word ('an analyst at X'), or of 'of' after an office or a person's
    name ('chairman of X', 'Paul Davies of X')."""
    prep = span.root.head
    if span.root.dep_ != "pobj" or prep.lower_ not in ("at", "of") or prep.i == 0:
        return False
    holder = prep.head
    if prep.lower_ == "at":
        return _role_word(holder.lower_) and holder.pos_ == "NOUN"
    return holder.lower_ in OFFICE_WORDS or holder.ent_type_ == "PERSON" and holder.i == prep.i - 1


NAME_SUFFIXES = {"Jr", "Sr", "II", "III", "IV"}


def _variant_target(name: str, full_names: dict[str, str], own_type: str, counts: Counter | None = None
                    ) -> str | None:
    """The one longer name this name is a first name, surname or prefix of. An organisation's acronym named more
    often alone than in the longer name is the parent, not a short form ("the BBC's iCan site" beside one "BBC
    Films"); a club's short name is its club however often it is used ("United")."""
    counts = counts or Counter()
    tokens = name.split()
    initialled = {f for f, t in full_names.items() if t == "PERSON" and _initial_of(tokens, f.split())}
    if initialled:  # "R Harle" in a line-up is Ronan Harle, unless two Harles start with an R
        return initialled.pop() if len(initialled) == 1 else None
    targets = set()
    for full, ftype in full_names.items():
        ftoks = full.split()
        if len(ftoks) <= len(tokens) or full == name:
            continue
        if ftype == "PERSON" and ftoks[-1].rstrip(".") in NAME_SUFFIXES and len(ftoks) - 1 > len(tokens):
            ftoks = ftoks[:-1]  # "Evans" is Charles Evans Jr
        # "Santa Fe" is no Santa Fe shelter, but "Serena" tagged as a place is Serena Harle's first name
        is_prefix = ftoks[: len(tokens)] == tokens and (own_type != "PLACE" or ftype == "PERSON"
                                                        and _first_name_not_place(name)) \
            and not (own_type == "MISC" and gazetteer.nationality(name))  # "Scottish" is no Scottish Power
        is_suffix = ftoks[-len(tokens):] == tokens and ("PERSON" in (ftype, own_type) or len(tokens) >= 2
                                                         and ftype == own_type == "ORG"  # "Supreme Court"
                                                         or ftype == "ORG" and _club_word(name)
                                                         or ftype == own_type == "MISC" and name.islower()  # "dollar"
                                                         or ftype == own_type == "ORG" and _org_short_word(name))
        parent = is_prefix and ftype == own_type == "ORG" and name.isupper() and counts[name] > counts[full]
        if (is_prefix and ftype in ("PERSON", "ORG") or is_suffix) and not parent:
            targets.add(full)
    # "R Harle" beside "Ronan Harle" is one target, and so is "Rob Harle Party", a run-on span, beside "Rob Harle"
    targets -= {t for t in targets if any(_initial_of(t.split(), o.split()) for o in targets)}
    shortest = min(targets, key=len, default=None)
    if len(targets) > 1 and all(full_names[t] == "PERSON" and (t == shortest or t.startswith(shortest + " "))
                                for t in targets):
        targets = {shortest}
    if len(targets) > 1 and len(tokens) == 1:
        targets = _surname_of(name, targets, full_names) or targets
    return targets.pop() if len(targets) == 1 else None


def _initial_of(short: list[str], full: list[str]) -> bool:
    """'R Harle' (or 'R. Harle') is Ronan Harle: the first name's initial, then the same words."""
    return len(short) == len(full) >= 2 and re.fullmatch(r"[A-Z]\.?", short[0]) is not None \
        and len(full[0]) > 2 and full[0][0] == short[0][0] and short[1:] == full[1:]


def _org_short_word(name: str) -> bool:
    """'the Commission' after 'European Commission', 'Burger' after 'Schalk Burger' tagged as an organisation: a
    lone capitalised word ending one organisation's name, unless it is a place ('BBC Newcastle' is no Newcastle)
    or an acronym (those fold by their initials)."""
    return len(name.split()) == 1 and name[:1].isupper() and not name.isupper() and not gazetteer.is_sure_place(name)


def _first_name_not_place(name: str) -> bool:
    return len(name.split()) == 1 and gazetteer.first_name_gender(name) is not None \
        and not gazetteer.is_sure_place(name)


def _surname_of(name: str, targets: set[str], full_names: dict[str, str]) -> set[str]:
    """'Campbell' beside 'Sol Campbell' and a headline 'Campbell rescues Arsenal': a lone word is the surname
    of the one person named in full (two or three words) with a census first name, whatever else it opens or
    ends."""
    return {t for t in targets if full_names[t] == "PERSON" and t.split()[-1] == name
            and len(t.split()) <= 3 and gazetteer.first_name_gender(t.split()[0]) is not None}


def _club_word(name: str) -> bool:
    """'United', 'Villa', 'City': a club's short name, the word its full name ends with."""
    town = "Town " + name
    return any(p.fullmatch(town) for p in (CLUB_SUFFIXED, SPORT_CLUB_SUFFIXED, TOWN_CLUBS))


def resolve_in_document(mentions: list[Mention]) -> list[Mention]:
    by_name: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        by_name[m.name][m.type] += _weight(m)
    for name in {m.name for m in mentions if _speaker_vote(m)}:
        by_name[name]["PERSON"] += SPEAKER_VOTE
    not_org = {m.name for m in mentions if m.type not in ("ORG", "MISC", "PERSON")}
    for name in by_name:
        if _first_name_shaped(name) and name not in not_org:
            by_name[name]["PERSON"] += FIRST_NAME_VOTE
    full_names = {n: _vote(c) for n, c in by_name.items() if len(n.split()) >= 2 and _vote(c) != "WORK"}
    counts = Counter(m.name for m in mentions)
    kind_named = {m.name for m in mentions if _kind_named_work(m)}
    canonical = {n: n if n in kind_named else _variant_target(n, full_names, _vote(by_name[n]), counts) or n
                 for n in by_name}  # "the movie Ray" is no short form of Ray Charles
    for n in by_name:  # "Vagina Monologues" is "The Vagina Monologues" named without its article
        if "The " + n in by_name:
            canonical[n] = canonical["The " + n]
    for n, full in acronyms(by_name).items():  # "BRC" after "British Retail Consortium"
        canonical[n] = canonical[full]
    # Full-form mentions decide the type: a bare surname is ambiguous ("Lamar"
    # is also a town) and the small model mislabels it far more often.
    votes: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        if canonical[m.name] == m.name:
            votes[m.name][m.type] += _weight(m)
    # Whoever "said" something is usually a person ("Marsh said"), but companies speak too ("Newmont said",
    # "Santa Fe said", every other line of business news): half a vote per name, a tie-breaker, and none for
    # names that carry an organisation word.
    for name in {canonical[m.name] for m in mentions if _speaker_vote(m)}:
        if not _org_designated(name):
            votes[name]["PERSON"] += SPEAKER_VOTE
    for name in {canonical[m.name] for m in mentions if m.after_profession and m.type in ("ORG", "MISC", "PERSON")}:
        if not _org_designated(name):
            votes[name]["PERSON"] += PROFESSION_VOTE
    for name in {canonical[m.name] for m in mentions}:
        if _first_name_shaped(name) and name not in not_org:
            votes[name]["PERSON"] += FIRST_NAME_VOTE
    for name in {canonical[m.name] for m in mentions if m.workplace and m.type in ("ORG", "PERSON", "MISC")}:
        votes[name]["ORG"] += PROFESSION_VOTE
    for m in mentions:
        if not votes[canonical[m.name]]:
            votes[canonical[m.name]][m.type] += 1
    for name in kind_named:  # a work named once with its kind is that work at every mention
        votes[canonical[name]]["WORK"] += KIND_VOTE
    kinds = {}
    for m in mentions:
        if m.kind:
            kinds.setdefault(canonical[m.name], m.kind)
    return [replace(m, name=canonical[m.name], type=_vote(votes[canonical[m.name]]),
                    kind=kinds.get(canonical[m.name])) for m in mentions]


SPEAKER_VOTE = 0.5
# A kind noun beside a title ("the animation Shark Tale") outweighs the tagger's guesses at its other mentions.
KIND_VOTE = 6


def _kind_named_work(m: Mention) -> bool:
    return m.type == "WORK" and m.label in ("TITLE", "WORK_CUE") and m.kind is not None


def initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper() and w.lower() not in ("of", "for", "the", "and"))


def acronyms(names) -> dict[str, str]:
    """Each all-capital name that spells the initials of exactly one longer name of the document."""
    longer = [n for n in names if len(n.split()) >= 2]
    found = {}
    for n in names:
        if n.isupper() and 2 <= len(n) <= 6 and n.isalpha():
            targets = [full for full in longer if initials(full) == n]
            if len(targets) == 1:
                found[n] = targets[0]
    return found

# "Wendell Marsh", "Tracey Emin": a name that opens with a census first name and that the tagger called an
# organisation is a person's unless several mentions, or an organisation word, say otherwise ("Morgan Stanley"
# named three times as a bank). A place or a work keeps its type ("Lane County", "Mary Poppins").
FIRST_NAME_VOTE = 1.5


def _first_name_shaped(name: str) -> bool:
    words = name.split()
    return len(words) in (2, 3) and words[0] not in WEEKDAYS and gazetteer.first_name_gender(words[0]) is not None \
        and not _org_designated(name) and all(w[:1].isupper() for w in words)


def _weight(m: Mention) -> int:
    return STRONG_VOTE if m.label in STRONG_LABELS else 1


def _speaker_vote(m: Mention) -> bool:
    return m.speaker and not _org_designated(m.name)


def _org_designated(name: str) -> bool:
    return name.split()[-1].lower() in ORG_DESIGNATORS if name.split() else False


def _vote(counter: Counter) -> str:
    return max(counter, key=lambda t: (counter[t], -TYPE_PRIORITY.index(t)))


def document_mentions(doc: Doc) -> list[Mention]:
    return resolve_in_document(unresolved_mentions(doc))


def unresolved_mentions(doc: Doc) -> list[Mention]:
    """Every mention of the document, before names and types are resolved across them."""
    raw = without_possessive_fusions(doc, raw_mentions(doc))
    works = repeated_works(doc, resolve_in_document(raw))
    taken = {i for w in works for i in range(w.start_char, w.end_char)}
    raw = [m for m in raw if not taken.intersection(range(m.start_char, m.end_char))]  # replaced by the work
    return sorted([m for m in raw + works if not _heading_label(doc, m)], key=lambda m: m.start_char)


def _heading_label(doc: Doc, m: Mention) -> bool:
    """'Mailing Lists', 'Policy & Procedures' alone on their line: a heading or a menu entry, named nowhere else
    on the page. A name the page's prose uses too is kept with every mention."""
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, m.start_char) + 1
    line_end = text.find("\n", m.end_char)
    line = text[line_start:len(text) if line_end < 0 else line_end].strip().rstrip(".:")
    return line == m.surface.strip() and text.count(m.surface) == 1


def without_possessive_fusions(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """"Mel Gibson's The Passion of the Christ", "Spain's Davis Cup" tagged as one name: where the words before
    the possessive are a name the document gives on its own (or a place), the mention is what follows it;
    "Dead Man's Shoes" and "Ocean's Twelve" keep theirs."""
    names = {m.name for m in mentions}
    out = []
    for m in mentions:
        cut = next((t.i for t in doc[m.token_start + 1:m.token_end - 1] if t.text in ("'s", "’s")), None)
        owner = doc[m.token_start:cut].text if cut is not None else None
        if owner is None or m.label == "TITLE" or not (owner in names or gazetteer.is_sure_place(owner)) \
                or m.label == "WORK_CUE" and kind_before(doc, m.token_start) is not None:  # "the book Brown's Britain"
            out.append(m)
            continue
        span = doc[cut + 1:m.token_end]
        out.append(_mention(doc, span, m.label, m.type, sentence_indexes(doc), m.kind))
    return out


def _title_pattern(name: str) -> str:
    """'Hide and Seek' named again as 'Hide And Seek': a title's small words may change case."""
    return r"\s+".join(f"(?i:{re.escape(w)})" if w.lower() in TITLE_SMALL_WORDS else re.escape(w) for w in name.split())


def _only_weak_inside(mentions: list[Mention], match: re.Match) -> bool:
    """'Hide And Seek' where the tagger found a person 'Seek': a work's name covers the tagger's guesses that lie
    inside it, but neither a name running past it nor one the context typed."""
    inside = [m for m in mentions if m.start_char < match.end() and m.end_char > match.start()]
    return all(match.start() <= m.start_char and m.end_char <= match.end() and m.label not in STRONG_LABELS
               and m.name != match.group(0) for m in inside)


def repeated_works(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A work named once with its kind ("the film Ray") is that work wherever the document names it again,
    though nothing there says so ("Ray opened in 2,000 cinemas")."""
    works = {m.name: m for m in mentions if m.type == "WORK" and m.label in STRONG_LABELS and len(m.name) > 2}
    if not works:
        return []
    covered = {i for m in mentions for i in range(m.start_char, m.end_char)}
    sent_of = sentence_indexes(doc)
    found, claimed = [], set()
    for name, model in works.items():
        for match in re.finditer(r"(?<![\w-])" + _title_pattern(name) + r"(?![\w-])", doc_text(doc)):
            if claimed.intersection(range(match.start(), match.end())) or covered.intersection(
                    range(match.start(), match.end())) and not _only_weak_inside(mentions, match):
                continue
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None:
                claimed.update(range(match.start(), match.end()))
                found.append(_mention(doc, span, "WORK_CUE", "WORK", sent_of, model.kind))
    return found
