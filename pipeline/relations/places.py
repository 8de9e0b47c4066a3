"""A place and where it lies ('Dover, Delaware'), told apart from a list of places ('the Middle East,
Europe and Asia') by the conjunctions and the gazetteer."""
from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline import gazetteer
from pipeline.gazetteer import is_country
from pipeline.registry import Predicate
from pipeline.relations.arguments import CONJUNCTIONS, NOMINAL_POS, SUBJECT_DEPS
from pipeline.relations.resolver import Resolver
from pipeline.relations.values import CONFIDENCE, Extraction, Value, accept

LIST_JOINERS = CONJUNCTIONS | {","}


def in_list(doc: Doc, start: int, end: int, resolver: Resolver) -> bool:
    """Names joined by commas are a list when a conjunction joins any of them ("offices in the Middle
    East, Europe, and Asia"); without one they are a place and where it lies ("Lane County, Oregon,
    United States"). A name running on into more words ("Paris, Texas Instruments") is no place."""
    first, last = _comma_run(doc, start, end, resolver)
    # The conjunction may also join a last item that is no name: "in China, Hong Kong and among ...".
    if any(t.lower_ in CONJUNCTIONS for t in doc[max(0, first - 2):last + 2]):
        return True
    after = doc[end] if end < len(doc) else None
    return after is not None and after.pos_ in NOMINAL_POS and after.i not in resolver.by_token


def _comma_run(doc: Doc, start: int, end: int, resolver: Resolver) -> tuple[int, int]:
    """Token range of the names around [start, end) joined by commas and conjunctions ('A, B, and C')."""
    while (j := _skip_joiners(doc, start - 1, -1)) < start - 1 and (m := resolver.by_token.get(j)) is not None:
        start = m.token_start
    while (j := _skip_joiners(doc, end, 1)) > end and (m := resolver.by_token.get(j)) is not None:
        end = m.token_end
    return start, end


def _skip_joiners(doc: Doc, i: int, step: int) -> int:
    while 0 <= i < len(doc) and doc[i].lower_ in LIST_JOINERS:
        i += step
    return i


def places_nested(inner: str, outer: str) -> bool:
    """'Dover, Delaware', 'Lyon, France': both are places the gazetteer knows, the second is no city, the first
    no country, and where the gazetteer knows the first as a city, it lies in the second. 'Australia, Finland'
    is a list; 'Charlotte, NC' a city and its state, never New Caledonia."""
    outer_place, inner_place = gazetteer.container(outer), gazetteer.lookup(inner)
    if outer_place is None or inner in gazetteer.HOME_NATIONS or inner_place is not None and inner_place.kind in (
            "country", "continent", "us_state") and outer_place.kind != "country":
        return False
    if inner_place is not None and inner_place.kind in ("country", "continent"):
        return False
    if inner_place is None or inner_place.kind != "city":
        return True  # a region, a county or a district: the text is the only witness
    return gazetteer.city_in(inner, outer) is not None


def comma_apposition_extractions(doc: Doc, pred: Predicate, resolver: Resolver, sent_i: int,
                                 sent: Span) -> list[Extraction]:
    """'Dover, Delaware': a name, a comma, then a second name of the object type in the same phrase."""
    out = []
    for m in resolver.mentions:
        if not (sent.start <= m.token_start < sent.end) or m.token_end + 1 >= sent.end:
            continue
        if doc[m.token_end].text != "," or (nxt := resolver.by_token.get(m.token_end + 1)) is None:
            continue
        if doc[nxt.token_start:nxt.token_end].root.dep_ in SUBJECT_DEPS:
            continue  # "In London, Rihanna played ...": the comma ends a fronted phrase
        if in_list(doc, m.token_start, nxt.token_end, resolver):
            continue  # "offices in the Middle East, Europe and Asia" is a list, not an apposition
        subj, obj = Value(m.name, m.type, m.kind), Value(nxt.name, nxt.type, nxt.kind)
        if m.type != "PLACE" or not places_nested(m.name, nxt.name) or (pred.comma_apposition == "country") != is_country(nxt.name):
            continue
        if accept(pred, subj, obj):
            out.append(Extraction(pred.name, subj, obj, sent_i, f"{pred.name}:comma_apposition",
                                  CONFIDENCE["noun"]))
    return out


MAX_KIND_WORDS = 3  # "the Paris-based pressure group X"


def place_word_extractions(doc: Doc, pred: Predicate, resolver: Resolver, sent_i: int, sent: Span
                           ) -> list[Extraction]:
    """'London-based Kestrel Bank', 'the Paris-based pressure group Reporters Without Borders', 'Bombardier, the
    Montreal-based firm', 'Hong Kong based Hutchison', 'the Manchester-born singer X': a place right before the
    predicate's word (mostly joined by a hyphen), and the name the phrase describes, named right after its
    lower-case words or right before ', the'."""
    out = []
    for tok in sent:
        if tok.lower_ != pred.place_word or tok.i < sent.start + 1:
            continue
        end = tok.i - 2 if doc[tok.i - 1].text == "-" else tok.i - 1  # "London-based", "Hong Kong based"
        if end < sent.start or (place := _place_before_hyphen(doc, end, sent.start, resolver)) is None:
            continue
        named = _named_after(doc, tok.i + 1, sent.end, resolver) or _named_before(doc, place[1], sent.start, resolver)
        if named is None:
            continue
        subj, obj = Value(named.name, named.type, named.kind), place[0]
        if accept(pred, subj, obj):
            out.append(Extraction(pred.name, subj, obj, sent_i, f"{pred.name}:{pred.place_word}", CONFIDENCE["noun"]))
    return out


def _place_before_hyphen(doc: Doc, end: int, sent_start: int, resolver: Resolver) -> tuple[Value, int] | None:
    """The place ending at token `end` and where it starts: a mention of a place, else the longest run of
    capitalised words the gazetteer knows ("Hong Kong"), which the tagger rarely tags when a hyphen follows."""
    if (m := resolver.by_token.get(end)) is not None:
        return (Value(m.name, m.type, m.kind), m.token_start) if m.type == "PLACE" else None
    for start in range(max(sent_start, end - 2), end + 1):
        words = doc[start:end + 1]
        if all(t.text[:1].isupper() and t.is_alpha for t in words) and gazetteer.lookup(words.text) is not None:
            return Value(words.text, "PLACE", span=(words.start_char, words.end_char)), start
    return None


def _named_after(doc: Doc, i: int, end: int, resolver: Resolver):
    start = i
    while i < end and i - start < MAX_KIND_WORDS and doc[i].is_lower and doc[i].is_alpha:
        i += 1
    return resolver.by_token.get(i) if i < end and resolver.by_token.get(i) is not None \
        and resolver.by_token[i].token_start == i else None


def _named_before(doc: Doc, place_start: int, sent_start: int, resolver: Resolver):
    """'X, the <place>-based firm'."""
    i = place_start - 1
    if i - 1 < sent_start or doc[i].lower_ not in ("the", "a") or doc[i - 1].text != ",":
        return None
    return resolver.by_token.get(i - 2)
