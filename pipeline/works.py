"""Titles of works in text that does not quote them (BBC style, most news).

A title is a run of capitalised words ("Million Dollar Baby", "How to Dismantle an Atomic Bomb") that the
context says is a work: a kind noun before or after it ("the film X", "X, Razorlight's second album"), a frame
that only takes works ("starred in X", "star of X", "role in X", "directed X", "X, directed by", "X came fourth
in the chart"), or a possessive in a sentence about works ("Keane's Hopes and Fears"). The parser splits such
runs and the tagger calls their words persons and places; the context decides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from pipeline.gazetteer import first_name_gender
from pipeline.nlp import KNOWN_VERBS, doc_text, sentence_of

# Words a title keeps lower-case inside it ("How to Dismantle an Atomic Bomb", "Lord of the Rings").
TITLE_SMALL_WORDS = {"a", "an", "the", "of", "to", "in", "on", "at", "for", "with", "from", "by", "into", "and", "or",
                     "but", "nor", "as", "is", "are", "be", "it", "me", "you", "my", "your", "our", "up", "out",
                     "de", "la", "le", "du", "von", "van", "vs", "v"}
# Nouns naming a kind of work, before ("the film X") or after ("X, his second album") the title.
WORK_KINDS = {"film", "movie", "documentary", "series", "sitcom", "drama", "comedy", "thriller", "show",
              "programme", "program", "episode", "album", "song", "track", "single", "ep", "lp", "record",
              "mixtape", "book", "novel", "memoir", "biography", "autobiography", "play", "musical", "opera",
              "ballet", "game", "sequel", "prequel", "remake", "soundtrack", "hit", "epic", "biopic", "cartoon",
              "anthem", "ballad", "blockbuster", "feature", "video", "column", "poem", "sketch", "soap", "trilogy",
              "pantomime", "animation", "collection", "follow-up", "adaptation", "cover", "duet", "remix", "story", "tale", "satire", "spoof", "re-make",
              "bestseller", "best-seller", "bestselling", "best-selling"}
# Lemma sequences after which a title is the only thing that fits.
FRAMES_BEFORE = [("star", "in"), ("star", "of"), ("role", "in"), ("role", "as"), ("part", "in"), ("appear", "in"),
                 ("direct",), ("co-direct",), ("sequel", "to"), ("remake", "of"), ("star", "opposite"),
                 ("version", "of"), ("cast", "of"), ("director", "of"), ("co-star", "in"), ("play", "in"),
                 ("film", "include"), ("credit", "include"), ("album", "include"), ("book", "include"),
                 ("hit", "include"), ("film", "such", "as"), ("show", "such", "as"),
                 ("nomination", "for"), ("oscar", "for"), ("award", "for"), ("bafta", "for"), ("nominate", "for"),
                 ("globe", "for"), ("grammy", "for"), ("performance", "in"), ("director", "behind"),
                 ("team", "behind"), ("creator", "of"), ("author", "of"), ("rendition", "of"), ("cover", "of"),
                 ("episode", "of"), ("edition", "of"), ("instalment", "of"), ("installment", "of")]
# Words after which a title follows a kind noun: "their singles include X", "films such as X".
LIST_OPENERS = [("include",), ("such", "as"), ("including",)]
# Words that open no title: pronouns, weekdays and months are capitalised for other reasons.
NOT_TITLE_START = {"Mr", "Mrs", "Ms", "Dr", "Sir", "Dame", "Lord", "Lady", "Prince", "Princess", "King", "Queen",
                   "President", "Prime", "Chancellor", "Minister", "Senator", "Governor", "Judge", "Professor",
                   "Monday", "Tuesday", "Wednesday", "Thursday",
                   "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July",
                   "August", "September", "October", "November", "December", "Oscar", "Oscars", "Bafta", "Baftas", "Best"}
CHART_AFTER = re.compile(r"^\s*(?:,\s*)?(?:which\s+)?(?:has\s+)?(?:came|went|entered|reached|topped|climbed|hit|debuted|"
                         r"charted|stayed|remained|was|is)\b[^.]{0,40}\bcharts?\b|^\s*(?:went|is|was)\s+(?:straight\s+)?"
                         r"(?:to\s+)?(?:number|no\.?)\s+(?:one|1|two|three)\b"
                         r"|^\s*(?:,\s*)?(?:which\s+)?(?:topped|led|dominated|took|earned|made|grossed|opened)\b[^.]{0,40}"
                         r"\bbox office\b", re.I)
# Prizes only a work wins: "X, which took best foreign film", "Best British film was X" (a best album or song
# goes to its band as often: "X picked up best album" says nothing of X).
WORK_PRIZE = r"best\s+(?:[A-Za-z]+\s+){0,2}(?:film|picture|movie|documentary|musical|play)"
WON_AFTER = re.compile(r"^\s*(?:,\s*)?(?:which\s+)?(?:also\s+)?(?:won|took|scooped|collected|picked\s+up|"
                       r"(?:was|were|is|has\s+been|have\s+been)\s+(?:named|voted))\s+(?:the\s+)?(?:award\s+for\s+)?" + WORK_PRIZE + r"\b", re.I)
WON_BEFORE = re.compile(r"\b" + WORK_PRIZE + r"\s+(?:was|went\s+to|is)\s*$", re.I)
YEAR = re.compile(r"^(?:19|20)\d\d$")
DECADE = re.compile(r"^(?:1[89]|20)\d\ds?$")
MAX_TITLE_TOKENS = 14


@dataclass(frozen=True)
class WorkSpan:
    start: int      # token indexes
    end: int
    cue: str        # kind:<noun>, frame:<lemmas>, kind_after:<noun>, possessive, chart
    kind: str | None


def _capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper() or tok.text[:1].isdigit()


def title_run(doc: Doc, i: int) -> int | None:
    """End (exclusive) of the title that starts at token i, or None when no title starts there."""
    if i >= len(doc) or not _capitalised(doc[i]) or doc[i].text in NOT_TITLE_START or doc[i].is_punct \
            or doc[i].is_sent_start and doc[i].tag_ == "PRP$":
        return None  # "Their new album ...": a possessive opening the sentence is no title's first word
    if DECADE.match(doc[i].text):
        return None  # "1995's Lion King", "the 1977 Star Wars film", "1960s films": a time is no part of the title
    end, j = i + 1, i + 1
    sent_end = sentence_of(doc, i).end
    while j < min(sent_end, i + MAX_TITLE_TOKENS):
        tok = doc[j]
        if tok.text in ("'s", "’s", "-", ":", "'") and not doc[j - 1].whitespace_ and j + 1 < sent_end:
            if tok.text in ("'s", "’s") and any(t.text in CHANNEL_WORDS for t in doc[i:j]):
                return None  # "Channel 4's Shameless": the title starts after the channel's possessive
            j += 1  # "Ocean's Twelve", "Spider-Man 2", "Star Wars: Episode"
            continue
        if _capitalised(tok) and not tok.is_punct:
            end = j = j + 1
            continue
        k = j
        while k < min(sent_end, j + 2) and doc[k].lower_ in TITLE_SMALL_WORDS:
            k += 1  # "Star of the Sea", "How to Dismantle an Atomic Bomb"
        joined = tok.lower_ in ("and", "or")
        if k > j and k < sent_end and _capitalised(doc[k]) and not doc[k].is_punct \
                and (not any(_starts_name(t) for t in doc[j:k + 1]) or _inner_name(doc, k) and (not joined or doc[k - 1].text in ("a", "an"))
                     or joined and k == j + 1 and _one_word_pair(doc, i, end, k)) \
                and not doc[k].text[:1].isdigit() \
                and not (tok.lower_ in ("at", "for", "in", "on") and _venue_after(doc, k, sent_end)):
            # "Motormouth in the 1980s": a time; "The Producers at Theatre Royal": a venue, not the title's end
            if joined and doc[j + 1].text not in ("the", "a", "an") and (
                    end - i > 1 or (title_run(doc, k) or k + 1) - k > 1):
                break  # "Ocean's Twelve and The Terminal", "Hero and House of ..." are two titles; "Hopes and Fears",
                # "Hide and Seek", "Mara Quill and the Glass Harbour" and "An Officer and a Gentleman" one
            j = k
            continue
        break
    if end - i == 1 and (doc[i].is_stop or doc[i].lower_ in TITLE_SMALL_WORDS):
        return None  # "The show used ...": an article or a pronoun alone names nothing
    return end


VENUE_WORDS = {"theatre", "theater", "company", "hall", "centre", "center", "studios", "royal", "arena", "house",
               "playhouse", "opera", "festival", "gallery", "museum", "club"}


def _venue_after(doc: Doc, k: int, sent_end: int) -> bool:
    """'at Theatre Royal', 'for the Royal Shakespeare Company': where a work is on, not its title's words."""
    words = doc[k:min(sent_end, k + 4)]
    return any(t.lower_ in VENUE_WORDS and _capitalised(t) for t in words)


def _inner_name(doc: Doc, k: int) -> bool:
    """'Keeper of the House', 'Lord of the Rings', 'An Officer and a Gentleman': after 'of' or 'and' and a
    lower-case article, a word the tagger calls an organisation or a thing belongs to the title; a person, a
    place or a date there ends it, and so does any name after another preposition ('Neaptide for the National
    Theatre'). 'Year of Glass': after 'of' a word without a first name's shape does too ('to Labour of Robert
    Jackson' ends)."""
    return doc[k - 1].text in ("the", "a", "an") and doc[k - 2].lower_ in ("of", "and") \
        and doc[k].ent_type_ not in ("PERSON", "GPE", "DATE", "TIME") \
        or doc[k - 1].text == "of" and doc[k].ent_type_ in ("PERSON", "ORG") and first_name_gender(doc[k].text) is None


def _one_word_pair(doc: Doc, i: int, end: int, k: int) -> bool:
    """'Hide and Seek', 'Secrets and Lies': one word, 'and', one word the tagger calls a person but no first name
    starts (cities, dates and 'Ann Lee' end the title)."""
    return end - i == 1 and (title_run(doc, k) or k + 1) - k == 1 and doc[k].ent_type_ == "PERSON" \
        and first_name_gender(doc[k].text) is None


def _starts_name(tok: Token) -> bool:
    """'Sir Clive Woodward in September', 'the defection to Labour of Robert Jackson': a preposition followed by
    a tagged person, place or date ends the run; a title does not run on into another name."""
    return tok.ent_iob_ == "B" and tok.ent_type_ in ("PERSON", "GPE", "DATE", "ORG", "NORP", "LOC", "TIME")


def _frame_before(doc: Doc, i: int) -> str | None:
    for opener in LIST_OPENERS:  # "their singles include X", "hits such as X"
        n = len(opener)
        if i - n >= 1 and all(w in (t.lower_, t.lemma_.lower()) for t, w in zip(doc[i - n:i], opener)):
            kind = doc[i - n - 2] if i - n >= 2 and doc[i - n - 1].text == "," else doc[i - n - 1]
            if kind.lemma_.lower() in WORK_KINDS and kind.pos_ == "NOUN":  # "reality shows, such as X"
                return "frame:kind_" + "_".join(opener)
    if i >= 3 and doc[i - 1].lower_ == "in":
        k = i - 2  # "plays Vince Morrow in X", "starred as Howard Hughes in X": a part, then the work it is in
        while k > i - 6 and k > 0 and (_capitalised(doc[k]) and not doc[k].is_punct or doc[k].lower_ == "as"):
            k -= 1
        if k < i - 2 and doc[k].lemma_.lower() in ("play", "star", "portray", "co-star") and doc[k].pos_ == "VERB":
            return "frame:play_part_in"
    if i >= 3 and doc[i - 1].lower_ == "for" and any(t.lower_ in AWARD_WORDS or t.lower_ == "best"
                                                    for t in doc[max(0, i - 7):i - 1]):
        return "frame:award_for"  # "won an Oscar earlier this year for X"
    for frame in FRAMES_BEFORE:
        n = len(frame)
        if i - n < 0:
            continue
        toks = doc[i - n:i]
        if all(t.lemma_.lower() == w or t.lower_ == w for t, w in zip(toks, frame)) and \
                (frame[0] not in ("direct", "co-direct") or toks[0].pos_ == "VERB"):
            return "frame:" + "_".join(frame)
    return None


AWARD_WORDS = {"oscar", "oscars", "bafta", "baftas", "grammy", "grammys", "emmy", "emmys", "globe", "prize",
               "award", "nomination", "nominations", "nominated"}


def kind_before(doc: Doc, i: int) -> str | None:
    """'the film X', "his latest album X", 'the BBC One series X', "her novel, X"."""
    if i >= 2 and doc[i - 1].text == ",":
        if doc[i].ent_type_ == "PERSON" and first_name_gender(doc[i].text) is not None:
            return None  # "X was named best musical, Victoria Hamilton was best actress"
        i -= 1
    if i == 0:
        return None
    tok = doc[i - 1]
    if _after_best(doc, i - 1):
        return None  # "best musical", "best film": a prize's category
    lemma = tok.lemma_.lower() if tok.pos_ == "NOUN" else tok.lower_
    if i >= 3 and doc[i - 2].text == "-" and not doc[i - 2].whitespace_ and not doc[i - 3].whitespace_ \
            and doc[i - 3].lower_ + "-" + tok.lower_ in WORK_KINDS:
        lemma = doc[i - 3].lower_ + "-" + tok.lower_  # "the follow-up, X" (but "the mini-series X" is a series)
    if lemma in WORK_KINDS and (tok.pos_ == "NOUN" and tok.text[:1].islower() or tok.is_sent_start):
        return lemma  # "the film X", "Comedy X - co-written by ..."
    if tok.text[:1].islower() and i >= 2 and first_name_gender(doc[i].text) is None and (
            lemma in MISTAGGED_KINDS and doc[i - 2].pos_ in MODIFIER_POS
            or lemma in WORK_KINDS and tok.pos_ == "ADJ" and doc[i - 2].pos_ in ("NOUN", "PROPN")
            or lemma in WORK_KINDS and tok.pos_ == "VERB" and tok.lower_ == lemma and doc[i - 2].tag_ == "NN"):
        return lemma  # "the horror hit X", "the stage musical X": tagged a verb or an adjective after a modifier
    return None


MODIFIER_POS = {"DET", "ADJ", "NOUN", "PROPN", "PUNCT"}
# Kind nouns the tagger reads as a verb or an adjective ("the horror hit X", "the musical X", "the bestselling X").
# Any other kind tagged an adjective must follow a noun to be a noun ("the martial arts epic X", not "an epic New
# York Marathon contest"); one tagged a verb must follow a singular common noun ("the talent show X", not "England
# play Italy" nor "figures show Labour ahead").
MISTAGGED_KINDS = {"hit", "musical", "single", "bestselling", "best-selling"}


RELATIVE_WORDS = {"whose", "who", "which", "where", "when", "whom"}


def _kind_after(doc: Doc, end: int) -> str | None:
    """'X, Razorlight's second album', 'X, the film ...', 'X, a comedy about ...': a comma, then a noun phrase
    whose head is a kind noun within four words."""
    if end + 1 >= len(doc) or doc[end].text != "," or doc[end + 1].pos_ in ("VERB", "CCONJ", "SCONJ", "ADP"):
        return None  # "X, followed by two sequels", "X, and that track record", "X, with movies ...": no apposition
    for tok in doc[end + 1:min(len(doc), end + 6)]:
        if tok.is_punct or tok.lower_ in RELATIVE_WORDS or tok.pos_ in ("VERB", "AUX") and tok.dep_ != "amod":
            return None  # "X, whose film ...": X made the film; "in London, she made her film debut": a clause
        if tok.lemma_.lower() in WORK_KINDS and tok.pos_ == "NOUN" and tok.text[:1].islower() \
                and tok.dep_ != "compound":  # "X, a record label": the kind word modifies another noun
            return tok.lemma_.lower()
    return None


def _kind_ends_apposition(doc: Doc, end: int) -> bool:
    """'X, the new album from Y': the kind noun ends the apposition (a comma, 'from' or 'by' next), so X is
    the album, not a person the album is about ('X, the film's star')."""
    kind = next(t for t in doc[end + 1:] if t.lemma_.lower() in WORK_KINDS)
    nxt = doc[kind.i + 1] if kind.i + 1 < len(doc) else None
    return nxt is None or nxt.lower_ in (",", ".", "from", "by", "out", "released")


def _directed_after(doc: Doc, end: int) -> bool:
    """'X, directed by Y' / 'X, starring Y'."""
    rest = doc[end:min(len(doc), end + 3)]
    words = [t.lower_ for t in rest]
    return words[:1] == [","] and len(words) >= 3 and words[1] in ("directed", "starring", "written") and \
        (words[1] == "starring" or words[2] == "by")


def _by_author(doc: Doc, i: int, end: int, person_tokens: set[int]) -> bool:
    """'Biscuit Bear by Mini Grey took the top award': a title of two words or more, then 'by' and a person's
    full name (a first name, then a surname), is what that person made."""
    if end + 3 > len(doc) or doc[end].lower_ != "by" or end - i < 2:
        return False
    k = end + 1
    while k < len(doc) and k in person_tokens:
        k += 1
    return k - (end + 1) >= 2 and first_name_gender(doc[end + 1].text) is not None \
        and not any(t.ent_type_ in ("ORG", "GPE", "EVENT", "LAW", "NORP", "FAC") for t in doc[i:end]) \
        and doc[end - 1].lower_ not in ORG_WORDS and first_name_gender(doc[i].text) is None


def _listed_after(doc: Doc, previous_end: int, start: int) -> bool:
    if not 0 < start - previous_end <= 2:
        return False
    between = [t.lower_ for t in doc[previous_end:start]]
    return 0 < len(between) <= 2 and set(between) <= {",", "and", "or"}


def _about_works(sent) -> bool:
    return any(t.lemma_.lower() in WORK_KINDS or t.lemma_.lower() in ("star", "direct", "release", "chart", "copy")
               for t in sent)  # "sold 2.4 million copies"


def work_spans(doc: Doc, person_tokens: set[int]) -> list[WorkSpan]:
    """Titles named as works by their context. person_tokens: tokens of names the tagger calls persons, which a
    possessive title must not be ("Blair's Gordon Brown" is no title). A second pass finds the titles named
    again without a cue, and the titles listed beside them ("the studios behind The Aviator and Y")."""
    about_works = sum(t.lemma_.lower() in WORK_KINDS and t.pos_ == "NOUN" for t in doc) >= 2
    surnames = _surnames(doc, person_tokens)
    found = [w for w in _scan(doc, person_tokens, about_works, known=set())
             if not (w.cue.startswith("frame:") and doc[w.start:w.end].text in surnames)]
    found = sorted(found + _listed_before(doc, found, person_tokens), key=lambda w: w.start)
    known = {doc[w.start:w.end].text for w in found if w.cue != "verb_title"}  # a guess is not repeated
    return _scan(doc, person_tokens, about_works, known) if known else found


# Cues after a title, which the titles coordinated before it share: "Dogville and Dancer in the Dark director X".
# (Not the chart: bands top charts too, "Busted and McFly topped the charts".)
POSTFIX_CUES = ("role_modified:", "kind_modified:", "frame:directed_by", "frame:by_author", "prize")


def _listed_before(doc: Doc, found: list[WorkSpan], person_tokens: set[int]) -> list[WorkSpan]:
    """'Dogville and Dancer In The Dark director Lars von Trier', 'X and Y, directed by Z': a title
    coordinated before one whose cue follows it is a work of the same kind (one the tagger calls an organisation
    only before a kind or a role noun)."""
    taken = {i for w in found for i in range(w.start, w.end)}
    more = []
    for w in found:
        if not w.cue.startswith(POSTFIX_CUES) or w.start < 2 or doc[w.start - 1].lower_ not in ("and", "or", ","):
            continue
        conj = w.start - 1
        for start in range(max(0, conj - 8), conj):
            if title_run(doc, start) == conj and not taken.intersection(range(start, conj)) \
                    and (start == 0 or not _capitalised(doc[start - 1]) or doc[start - 1].is_punct) \
                    and not _full_name(doc, start, conj, person_tokens) \
                    and not any(doc[t].ent_type_ in ("GPE", "EVENT", "NORP") or doc[t].ent_type_ == "ORG" and
                                w.cue.startswith(("prize", "frame:")) for t in range(start, conj)):
                more.append(WorkSpan(start, conj, "list_before", w.kind))
                break
    return more


def _surnames(doc: Doc, person_tokens: set[int]) -> set[str]:
    """Last words of the persons named in full: "best actor for DiCaprio" after "Leonardo DiCaprio" names him."""
    return {doc[i].text for i in person_tokens if i - 1 in person_tokens and i + 1 not in person_tokens}


def _scan(doc: Doc, person_tokens: set[int], about_works: bool, known: set[str]) -> list[WorkSpan]:
    found: list[WorkSpan] = []
    i = 0
    while i < len(doc):
        end = title_run(doc, i)
        if end is None or (i > 0 and _capitalised(doc[i - 1]) and not doc[i - 1].is_punct
                           and not doc[i - 1].is_sent_start and doc[i - 1].lower_ not in TITLE_SMALL_WORDS) \
                or _after_joining_hyphen(doc, i):
            i += 1
            continue
        if end < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_:
            i = end  # "Booker-shortlisted", "Oscar-winning": a modifier, not a title
            continue
        modifier = end < len(doc) and doc[end].pos_ == "NOUN" and doc[end].is_lower  # "Channel 4 show"
        acronym = end - i == 1 and doc[i].is_upper and len(doc[i]) <= 3  # "reality show TV": no title
        span = _kind_modified(doc, i, end) if modifier or acronym else _cue(doc, i, end, person_tokens, about_works)
        if span is None and modifier and not acronym and _verb_word(doc[end], lower=True) \
                and doc[end].dep_ != "compound" and (kind := kind_before(doc, i)) is not None:
            span = WorkSpan(i, end, f"kind:{kind}", kind)  # "the martial arts epic Hero emerge(d)", a verb mis-tagged
        modifier = modifier or acronym
        if span is None and doc[i:end].text in known:
            span = WorkSpan(i, end, "repeat", None)
        if span is None and found and _listed_after(doc, found[-1].end, i) and not _full_name(doc, i, end, person_tokens) \
                and not modifier:  # "Pop Idol, Channel 4 show Faking It": the channel is no title of the list
            span = WorkSpan(i, end, "list", found[-1].kind)  # "films include X, Y and Z"
        if span is not None:
            found.append(_with_article(doc, span))
            i = end
        else:
            i += 1
    return found


def _with_article(doc: Doc, span: WorkSpan) -> WorkSpan:
    """'the follow-up, A Present for Everyone': a capitalised article inside a sentence opens the title."""
    i = span.start
    if i >= 1 and doc[i - 1].text in ("A", "An", "The") and not doc[i - 1].is_sent_start:
        return WorkSpan(i - 1, span.end, span.cue, span.kind)
    return span


def _full_name(doc: Doc, i: int, end: int, person_tokens: set[int]) -> bool:
    """'The star of X, Lucy Trent, said': a first and last name the tagger calls a person, after a title and a
    comma, is in apposition to it, not the next title of a list."""
    return end - i >= 2 and person_tokens.issuperset(range(i, end)) and first_name_gender(doc[i].text) is not None


def _after_joining_hyphen(doc: Doc, i: int) -> bool:
    """'Special-Use Domain Names': a title does not start inside a hyphenated word."""
    return i >= 2 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_


MIN_PROSE_WORDS = 3  # lower-case words around a cue-less title: a heading or a menu line has none


def _in_prose(doc: Doc, start: int, end: int) -> bool:
    sent = sentence_of(doc, start)
    return sum(t.is_lower and t.is_alpha for t in sent if not start <= t.i < end) >= MIN_PROSE_WORDS


# Kind nouns a title modifies ("the Today programme", "his Motormouth show"); a name modifying one is its maker
# ("the Ben Stiller comedy") or its channel ("the Channel 4 show"), which the checks below rule out.
MODIFIED_KINDS = {"programme", "program", "show", "series", "sitcom", "soap", "documentary", "album", "novel", "film",
                  "movie"}
# Roles in a work a title of two words or more modifies before a person's name: "the Carry On star Ann Pike".
MODIFIED_ROLES = {"director", "creator", "writer", "actor", "actress", "presenter", "author", "screenwriter"}
# ("a former Happy Mondays star", "the Pet Shop Boys producer": a band has stars and producers too)
CHANNEL_WORDS = {"Channel", "Radio", "BBC", "ITV", "Sky", "CNN", "TV", "Network", "Records"}


def _kind_modified(doc: Doc, i: int, end: int) -> WorkSpan | None:
    if end >= len(doc):
        return None  # an acronym ending the text ("a course with FWN") modifies nothing
    kind = doc[end].lemma_.lower()
    after = doc[end + 1] if end + 1 < len(doc) else None
    if end - i == 1 and (doc[i].pos_ == "ADJ" or doc[i].is_sent_start and doc[i].pos_ == "NOUN") or _after_best(doc, i):
        return None  # "Late film star X", "Horror film heads box office": a common word capitalised to open the
        # sentence; "best R&B album": a prize's category
    owned = i >= 1 and doc[i - 1].text in ("'s", "’s", "'")  # "Eminem's Encore album": a band owns no band
    tagged = ("PERSON", "GPE") if kind in FILM_WORDS and _phrase_shaped(doc, i, end) or owned else ("PERSON", "ORG", "GPE")
    if kind in MODIFIED_ROLES and end - i >= 2 and after is not None and after.ent_type_ == "PERSON" \
            and not any(t.ent_type_ in tagged + ( "NORP", "FAC", "EVENT", "LOC") or t.text in CHANNEL_WORDS
                        for t in doc[i:end]) and not title_case_sentence(doc, i):
        return WorkSpan(i, end, f"role_modified:{kind}", None)  # "Super Size Me director Morgan Spurlock"
    if after is not None and after.pos_ == "NOUN" and after.is_lower and after.lemma_ not in MODIFIED_ROLES:
        return None  # "Shochiku film studios", "the UK album chart": the kind word modifies another noun
    if kind not in MODIFIED_KINDS or after is not None and _capitalised(after) and not after.is_punct \
            or any(t.ent_type_ in tagged + ("NORP", "FAC") for t in doc[i:end]) \
            or doc[end - 1].like_num or any(t.text in CHANNEL_WORDS for t in doc[i:end]) or title_case_sentence(doc, i):
        return None
    return WorkSpan(i, end, f"kind_modified:{kind}", kind)


# Kinds and roles only films have: a studio may make one, but a band or a broadcaster tagged as an organisation
# has no "film" of its own name ("the Keep Going films", "Eat Less Now director X").
FILM_WORDS = {"film", "movie", "director", "actor", "actress", "screenwriter", "co-star"}


def _phrase_shaped(doc: Doc, i: int, end: int) -> bool:
    """'Carry On', 'Super Size Me', 'Lord of the Rings': a title the tagger calls an organisation reads as a
    phrase (a verb, or a lower-case 'the' inside), which a company's name seldom does."""
    return any(_verb_word(t) for t in doc[i:end]) or any(t.text == "the" for t in doc[i + 1:end])


def _past_person_and_preposition(doc: Doc, i: int, end: int, person_tokens: set[int]) -> int:
    """'stars as Howard Hughes in The Aviator, a film ...': a title does not open with a person and a
    preposition; it starts after them."""
    k = i
    while k < end and k in person_tokens:
        k += 1
    return k + 1 if i < k < end - 1 and doc[k].is_lower and doc[k].pos_ == "ADP" else i


def title_case_sentence(doc: Doc, i: int) -> bool:
    """A headline or a menu written in Title Case: capitals there say nothing about titles."""
    words = [t for t in sentence_of(doc, i) if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.text[:1].isupper() for t in words) >= 0.6 * len(words)


# Frames an organisation may fill as well: "director of La Scala" is a post there.
# Frames software and viruses fill as well ("new versions of Cabir"): a work only among works.
WEAK_FRAMES = {"frame:version_of", "frame:cover_of", "frame:rendition_of"}
OFFICE_FRAMES = {"frame:director_of", "frame:creator_of", "frame:team_behind"}


def _post_at_organisation(doc: Doc, i: int, end: int, frame: str) -> bool:
    """'Viotti, director of La Fenice': an office in apposition to a person, over a name the tagger calls an
    organisation, is a post there; 'the director of Paper Kites is Lena Holt' names a film."""
    noun = doc[i - frame.count("_") - 1]
    return frame in OFFICE_FRAMES and any(t.ent_type_ == "ORG" for t in doc[i:end]) and (
        noun.dep_ == "appos" or noun.i > 0 and doc[noun.i - 1].text == ",")


# Last words of a broadcaster's own units, not its programmes: "the BBC's World Service", "BBC News Online".
BROADCASTER_UNITS = {"Service", "News", "Online", "Trust", "Worldwide", "Films", "Board", "Governors", "One", "Two",
                     "Three", "Four"}


def _broadcast(doc: Doc, i: int, end: int) -> bool:
    """'BBC Two's Newsnight', "Radio 4's Today": what a channel or station has is a programme, in any article
    ("TV's Cosby" is a person on television)."""
    if i < 2 or doc[i - 1].text not in ("'s", "’s"):
        return False
    owner = doc[max(0, i - 4):i - 1]
    return doc[i - 2].ent_type_ in ("ORG", "") and any(t.text in CHANNEL_WORDS - {"TV", "Network", "Records"}
                                                       for t in owner) \
        and not any(t.text in CHANNEL_WORDS or t.text in BROADCASTER_UNITS for t in doc[i:end]) \
        and not _product_shaped(doc, i, end)


def _kind_predicated(doc: Doc, i: int, end: int, person_tokens: set[int]) -> str | None:
    """'X was the best-selling PC game of the year', 'X is a film about ...': the subject of 'be' whose
    complement is a kind noun (not 'the film's director', where the kind only owns the complement). A person's
    possessive opening the run is no part of the title ("Mira Castell's Paper Orchard")."""
    if any(t.text in ("'s", "’s") and person_tokens.issuperset(range(i, t.i)) for t in doc[i + 1:end]):
        return None
    root = doc[i:end].root
    if root.dep_ != "nsubj" or root.head.lemma_ != "be":
        return None
    for attr in root.head.children:
        if attr.dep_ == "attr" and attr.lemma_.lower() in WORK_KINDS and attr.pos_ == "NOUN" \
                and not any(c.dep_ == "case" for c in attr.children):
            return attr.lemma_.lower()
    return None


def _product_shaped(doc: Doc, i: int, end: int) -> bool:
    """"Toshiba's HD-DVD", "Apple's iPod": an acronym or a word with an inner capital names a product."""
    return any(t.is_upper and len(t) >= 2 or t.text[:1].islower() and any(c.isupper() for c in t.text)
               for t in doc[i:end])


def _after_best(doc: Doc, i: int) -> bool:
    """'best R&B album', 'best contemporary R&B album': what follows 'best' and its modifiers is a prize's
    category."""
    k = i - 1
    while k >= max(0, i - 3) and doc[k].lower_ != "best" and doc[k].pos_ in ("ADJ", "NOUN"):
        k -= 1
    return k >= 0 and doc[k].lower_ == "best"


def _chart_kind(chart: str) -> str:
    """'topped Amazon's book chart' names a book, 'the album chart' an album, 'the box office' a film."""
    if "box office" in chart:
        return "film"
    word = re.search(r"(\w+)\s+charts?\b", chart)
    kind = word.group(1).rstrip("s") if word else None
    return kind if kind in WORK_KINDS else "song"


def _owner(doc: Doc, end: int) -> bool:
    """'director of Venice's opera house': a name followed by a possessive owns what the frame is about."""
    return end < len(doc) and doc[end].text in ("'s", "’s", "'")


def _cue(doc: Doc, i: int, end: int, person_tokens: set[int], about_works: bool) -> WorkSpan | None:
    if (kind := kind_before(doc, i)) is not None:
        return WorkSpan(i, end, f"kind:{kind}", kind)
    if (frame := _frame_before(doc, i)) is not None and not doc[i].is_sent_start \
            and not (person_tokens.issuperset(range(i, end)) and first_name_gender(doc[i].text)) \
            and not _owner(doc, end) and not _post_at_organisation(doc, i, end, frame) \
            and (frame not in WEAK_FRAMES or about_works or _about_works(sentence_of(doc, i))):
        return WorkSpan(i, end, frame, None)
    if (kind := _kind_after(doc, end)) is not None and (not person_tokens.issuperset(range(i, end)) or (
            _kind_ends_apposition(doc, end) and first_name_gender(doc[i].text) is None)):
        return WorkSpan(_past_person_and_preposition(doc, i, end, person_tokens), end, f"kind_after:{kind}", kind)
    if _directed_after(doc, end):
        return WorkSpan(i, end, "frame:directed_by", None)
    if _by_author(doc, i, end, person_tokens):
        return WorkSpan(i, end, "frame:by_author", None)
    chart = CHART_AFTER.match(doc_text(doc)[doc[end - 1].idx + len(doc[end - 1].text):doc[end - 1].idx + 80])
    if chart and not person_tokens.issuperset(range(i, end)):  # "an album by Mara Vell went to number one"
        return WorkSpan(i, end, "chart", _chart_kind(chart.group(0).lower()))
    named_person = person_tokens.issuperset(range(i, end)) and first_name_gender(doc[i].text) is not None
    before = doc_text(doc)[max(0, doc[i].idx - 60):doc[i].idx]
    if not named_person and (WON_AFTER.match(doc_text(doc)[doc[end - 1].idx + len(doc[end - 1].text):][:90])
                             or WON_BEFORE.search(before)):
        return WorkSpan(i, end, "prize", None)
    if i >= 2 and doc[i - 1].text in ("'s", "’s") and YEAR.match(doc[i - 2].text) and not named_person \
            and (about_works or _about_works(sentence_of(doc, i))) \
            and doc[i].ent_type_ not in ("LAW", "EVENT", "GPE", "NORP", "DATE"):
        return WorkSpan(i, end, "year_possessive", None)  # "1995's Lion King"
    if title_case_sentence(doc, i):
        return None  # "Price Tag Is Steep", "Alicia Keys And Protestors": a headline, not titles
    if _broadcast(doc, i, end) and not named_person:
        return WorkSpan(i, end, "broadcaster_possessive", "programme")  # "BBC One's Breakfast with Frost"
    if (kind := _kind_predicated(doc, i, end, person_tokens)) is not None and not named_person:
        return WorkSpan(i, end, f"kind_predicate:{kind}", kind)  # "X was the best-selling game of the year"
    if i >= 2 and doc[i - 1].text in ("'s", "’s") and doc[i - 2].ent_type_ in ("PERSON", "ORG") \
            and doc[i].ent_type_ not in ("GPE", "NORP", "DATE") and not _product_shaped(doc, i, end) \
            and ((about_works or _about_works(sentence_of(doc, i))) and first_name_gender(doc[i].text) is None
                 or doc[i - 2].ent_type_ == "PERSON" and _about_prizes(sentence_of(doc, i))):
        return WorkSpan(i, end, "possessive", None)  # "Sally Grindley's Spilled Water", not "Blair's Gordon Brown";
        # "Mike Leigh's Vera Drake failed to take the director or screenplay awards", a film named for a person
    if end - i >= 2 and not doc[i].is_sent_start and _verb_word(doc[i]) and _in_prose(doc, i, end) \
            and doc[end - 1].text not in NOT_TITLE_START \
            and doc[i].ent_type_ not in ("GPE", "ORG", "PERSON", "NORP", "LOC", "FAC", "EVENT") \
            and doc[end - 1].lower_ not in ORG_WORDS and not _names_a_part(doc, i) \
            and not (end - i == 2 and doc[end - 1].like_num and doc[i - 1].lower_ == "the"):  # "in the Top 40"
        return WorkSpan(i, end, "verb_title", None)  # "the success of Meet the Fockers", "by Cast Away"
    return None


# Words of a sentence about films' prizes, where a person's possessive before a person's name names a film.
PRIZE_WORDS = {"award", "awards", "oscar", "oscars", "bafta", "baftas", "nomination", "nominations", "nominated",
               "screenplay", "prize", "prizes", "golden", "globe", "globes", "box", "office"}


def _about_prizes(sent) -> bool:
    return sum(t.lower_ in PRIZE_WORDS for t in sent) >= 1 and any(t.lemma_.lower() in WORK_KINDS
                                                                 or t.lower_ == "screenplay" for t in sent)


def _names_a_part(doc: Doc, i: int) -> bool:
    """'the role of Father Merrin', 'starred as Father Merrin': a part played, no title."""
    return doc[i - 1].lower_ == "as" or i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lemma_.lower() in (
        "role", "part", "character")


# Words that end organisation names: "Save the Children Fund" is a charity, not a title.
ORG_WORDS = {"fund", "trust", "coalition", "campaign", "group", "party", "foundation", "association", "society",
             "council", "committee", "union", "alliance", "network", "league", "club", "bank", "inc", "ltd"}


def _verb_word(tok: Token, lower: bool = False) -> bool:
    """A capitalised word mid-sentence that is an English verb and no first name: the start of a title (with
    `lower`, any English verb the tagger may have taken for a noun: "epic Hero emerge")."""
    word = tok.lower_
    stem = word[:-2] if word.endswith("ed") else word[:-3] if word.endswith("ing") else word
    verbs = KNOWN_VERBS
    return (word in verbs or stem in verbs or stem + "e" in verbs or word.rstrip("s") in verbs) \
        and first_name_gender(tok.text) is None and (lower or tok.text[:1].isupper() and not tok.is_upper)
