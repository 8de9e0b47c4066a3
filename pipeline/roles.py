"""People introduced by their role, the way news introduces nearly everyone.

Before the name: "Kestrel Bank chief economist Ilse Marten", "Tory MP Alan Price", "American actor Bram Okafor",
"former EastEnders actress Lia Moss", "Chelsea striker Tomas Reyne". After it, set off by commas: "Roy Asher,
chief investment officer of Hibernian Investment Managers," / "Mike Tarrant, the Wales coach," / "Ana Folau,
Kestrel's chief executive,". Each yields the role phrase, classified by the registry's `roles:` table, and the
organisation, party, work or nationality that qualifies it; the registry's `roles` frames turn those into facts.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from pipeline import gazetteer
from pipeline.gazetteer import is_country
from pipeline.coreference import resolve_description, resolve_pronoun, resolve_thing_pronoun
from pipeline.mentions import HONORIFIC_WORDS, PORTFOLIOS, ROLE_WORDS, Mention, is_about_sport, portfolio, sentence_indexes
from pipeline.nlp import sentence_of
from pipeline.registry import ANY_ROLE, Predicate, RoleFrame, RoleLexicon, singulars

MAX_ROLE_WORDS = 5
HONORIFICS = HONORIFIC_WORDS
QUALIFIER_PREPS = {"of", "at", "for", "with", "in"}
DETERMINERS = {"the", "a", "an"}
POSSESSIVE = {"'s", "’s", "'", "’"}
CONFIDENCE = {"before": 0.8, "after": 0.75, "copula": 0.75, "as": 0.75, "of": 0.7, "context": 0.6}
TEAM_KINDS = frozenset({"player", "team_post"})
UNTAGGED = "UNTAGGED"  # a qualifier the tagger missed: the fact's value names a new mention


@dataclass(frozen=True)
class Role:
    person: Mention
    words: tuple[str, ...]           # the role phrase without when-modifiers: ("chief", "investment", "officer")
    matched: str | None              # the lexicon phrase ending it: "officer"
    kinds: frozenset[str]            # profession, post, ...; empty when only a qualifier introduces the person
    qualifier: Mention | None        # "Kestrel Bank", "Tory", "American", "EastEnders"
    side: str                        # before or after the name
    field: tuple[str, ...] = ()      # what the post is of: "director" + ("of", "corporate", "responsibility")
    verb: int | None = None          # the copula that states it ("X is a partner in Y"): it may deny or hedge
    antecedent_sentence: int | None = None   # "She is ...": where the person she stands for was named
    possessive: bool = False         # the qualifier is the name's possessor: "MIT's Media Lab"
    sport: bool = False              # the document is a sport story: a town before a team role is its club



def _role_word(tok: Token, lexicon: RoleLexicon) -> bool:
    word = tok.lower_
    if word in PORTFOLIOS and tok.text[:1].isupper() and (not tok.ent_type_ or portfolio(tok)):
        return True  # "Environment Secretary Margaret Beckett"
    if tok.tag_ == "VBZ" and word not in lexicon.words:
        return False  # "Meet The Parents stars Robert De Niro": a verb, not the plural of a role
    if word == "-" and not tok.whitespace_ and tok.i > 0 and not tok.doc[tok.i - 1].whitespace_:
        return True  # inside "fly-half", "vice-president": the words are joined back in _classified
    if word in lexicon.drop or any(w in lexicon.words for w in [word, *singulars(word)]):
        return True
    return tok.is_lower and tok.pos_ in ("NOUN", "ADJ") and tok.text.replace("-", "").isalpha()  # "co-ordinator"


def _classified(words: list[str], lexicon: RoleLexicon) -> tuple[tuple[str, ...], str | None, frozenset[str]]:
    words = " ".join(words).replace(" - ", "-").split()
    while words and words[0] in lexicon.drop:
        words = words[1:]
    found = lexicon.classify(words) if words else None
    if found is None:
        return tuple(words), None, frozenset()
    return tuple(words[:-1] + found[0].split()[-1:]), found[0], found[1]  # "MPs" is the post "mp"


def role_before(doc: Doc, m: Mention, by_token: dict[int, Mention], lexicon: RoleLexicon) -> Role | None:
    """'[qualifier]['s] role words NAME', all inside the name's sentence."""
    sent_start = sentence_of(doc, m.token_start).start
    i, words, qualifier, possessive, owned = m.token_start - 1, [], None, False, False
    while i >= sent_start and doc[i].lower_.rstrip(".") in HONORIFICS:
        i -= 1  # "London mayor Mr Livingstone"
    field, tail_qualifier = (), None
    if i > sent_start and doc[i].text == ",":
        j = _before_posting_place(doc, i - 1, sent_start, by_token)
        if (tail := _role_tail(doc, i - 1, sent_start, by_token, lexicon)) is not None:
            i, field, tail_qualifier = tail  # "The BBC's head of news, X", "A spokesman for Kestrel Bank, X"
        elif _role_word(doc[j], lexicon):
            i = j  # "EEF chief economist, Steve Radley", "the BBC's correspondent in Jakarta, Rachel Harvey"
    while i >= sent_start:
        if words and _acronym_in_parentheses(doc, i, sent_start):
            i -= 3  # "Hong Kong Rugby Football Union (HKRFU) chairman John Molloy"
        tok = doc[i]
        other = None if portfolio(tok) else by_token.get(i)
        other = _regional_division(other, by_token) if other is not None else None
        if other is not None and (other.type != "PERSON" or _team_before_player(words, lexicon)
                                  or _band_before_member(words, other, lexicon)):
            qualifier = other if other.type != "PERSON" else replace(other, type="ORG")
            break
        if tok.text in POSSESSIVE and by_token.get(i - 1) is not None and by_token[i - 1].type != "PERSON":
            qualifier, possessive, owned = by_token[i - 1], i == m.token_start - 1, True
            break
        if tok.text in POSSESSIVE and i > sent_start and _names_a_company(doc[i - 1], lexicon):
            qualifier = _company_named_before(doc, i - 1, by_token)  # "the carmaker's chief executive X"
            break
        if other is None and len(words) < MAX_ROLE_WORDS and _role_word(tok, lexicon):
            words.insert(0, tok.lower_)
            i -= 1
            continue
        break
    if qualifier is None and i >= sent_start and doc[i].lower_ == "its":
        qualifier = _its_organisation(doc, i, by_token)  # "Kestrel Motors ... Its chief executive, X"
    if qualifier is None and i >= sent_start and doc[i].tag_ == "PRP$":
        return None  # "his editor, Ada Kerr", "her husband X": a relation to someone, not a post
    qualifier = qualifier or tail_qualifier
    if qualifier is None and words and i >= sent_start:
        qualifier = untagged_organisation(doc, i, m)  # "Bath prop Duncan Bell", "Ladbrokes spokesman X"
    role_words, matched, kinds = _classified(words, lexicon)
    party_post = owned and _is_party(qualifier)  # "Labour's election co-ordinator X"
    if matched is None and not party_post and (qualifier is None or len(role_words) > 1
                                               or role_words and not _is_common_noun(doc, i + 1)):
        return None  # "said Ana Folau", "the ruling Ana Folau": nothing introduces her; "British hostage X" does
    if qualifier is None and matched is not None:
        qualifier = _qualifier_after(doc, m, by_token) or _employing_subject(doc, m, by_token)
    return Role(m, role_words, matched, kinds, qualifier, "before", field, possessive=possessive)


HIRING_VERBS = {"sack", "fire", "appoint", "hire", "name", "dismiss", "recruit", "unveil", "employ", "poach"}


def _its_organisation(doc: Doc, i: int, by_token: dict[int, Mention]) -> Mention | None:
    found = resolve_thing_pronoun(doc[i], _mentions_of(by_token), sentence_indexes(doc))
    return found if found is not None and found.type == "ORG" else None


def _mentions_of(by_token: dict[int, Mention]) -> list[Mention]:
    """The document's mentions in text order, from the token index."""
    return sorted(set(by_token.values()), key=lambda m: m.start_char)


def _employing_subject(doc: Doc, m: Mention, by_token: dict[int, Mention]) -> Mention | None:
    """'Kestrel Rovers have sacked manager Dan Okafor', 'Kestrel Bank has hired economist X': the organisation
    hiring or dismissing the person its role introduces."""
    root = doc[m.token_start:m.token_end].root
    if root.dep_ != "dobj" or root.head.lemma_.lower() not in HIRING_VERBS:
        return None
    subject = next((by_token.get(c.i) for c in root.head.children if c.dep_ == "nsubj"), None)
    return subject if subject is not None and subject.type == "ORG" else None


def _role_tail(doc: Doc, end: int, sent_start: int, by_token: dict[int, Mention], lexicon: RoleLexicon
               ) -> tuple[int, tuple[str, ...], Mention | None] | None:
    """What ends a role phrase before a comma and a name: '... head of news' (the post's field) or '... spokesman
    for Kestrel Bank' (the organisation): (the last role word's index, the field, the organisation)."""
    q = by_token.get(end)
    if q is not None and q.type == "ORG":
        k = q.token_start - 1 - (q.token_start - 1 >= sent_start and doc[q.token_start - 1].lower_ == "the")
        if k - 1 >= sent_start and doc[k].lower_ in ("for", "at", "of") and _role_word(doc[k - 1], lexicon) \
                and doc[k - 1].is_lower:
            return k - 1, (), q
        return None
    k = end
    while k > sent_start and end - k < 3 and doc[k].is_lower and doc[k].is_alpha and doc[k].pos_ in ("NOUN", "ADJ"):
        k -= 1
    if k < end and k - 1 >= sent_start and doc[k].lower_ == "of" and _role_word(doc[k - 1], lexicon) \
            and lexicon.classify([doc[k - 1].lower_]) is not None:
        return k - 1, tuple(t.lower_ for t in doc[k:end + 1]), None
    return None


def _acronym_in_parentheses(doc: Doc, i: int, sent_start: int) -> bool:
    return i - 2 > sent_start and doc[i].text == ")" and doc[i - 2].text == "(" and doc[i - 1].is_upper \
        and doc[i - 1].is_alpha


def _is_common_noun(doc: Doc, i: int) -> bool:
    return 0 <= i < len(doc) and doc[i].pos_ == "NOUN" and doc[i].is_lower


def _company_named_before(doc: Doc, noun: int, by_token: dict[int, Mention]) -> Mention | None:
    """The organisation 'the carmaker', 'the bank' stands for: the nearest one named in this or the previous
    sentence, when a determiner makes the noun refer back."""
    if noun == 0 or doc[noun - 1].lower_ not in ("the", "its"):
        return None
    first = sentence_of(doc, max(0, sentence_of(doc, noun).start - 1)).start
    for j in range(noun - 1, first - 1, -1):
        if (m := by_token.get(j)) is not None and m.type == "ORG" and not _is_party(m):
            return m
    return None


def _before_posting_place(doc: Doc, end: int, sent_start: int, by_token: dict[int, Mention]) -> int:
    """The token before 'in <place>' ending at `end` (a correspondent's posting), else `end`."""
    place = by_token.get(end)
    if place is not None and place.type == "PLACE" and place.token_start - 2 >= sent_start \
            and doc[place.token_start - 1].lower_ == "in":
        return place.token_start - 2
    return end


def _team_before_player(words: list[str], lexicon: RoleLexicon) -> bool:
    """'Sale Sharks prop Andrew Sheridan': a name right before a player's position is the team, whatever the
    tagger says; nobody is 'X striker' for a person X."""
    found = lexicon.classify(words) if words else None
    return found is not None and "player" in found[1]


def _regional_division(m: Mention, by_token: dict[int, Mention]) -> Mention:
    """'GM Europe president X', 'BBC Scotland controller Y': an organisation then a place, with nothing between,
    is the organisation's division there: the qualifier is both words."""
    org = by_token.get(m.token_start - 1)
    if m.type != "PLACE" or org is None or org.type != "ORG" or org.end_char + 1 != m.start_char:
        return m
    name = f"{org.name} {m.surface}"
    return Mention(name, name, "ORG", UNTAGGED, None, m.sentence_index, org.start_char, m.end_char,
                   org.token_start, m.token_end)


def _band_before_member(words: list[str], other: Mention, lexicon: RoleLexicon) -> bool:
    """'Keane singer Tom Chaplin', 'Coldplay frontman X': a one-word name the tagger took for a person, before a
    band member's role, is the band; 'Dylan guitarist X' would be a first name's, and no first name is."""
    found = lexicon.classify(words) if words else None
    return found is not None and "band_member" in found[1] and " " not in other.name \
        and gazetteer.first_name_gender(other.name) is None


def _band_of(doc: Doc, i: int, sent_end: int, by_token: dict[int, Mention], words: list[str],
             lexicon: RoleLexicon) -> Mention | None:
    j = i + 1 + (i + 1 < sent_end and doc[i + 1].lower_ == "the")
    band = by_token.get(j) if i < sent_end and doc[i].lower_ == "of" else None
    return replace(band, type="ORG") if band is not None and band.type == "PERSON" and band.token_start == j \
        and _band_before_member(words, band, lexicon) else None


def untagged_organisation(doc: Doc, end: int, person: Mention) -> Mention | None:
    """A capitalised name the tagger missed, right before a role: the organisation the role is held at."""
    start = end
    while start >= sentence_of(doc, end).start and _untagged_name_word(doc[start]) and end - start < 4:
        start -= 1
    start += 1
    if start > end:
        return None
    span = doc[start:end + 1]
    return Mention(span.text, span.text, "ORG", UNTAGGED, None, person.sentence_index, span.start_char,
                   span.end_char, span.start, span.end)


def _untagged_name_word(tok: Token) -> bool:
    """A word of a name the tagger gave no entity: a capitalised proper noun, a name opening with a digit
    ('4Cast', '3Com', whatever the parser calls it), or a town opening the sentence that the parser took for a
    common noun ("Bath prop X", "Exeter coach Y")."""
    if tok.ent_type_ or not tok.text.replace("-", "").isalnum():
        return False
    if _digit_led_name(tok.text):
        return True
    if not tok.text[:1].isupper():
        return False
    return tok.pos_ == "PROPN" or tok.is_sent_start and is_about_sport(tok.doc) and (
        gazetteer.lookup(tok.text) is not None or tok.text in _capitalised_inside(tok.doc))
    # "Bass player Nicky Wire" is a musician; "Bath prop X" a rugby player; "Arsenal defender X" too when the
    # story names Arsenal inside a sentence ("Injured defender X" opens a sentence, and nowhere else)


def _capitalised_inside(doc: Doc) -> frozenset[str]:
    """Words the document capitalises inside a sentence: names, whatever the tagger made of them."""
    if "capitalised_inside" not in doc.user_data:
        doc.user_data["capitalised_inside"] = frozenset(
            t.text for t in doc if not t.is_sent_start and t.text[:1].isupper() and t.is_alpha
            and doc[t.i - 1].text not in (".", "\"", ":", "“", "-", "—"))
    return doc.user_data["capitalised_inside"]


def _digit_led_name(text: str) -> bool:
    """'4Cast', '3Com': a name opening with a digit, capitals after it."""
    return text[:1].isdigit() and any(c.isupper() for c in text[1:]) and any(c.isalpha() for c in text)


def _qualifier_after(doc: Doc, m: Mention, by_token: dict[int, Mention]) -> Mention | None:
    i = m.token_end
    if i < len(doc) and doc[i].lower_ in ("at", "of"):
        q = by_token.get(i + 1 + (i + 1 < len(doc) and doc[i + 1].lower_ in DETERMINERS))
        return q if q is not None and q.type == "ORG" else None
    return None


def role_after(doc: Doc, m: Mention, by_token: dict[int, Mention], lexicon: RoleLexicon) -> list[Role]:
    """'NAME, [the] [qualifier['s]] role words [of|at qualifier],' ending at a comma, a full stop or a verb."""
    sent_end = sentence_of(doc, m.token_start).end
    i = m.token_end
    if i >= sent_end or doc[i].text != ",":
        return []
    return _role_from(doc, m, i + 1, sent_end, by_token, lexicon, "after")


COPULA_ADVERBS = {"now", "currently", "also", "still", "already", "then", "later"}
COPULAS = {"be", "become"}


# Titles held of a place, which the tagger takes for a person's name: "the Duke of Edinburgh".
TITLES_OF_PLACES = {"duke", "duchess", "earl", "prince", "princess", "bishop", "archbishop", "king", "queen",
                    "count", "countess", "marquess", "baron", "baroness", "mayor", "lord"}


def role_of(doc: Doc, m: Mention, by_token: dict[int, Mention], lexicon: RoleLexicon) -> list[Role]:
    """'Francis Obikwelu of Portugal', 'Anna Berg of the Liberal Democrats': a person 'of' a country is its
    national, 'of' a party its member; 'Jim Ruiz of Kestrel Bank', 'said Jim Ruiz from Kestrel Bank', 'Jim
    Ruiz, from consultancy Kestrel Partners,': of or from a company, outside sport, its employee."""
    sent_end = sentence_of(doc, m.token_start).end
    i = m.token_end + (m.token_end < sent_end and doc[m.token_end].text == "," and m.token_end + 1 < sent_end
                       and doc[m.token_end + 1].lower_ == "from")
    if m.type != "PERSON" or m.name.lower() in TITLES_OF_PLACES or i + 1 >= sent_end \
            or doc[i].lower_ not in ("of", "from") \
            or m.token_start > 0 and doc[m.token_start - 1].lower_ in DETERMINERS:
        return []  # "the Eminem of Argentina" is a likeness, not a nationality
    j = i + 1 + (doc[i + 1].lower_ == "the")
    while j < sent_end and j - i <= 3 and by_token.get(j) is None and doc[j].is_lower and _descriptor(doc[j]):
        j += 1  # "from consultancy Kestrel Partners"
    q = by_token.get(j)
    if q is None or q.token_start <= i:
        return []
    if doc[i].lower_ == "of" and (q.type == "PLACE" and is_country(q.name) or _is_party(q)):
        return [Role(m, (), None, frozenset(), q, "of")]
    if q.type == "ORG" and not _is_party(q) and not is_about_sport(doc) and q.token_start == j:
        return [Role(m, (), None, frozenset({"post"}), q, "of")]
    return []


def role_copula(doc: Doc, m: Mention, by_token: dict[int, Mention], lexicon: RoleLexicon) -> list[Role]:
    """'NAME is [now] [a|the] role words [of|at|in qualifier]': a sentence that says what the person is."""
    sent_end = sentence_of(doc, m.token_start).end
    i = _past_parenthesis(doc, m.token_end, sent_end)  # "Harry Eagle (1905 – 1992) was an American physician"
    if i >= sent_end or doc[i].lemma_ not in COPULAS or doc[m.token_start:m.token_end].root.head.i != i:
        i = _relative_copula(doc, m, sent_end)  # "X, who was director general of the BBC,"
        if i is None:
            return []
    verb = i
    i += 1
    while i < sent_end and (doc[i].lower_ in COPULA_ADVERBS or doc[i].dep_ == "neg"):
        i += 1
    return [replace(role, verb=verb) for role in _role_from(doc, m, i, sent_end, by_token, lexicon, "copula")]


def _past_parenthesis(doc: Doc, i: int, sent_end: int) -> int:
    """The token after a parenthesis opening at i (and the comma after it), else i."""
    if i >= sent_end or doc[i].text != "(":
        return i
    close = next((t.i for t in doc[i:sent_end] if t.text == ")"), None)
    if close is None:
        return i
    return close + 1 + (close + 1 < sent_end and doc[close + 1].text == ",")


def _relative_copula(doc: Doc, m: Mention, sent_end: int) -> int | None:
    """The 'was' of 'NAME, who was ...' right after the name's comma."""
    i = m.token_end
    if i + 2 < sent_end and doc[i].text == "," and doc[i + 1].lower_ == "who" and doc[i + 2].lemma_ in COPULAS \
            and doc[i + 2].dep_ == "relcl":
        return i + 2
    return None


AS_VERBS = {"serve", "resign", "appoint", "name", "elect", "install", "confirm", "quit", "remain", "continue",
            "step", "stand", "take", "work", "join", "return", "retire", "succeed", "replace", "hire", "sack"}


def role_as(doc: Doc, m: Mention, by_token: dict[int, Mention], lexicon: RoleLexicon) -> list[Role]:
    """'X resigned as home secretary', 'Y was appointed as chief executive of Z', 'W took over as coach': the
    subject of such a verb holds (or held) the role after its 'as'."""
    head = doc[m.token_start:m.token_end].root
    verbs = [head.head] if head.dep_ in ("nsubj", "nsubjpass", "dobj") else []  # dobj: "Y appointed X as chief"
    verbs += [c for c in head.children if c.dep_ == "relcl" and any(  # "X, who has resigned as home secretary,"
        s.lower_ in ("who", "that") and s.dep_ in ("nsubj", "nsubjpass") for s in c.children)]
    verb = next((v for v in verbs if v.lemma_.lower() in AS_VERBS), None)
    if verb is None:
        return []
    as_token = next((c for c in verb.subtree if c.lower_ == "as" and c.dep_ == "prep"
                     and c.head.i in (verb.i, *(p.i for p in verb.children if p.dep_ in ("prt", "prep")))), None)
    # "was appointed chief executive of X", "was named chairman": the role is the verb's object predicate
    predicate = next((c for c in verb.children if c.dep_ == "oprd"), None)
    start = as_token.i + 1 if as_token is not None else predicate.left_edge.i if predicate is not None else None
    if start is None:
        return []
    sent_end = sentence_of(doc, m.token_start).end
    hirer = _employing_subject(doc, m, by_token) if head.dep_ == "dobj" else None
    return [replace(role, verb=verb.i, qualifier=role.qualifier or hirer)
            for role in _role_from(doc, m, start, sent_end, by_token, lexicon, "as")]


def _role_from(doc: Doc, m: Mention, i: int, sent_end: int, by_token: dict[int, Mention], lexicon: RoleLexicon,
               side: str) -> list[Role]:
    """The roles the phrase starting at token i names, after the name: '[the] [qualifier['s]] role words [of|at ...]'."""
    if i < sent_end and doc[i].lower_ in DETERMINERS:
        i += 1
    qualifier, nationality = None, None
    if (q := by_token.get(i)) is not None and q.type != "PERSON":
        qualifier, i = q, q.token_end
        if i < sent_end and doc[i].text in POSSESSIVE:
            i += 1
            if (n := by_token.get(i)) is not None and gazetteer.nationality(n.surface) is not None:
                nationality, i = n, n.token_end  # "Tottenham's Irish striker"
    groups: list[list[str]] = [[]]   # "chairman and founder of X": two roles
    while i < sent_end and sum(map(len, groups)) < MAX_ROLE_WORDS and by_token.get(i) is None:
        if doc[i].lower_ == "of" and groups[-1] and lexicon.classify(groups[-1]) is not None:
            break  # "head of distribution at X": what follows 'of' is the post's field
        if doc[i].lower_ == "and" and groups[-1] and i + 1 < sent_end and by_token.get(i + 1) is None \
                and _role_word(doc[i + 1], lexicon):
            groups.append([])
        elif _role_word(doc[i], lexicon):
            groups[-1].append(doc[i].lower_)
        else:
            break
        i += 1
    field = _field_of_post(doc, i, sent_end, by_token)
    if qualifier is None:
        qualifier, i = _prepositional_qualifier(doc, i + len(field), sent_end, by_token, m, lexicon)
        if qualifier is None and (band := _band_of(doc, i, sent_end, by_token, groups[-1], lexicon)) is not None:
            qualifier, i = band, band.token_end  # "lead singer of Keane"
    elif field:
        i += len(field)  # "Kestrel Bank's head of research"
    elif (found := lexicon.classify(groups[-1]) if groups[-1] else None) is not None and "elected" in found[1]:
        i = _past_seat(doc, i, sent_end, by_token)  # "the Labour MP for Medway,"
    if i < sent_end and not _apposition_ends(doc[i]) and not (
            side in ("as", "copula") and (doc[i].pos_ in CLAUSE_GOES_ON or doc[i].ent_type_ in ("DATE", "TIME"))):
        return []  # the phrase runs on: "Ana Folau, chief executive officers and ..." is no apposition
    roles = []
    for words in groups:
        role_words, matched, kinds = _classified(words, lexicon)
        if matched is not None:
            roles.extend(Role(m, role_words, matched, kinds, q, side, field if words is groups[-1] else ())
                         for q in [qualifier, *([nationality] if nationality else [])])
    return roles


def _past_seat(doc: Doc, i: int, sent_end: int, by_token: dict[int, Mention]) -> int:
    """After 'the Labour MP', the seat 'for Medway' (a name, tagged or not): the token after it, else i."""
    if i + 1 >= sent_end or doc[i].lower_ != "for":
        return i
    seat = by_token.get(i + 1)
    j = seat.token_end if seat is not None and seat.token_start == i + 1 else i + 1
    while j < sent_end and (doc[j].text[:1].isupper() and doc[j].is_alpha or doc[j].text in ("and", "&")
                            and j + 1 < sent_end and doc[j + 1].text[:1].isupper()):
        j += 1
    return j if j > i + 1 else i


def _field_of_post(doc: Doc, i: int, sent_end: int, by_token: dict[int, Mention]) -> tuple[str, ...]:
    """'of corporate responsibility', 'for technology development': lower-case words without a determiner after
    'of' or 'for', up to the next preposition or the end of the phrase, that name no organisation: part of the
    post's name."""
    if i >= sent_end or doc[i].lower_ not in ("of", "for"):
        return ()
    j = i + 1
    while j < sent_end and j - i <= MAX_DESCRIPTOR_TOKENS and by_token.get(j) is None and (
            doc[j].is_lower and doc[j].is_alpha and doc[j].pos_ in ("NOUN", "ADJ") or _inner_hyphen(doc[j])):
        j += 1
    if j == i + 1 or j < sent_end and by_token.get(j) is not None or j < sent_end and _untagged_name_word(doc[j]):
        return ()  # "of financial analysis firm X": the words describe the organisation that follows
    return tuple(t.lower_ for t in doc[i:j])  # one word per token: callers count tokens by it


def _organisation_follows(doc: Doc, i: int, sent_end: int, by_token: dict[int, Mention]) -> bool:
    """'at [the] X' or 'for [the] X' next, X an organisation."""
    if i + 1 >= sent_end or doc[i].lower_ not in ("at", "for"):
        return False
    nxt = by_token.get(i + 1 + (doc[i + 1].lower_ == "the"))
    return nxt is not None and nxt.type == "ORG"


def _inner_hyphen(tok: Token) -> bool:
    """The '-' of 'anti-virus', joined to the words either side."""
    return tok.text == "-" and not tok.whitespace_ and tok.i > 0 and not tok.doc[tok.i - 1].whitespace_


MAX_DESCRIPTOR_TOKENS = 5   # "of financial analysis firm X", "for anti-virus firm X", "of the industry's tracker X"
MAX_PREPOSITIONS = 2        # "chief economist for the region at Societe Generale"


def _prepositional_qualifier(doc: Doc, i: int, sent_end: int, by_token: dict[int, Mention], person: Mention,
                             lexicon: RoleLexicon) -> tuple[Mention | None, int]:
    """(the organisation after 'of/at/for [the] [descriptor]', the token after it) for a role after a name;
    (None, i) when the prepositions name none."""
    start = i
    for _ in range(MAX_PREPOSITIONS):
        if i >= sent_end or doc[i].lower_ not in QUALIFIER_PREPS:
            break
        j = i + 1 + (i + 1 < sent_end and doc[i + 1].lower_ in DETERMINERS)
        k = j
        while k < sent_end and k - j < MAX_DESCRIPTOR_TOKENS and by_token.get(k) is None and _descriptor(doc[k]):
            k += 1
        q = by_token.get(k)
        if q is not None and q.token_end + 1 < sent_end and doc[q.token_end].text in POSSESSIVE \
                and (owned := by_token.get(q.token_end + 1)) is not None and owned.type == "ORG":
            q = owned  # "founder of MIT's Media Labs": the lab, not MIT
        if q is not None and doc[i].lower_ == "of" and _organisation_follows(doc, q.token_end, sent_end, by_token):
            i = q.token_end  # "Professor of Astronomy at Uppsala University": the first name is the post's field
            continue
        if q is not None and (q.type == "ORG" or q.type != "PERSON" and doc[i].lower_ != "in"):
            return q, q.token_end  # "a partner in the law firm X", never "economist in France"
        if q is not None and k > j and _names_a_company(doc[k - 1], lexicon):
            return replace(q, type="ORG"), q.token_end  # "the law firm Tods Murray": a firm, whatever the tagger says
        if (doc[i].lower_ != "in" or k > j) and (u := untagged_organisation_at(doc, k, sent_end, person)):
            if doc[i].lower_ == "of" and _organisation_follows(doc, u.token_end, sent_end, by_token):
                i = u.token_end  # "Professor of Astronomy at X", Astronomy untagged
                continue
            return u, u.token_end  # after 'in' only 'the law firm X': 'in Leeds' names where, not whom
        if k == j + 1 and doc[j - 1].lower_ == "the" and _names_a_company(doc[j], lexicon) \
                and (company := story_company(_mentions_of(by_token))):
            return company, k  # "spokesman for the firm": the company the story is about
        if k == j:
            break
        i = k  # "for the region": no organisation yet, perhaps in the next phrase
    return None, start if i == start else i


def _names_a_company(tok: Token, lexicon: RoleLexicon) -> bool:
    return "company" in lexicon.kinds.get(tok.lower_, ())


def _descriptor(tok: Token) -> bool:
    """A lower-case word describing the organisation that follows: 'media consultancy', 'anti-virus firm'."""
    return (tok.is_lower and tok.is_alpha and tok.pos_ in ("NOUN", "ADJ", "PROPN", "VERB")) or tok.text in (
        "-", *POSSESSIVE)


def untagged_organisation_at(doc: Doc, start: int, sent_end: int, person: Mention) -> Mention | None:
    """A capitalised name the tagger missed, starting at `start`: 'at 4Cast', 'of media consultancy Decipher'."""
    end = start
    while end < sent_end and end - start < 4 and _untagged_name_word(doc[end]):
        end += 1
    if end == start:
        return None
    span = doc[start:end]
    return Mention(span.text, span.text, "ORG", UNTAGGED, None, person.sentence_index, span.start_char,
                   span.end_char, span.start, span.end)


CLAUSE_GOES_ON = {"ADP", "CCONJ", "SCONJ", "ADV"}  # "resigned as coach on Monday", "... as chairman and left"
APPOSITION_ENDS = {",", ".", ";", ")", "(", "-", "–", "—", '"', "'", "“", "”", "in", "which", "who", "that", "whose"}


def _apposition_ends(tok: Token) -> bool:
    """Where a role after a name may end: punctuation, a verb ('X, spokesman for Y, said'), 'in <place>'."""
    return tok.lower_ in APPOSITION_ENDS or tok.pos_ in ("VERB", "AUX")


def find_roles(doc: Doc, mentions: list[Mention], lexicon: RoleLexicon, pronoun_spans: bool = False) -> list[Role]:
    """The roles introducing people, and the kinds introducing organisations ("German carmaker BMW")."""
    by_token = {i: m for m in mentions for i in range(m.token_start, m.token_end)}
    roles = []
    for m in mentions:
        if m.type not in ("PERSON", "ORG"):
            continue
        if (role := role_before(doc, m, by_token, lexicon)) is not None:
            roles.append(role)
            roles.extend(replace(role, qualifier=q, possessive=False) for q in _further_qualifiers(doc, role, by_token))
            roles.extend(replace(role, person=other) for other in _plural_role_list(doc, m, role, mentions))
        roles.extend(role_after(doc, m, by_token, lexicon) + role_copula(doc, m, by_token, lexicon)
                     + role_as(doc, m, by_token, lexicon) + role_of(doc, m, by_token, lexicon))
    for standing_in, named_in in pronoun_mentions(doc, mentions, pronoun_spans):  # "She is now chief executive of X"
        roles.extend(replace(role, antecedent_sentence=named_in) for role in
                     role_copula(doc, standing_in, by_token, lexicon) + role_as(doc, standing_in, by_token, lexicon))
    for standing_in, named_in in described_people(doc, mentions, by_token, lexicon):  # "the feminist writer said"
        if (role := role_before(doc, standing_in, by_token, lexicon)) is not None and (
                role.matched is not None or role.qualifier is not None and gazetteer.nationality(role.qualifier.surface)):
            roles.append(replace(role, antecedent_sentence=named_in))
    if not is_about_sport(doc):
        company = story_company(mentions)
        return roles + [replace(r, qualifier=company, side="context") for r in roles
                        if company is not None and r.qualifier is None and r.matched in COMPANY_POSTS
                        and r.person.type == "PERSON" and not _other_organisation_near(r.person, company, mentions)]
    roles = [replace(r, sport=True) for r in roles]
    return roles + [replace(r, qualifier=team, side="context") for r in roles
                    if r.qualifier is None and r.kinds & TEAM_KINDS and not _capitalised_before(doc, r)
                    and (team := _team_in_context(doc, r.person, mentions))]


def _further_qualifiers(doc: Doc, role: Role, by_token: dict[int, Mention]) -> list[Mention]:
    """'Tottenham's Irish striker X', 'Leicester and England lock X': a possessor before a nationality, or a
    name coordinated with the qualifier, qualifies the role too."""
    q = role.qualifier
    i = q.token_start - 1 if q is not None else -1
    if i < 1 or q.type == "PERSON" or not role.matched:
        return []
    before = by_token.get(i - 1)
    if before is None or before.type == "PERSON":
        return []
    possessed = doc[i].text in POSSESSIVE and gazetteer.nationality(q.surface) is not None
    return [before] if possessed or doc[i].lower_ == "and" else []


# Posts only a company (or a body run like one) has: held, when no organisation is named with them, at the
# company the story is about. 'President' is left out: it is as often a country's.
COMPANY_POSTS = {"chief executive", "chief executive officer", "ceo", "chairman", "chairwoman", "vice-chairman",
                 "managing director", "finance director", "executive director", "boss"}


def story_company(mentions: list[Mention]) -> Mention | None:
    """The organisation a story is about: named in its headline or first sentence, at least twice, and in at least
    half of the story's mentions of organisations; a story about two companies has none."""
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    for m in mentions:
        if m.type == "ORG" and m.label != UNTAGGED and not _is_party(m):
            counts[m.name] = counts.get(m.name, 0) + 1
            first.setdefault(m.name, m)
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < 2 or 2 * ranked[0][1] < sum(counts.values()) \
            or len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None  # named less than half the time, it shares the story with others
    top = first[ranked[0][0]]
    return top if top.sentence_index <= 1 else None


def _other_organisation_near(person: Mention, company: Mention, mentions: list[Mention]) -> bool:
    """Another organisation named in the person's sentence or the two before (a quote may sit between): the post
    may be held there."""
    return any(m.type == "ORG" and m.name != company.name and 0 <= person.sentence_index - m.sentence_index <= 2
               for m in mentions)


def _capitalised_before(doc: Doc, role: Role) -> bool:
    """'Saints coach X', 'Sheffield Wednesday manager Y': a name the tagger missed qualifies the role."""
    i = role.person.token_start - len(role.words) - 1
    while i >= 0 and doc[i].lower_.rstrip(".") in HONORIFICS | set(role.words):
        i -= 1
    return i >= 0 and doc[i].text[:1].isupper() and doc[i].is_alpha and (
        not doc[i].is_sent_start or doc[i].pos_ in ("PROPN", "NOUN"))  # "The coach X" opens with no name


def _team_in_context(doc: Doc, person: Mention, mentions: list[Mention]) -> Mention | None:
    """'England are enduring their worst run since captain Richard Hill was dumped': a team role without its
    team, in a sport story, is held in the one team this sentence names, else the one the sentence before
    names, opponents ('against Italy') aside; with two teams there ('Wales beat Scotland'), whose it is stays
    unsaid."""
    teams = [m for m in mentions if m.label in ("TEAM", "CLUB") and not _opponent(doc, m)]
    here = [m for m in teams if m.sentence_index == person.sentence_index]
    near = here or [m for m in teams if m.sentence_index == person.sentence_index - 1]
    return near[0] if len({m.name for m in near}) == 1 else None


def _plural_role_list(doc: Doc, m: Mention, role: Role, mentions: list[Mention]) -> list[Mention]:
    """'Labour MPs Alan Price and Jane Hollis': a plural role before a list of people is each one's."""
    before = doc[m.token_start - 1] if m.token_start > 0 else None
    if role.matched is None or before is None or role.words[-1] not in singulars(before.lower_):
        return []
    following = {x.token_start: x for x in mentions if x.type == "PERSON"}
    listed, i = [], m.token_end
    while i + 1 < len(doc) and doc[i].lower_ in (",", "and"):
        i += 1 + (doc[i].text == "," and doc[i + 1].lower_ == "and")
        if (nxt := following.get(i)) is None or _possessive_after(doc, nxt):
            break  # "... and Vogts' assistant Tommy Burns": Vogts owns the next role, he is not listed
        listed.append(nxt)
        i = nxt.token_end
    return listed


def _possessive_after(doc: Doc, m: Mention) -> bool:
    return m.token_end < len(doc) and doc[m.token_end].text in ("'s", "’s", "'", "’")


def described_people(doc: Doc, mentions: list[Mention], by_token: dict[int, Mention], lexicon: RoleLexicon
                     ) -> list[tuple[Mention, int]]:
    """(the person, or organisation, a definite role description stands for, placed right after the description so
    that role_before reads it; the sentence naming it): 'The feminist writer said ...' after 'Germaine Greer',
    'The German giant said ...' after 'Volkswagen'."""
    sent_of = sentence_indexes(doc)
    out = []
    for tok in doc:
        demonym = _person_demonym(tok)
        if tok.dep_ not in ("nsubj", "nsubjpass") or not (tok.pos_ in ("NOUN", "ADJ") and tok.i not in by_token
                                                           or demonym) \
                or not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) \
                or tok.i + 1 >= sentence_of(doc, tok.i).end:
            continue
        kind = "PERSON" if describes_a_person(tok, lexicon) or _national_description(tok) or demonym else \
            "ORG" if _national_company(tok, lexicon) else None
        if kind is not None and (person := resolve_description(tok, mentions, sent_of, kind)) is not None \
                and not _other_nationality(doc, tok, person, mentions):
            out.append((replace(person, surface=tok.text, sentence_index=sent_of[tok.i], start_char=tok.idx,
                                end_char=tok.idx + len(tok), token_start=tok.i + 1, token_end=tok.i + 1),
                        person.sentence_index))
    return out


def _person_demonym(tok: Token) -> bool:
    """'the American said', 'the Briton won': a nationality noun standing alone for a person."""
    return tok.text[:1].isupper() and tok.tag_ in ("NN", "NNP", "NNPS", "JJ") and gazetteer.nationality(tok.text) \
        is not None and not tok.text.endswith("s")


def _other_nationality(doc: Doc, description: Token, named: Mention, mentions: list[Mention]) -> bool:
    """'the Russian oil giant' cannot be the 'German investment bank Deutsche Bank' named before: a nationality
    the document gave the name where it introduced it, other than the description's."""
    said = {gazetteer.nationality(c.text) for c in description.children if c.dep_ in ("amod", "compound")} - {None}
    for m in mentions:
        if m.name == named.name and m.token_start < description.i:
            before = doc[max(0, m.token_start - MAX_ROLE_WORDS):m.token_start]
            given = {gazetteer.nationality(t.text) for t in before if t.text[:1].isupper()} - {None}
            if said and given and not said & given:
                return True
    return False


# Institutions a text names afresh ("the German regulator" is not the bank named before it).
NOT_NAMED_BEFORE = {"regulator", "agency", "exchange", "watchdog", "authority", "court"}


def _national_company(tok: Token, lexicon: RoleLexicon) -> bool:
    """'The German giant said', 'the US firm': a nationality before a kind of company."""
    found = lexicon.classify([tok.lower_])
    return found is not None and "company" in found[1] and tok.lower_ not in NOT_NAMED_BEFORE and any(
        c.dep_ in ("amod", "compound") and gazetteer.nationality(c.text) for c in tok.children)


def _national_description(tok: Token) -> bool:
    """'The Ethiopian legend won ...': a nationality before a word only people are called."""
    return tok.lower_ in ROLE_WORDS and any(c.dep_ == "amod" and gazetteer.nationality(c.text) for c in tok.children)


def describes_a_person(tok: Token, lexicon: RoleLexicon) -> bool:
    """'the midfielder', 'the singer', 'the 28-year-old': a definite description standing for a person named
    before it (not an office: 'the chairman' may be someone never named)."""
    age = tok.lower_ == "old" and tok.i >= 2 and tok.doc[tok.i - 2].lower_ in ("year", "years")
    kinds = (lexicon.classify([tok.lower_]) or ("", frozenset({"post"})))[1]
    return age or tok.tag_ == "NN" and (_profession_only(tok.lower_, lexicon) or kinds <= {"player"})  # "the players": a team


def _profession_only(word: str, lexicon: RoleLexicon) -> bool:
    """'the writer' is whoever the text is about; 'the prime minister' or 'the chairman' is an office whose
    holder the text may never have named, so only professions are read from a description."""
    found = lexicon.classify([word])
    return found is not None and found[1] <= {"profession", "cast", "band_member"}


def pronoun_mentions(doc: Doc, mentions: list[Mention], pronoun_spans: bool = False) -> list[tuple[Mention, int]]:
    """(he/she as a mention of the person it stands for, at the pronoun's place; the sentence naming the person)
    for pronouns that are subjects (pipeline/coreference.py); with pronoun_spans, one nothing resolves stands
    for itself."""
    sent_of = sentence_indexes(doc)
    out = []
    for tok in doc:
        person = resolve_pronoun(tok, mentions, sent_of) if tok.dep_ in ("nsubj", "nsubjpass") else None
        if person is None and pronoun_spans and tok.dep_ in ("nsubj", "nsubjpass") and tok.lower_ in ("he", "she", "i"):
            person = Mention(tok.text, tok.text, "PERSON", "PRONOUN", None, sent_of[tok.i], tok.idx,
                             tok.idx + len(tok), tok.i, tok.i + 1)
        if person is not None:
            out.append((replace(person, surface=tok.text, sentence_index=sent_of[tok.i], start_char=tok.idx,
                                end_char=tok.idx + len(tok), token_start=tok.i, token_end=tok.i + 1),
                        person.sentence_index))
    return out


# ---------------------------------------------------------------- facts
@dataclass(frozen=True)
class RoleValue:
    text: str
    type: str
    span: tuple[int, int] | None = None   # set when the value is no mention's name: it becomes one


def _is_party(q: Mention) -> bool:
    return q.label == "PARTY_NAME" or gazetteer.is_party_name(q.surface)


def part_value(role: Role, part: str, predicate: str) -> RoleValue | None:
    q = role.qualifier
    if part == "person":
        return RoleValue(role.person.name, "PERSON") if role.person.type == "PERSON" else None
    if part == "named":
        return RoleValue(role.person.name, role.person.type)
    if part == "self":
        if role.matched is None:
            return None
        phrase = role.matched if predicate == "occupation" else " ".join(role.words + role.field).replace(" - ", "-")
        return RoleValue(phrase, "STRING")
    if q is None:
        return None
    if part == "organisation" and q.type == "ORG" and not _is_party(q):
        return RoleValue(q.name, q.type, (q.start_char, q.end_char) if q.label == UNTAGGED else None)
    if part == "organisation" and q.type == "PLACE" and role.kinds & TEAM_KINDS and _names_a_team(q, role):
        return RoleValue(q.name, "ORG")
    if part == "party" and q.type == "ORG" and _is_party(q):
        return RoleValue(q.name, q.type)
    if part == "work" and q.type == "WORK":
        return RoleValue(q.name, q.type)
    if part == "nationality" and q.type in ("MISC", "PLACE") and (country := gazetteer.nationality(q.surface)):
        return RoleValue(country, "PLACE", None if country == q.name else (q.start_char, q.end_char))
    if part == "nationality" and q.type == "PLACE" and "company" in role.kinds and is_country(q.name):
        return RoleValue(q.name, "PLACE")  # "the UK mobile giant Vodafone"; a person's "England coach" is no nationality
    return None


def _opponent(doc: Doc, m: Mention) -> bool:
    root = doc[m.token_start:m.token_end].root
    return root.dep_ == "pobj" and root.head.lower_ in ("against", "v", "vs", "versus")


def _names_a_team(place: Mention, role: Role) -> bool:
    """'Wales captain X', 'England coach Y': a nation names its national side; 'Bath prop X', 'Leeds manager
    Y' in a sport story: a town names its club."""
    return gazetteer.is_nation(place.name) or (role.sport and not is_country(place.name))


def frame_applies(frame: RoleFrame, role: Role) -> bool:
    if role.person.type == "PERSON" and "company" in role.kinds:
        return False  # "American rock band Marilyn Manson": the role says the name is no person
    kinds = kinds_in_context(role)
    return not frame.unless & kinds and (bool(frame.kinds & kinds) or ANY_ROLE in frame.kinds) \
        and (role.possessive or not frame.possessive)


def kinds_in_context(role: Role) -> frozenset[str]:
    """A word both a profession and a post is a post at an organisation ("LTA director X") and a profession
    on its own ("director Martin Scorsese")."""
    kinds = role.kinds
    if role.person.type != "PERSON":
        return kinds & {"company"}
    if role.matched == "player" and not role.sport:
        kinds = kinds - {"player"}  # "Bass player Nicky Wire", "a keen chess player": a team only in sport news
    if _team_possessive(role):
        kinds = kinds | {"player"}  # "Chelsea's John Terry", "England's Charlie Hodgson" where England plays
    at_org = role.qualifier is not None and role.qualifier.type == "ORG"
    if {"profession", "post"} <= kinds:
        kinds = kinds - {"profession" if at_org else "post"}
    if "band_member" in kinds and at_org:
        kinds = kinds - {"profession"}  # "Happy Mondays dancer Bez" is in the band, not employed by it
    return kinds - {"company"}


TEAM_LABELS = ("TEAM", "CLUB", "CLUB_NAME")


def _team_possessive(role: Role) -> bool:
    """A team's possessive before a name in a sport story, with no role between: one of its players. A nation
    is a team only where the story has it play ("Britain's Kelly Holmes" in an athletics report is a national)."""
    q = role.qualifier
    return role.sport and role.possessive and role.matched is None and q is not None and q.type == "ORG" \
        and (q.label in TEAM_LABELS or q.label == "ORG" and not _is_party(q))


def role_facts(role: Role, pred: Predicate) -> list[tuple[RoleValue, RoleValue, str, float]]:
    """(subject, object, extractor, confidence) of each of the predicate's role frames the role fits."""
    out = []
    for frame in pred.roles:
        if not frame_applies(frame, role):
            continue
        subject, obj = part_value(role, frame.subject, pred.name), part_value(role, frame.object, pred.name)
        if subject is not None and obj is not None and subject.text != obj.text:
            out.append((subject, obj, f"{pred.name}:role_{role.side}:{role.matched or 'qualifier'}",
                        CONFIDENCE[role.side]))
    return out
