"""Line rules: page furniture recognised in the extracted text, a line (paragraph) at a time, and the cuts at
the head and tail of an article. Each rule has a name the guard and the evaluation count."""
from __future__ import annotations

import re
from typing import Callable

from pipeline.clean.guard import ContentGuard, enabled
from pipeline.clean.patterns import (AUTHOR_BIO, BOILERPLATE_LINE, CALL_TO_ACTION, CAPTION, CROSS_LINK,
                                     CROSS_LINK_HEADING, EMAIL_ADDRESS, NAV_SEPARATORS, SITE_NOTICE, TAIL_MARKER,
                                     UI_MESSAGE, YEAR)
from pipeline.clean.text import SENTENCE_END, WORD, token_key, word_count

def _table_row(line: str) -> bool:
    """A table row as trafilatura renders it ('| a | b |'), not a menu."""
    return line.startswith("|") and line.endswith("|")


# Tests of a stripped line for page furniture, by rule name (the names the guard and the evaluation count).
CHROME_RULES: dict[str, Callable[[str], bool]] = {
    "boilerplate_line": lambda s: bool(BOILERPLATE_LINE.match(s)),
    "caption": lambda s: bool(CAPTION.search(s)) and word_count(s) < 20,
    "ui_message": lambda s: word_count(s) <= 15 and bool(UI_MESSAGE.match(s)),
    "site_notice": lambda s: word_count(s) <= 60 and bool(SITE_NOTICE.match(s)),
    "nav_line": lambda s: not _table_row(s) and is_nav_line(s),
}


def is_chrome_line(line: str) -> bool:
    """A line that is page furniture, not article prose."""
    stripped = line.strip()
    return any(test(stripped) for rule, test in CHROME_RULES.items() if enabled(rule))


def drop_chrome_lines(lines: list[str], guard: ContentGuard) -> list[str]:
    for rule, test in CHROME_RULES.items():
        lines = guard.drop_lines(rule, lambda line, test=test: test(line.strip()), lines)
    return lines


def is_date_only(line: str) -> bool:
    """'segunda-feira, 22 de janeiro de 2018 às 0:13', 'November 20, 2019 - 11:28': a timestamp on its own line.
    Any language: a year, and a clock time or numbers for a good part of the words. '2019' or 'Summer 2019' alone
    stay (headings of a timeline)."""
    if len(line) > 60 or not YEAR.search(line):
        return False
    tokens = WORD.findall(line)
    numeric = sum(t.isdigit() for t in tokens)
    return len(tokens) >= 3 and (bool(re.search(r"\b\d{1,2}:\d{2}\b", line)) or numeric >= 0.4 * len(tokens))


def is_nav_line(line: str) -> bool:
    """'Home | Film | Music | Contact': several separators between short items."""
    items = NAV_SEPARATORS.split(line)
    return len(items) >= 3 and len(line) <= 160 and max(word_count(i) for i in items) <= 4


def _short_fragment(line: str) -> bool:
    """A short line without sentence punctuation. Length in characters too: CJK text has few \\w+ runs."""
    stripped = line.strip()
    return word_count(stripped) <= 8 and len(stripped) <= 60 and not SENTENCE_END.search(stripped)


def drop_calls_to_action(lines: list[str]) -> list[str]:
    """Short promotional lines: cross-links anywhere; newsletter and follow-us boxes in the second half;
    contact lines ("Email the writer at …") among the last three. An article may mention a newsletter
    early on; a sign-up box sits after the story."""
    n = len(lines)
    keep = []
    for i, line in enumerate(lines):
        short = word_count(line) <= 40
        in_tail = n > 2 and i >= n / 2
        if short and (enabled("cross_link") and CROSS_LINK.match(line)
                      or enabled("call_to_action") and in_tail and CALL_TO_ACTION.match(line)
                      or enabled("contact_line") and in_tail and i >= n - 3 and EMAIL_ADDRESS.search(line)):
            continue
        keep.append(line)
    return keep


def drop_cross_link_blocks(lines: list[str]) -> list[str]:
    """A 'Don't miss' heading and the teaser headlines under it: short lines that are not sentences."""
    keep, in_block = [], 0
    for line in lines:
        if CROSS_LINK_HEADING.match(line.strip()):
            in_block = 8  # at most this many teasers belong to one heading
            continue
        if in_block and _teaser(line):
            in_block -= 1
            continue
        in_block = 0
        keep.append(line)
    return keep


def _teaser(line: str) -> bool:
    """A headline linking elsewhere: short, no closing punctuation once '[VIDEO]'-style tags are set aside."""
    core = without_trailing_tags(line)
    return word_count(core) <= 25 and not re.search(r"[.!…]$", core)


TAG_TEXT = re.compile(r"[A-Z ]+")


def without_trailing_tags(line: str) -> str:
    """'Headline [VIDEO] | |' -> 'Headline'. Taken off from the end one piece at a time: the regex this replaces,
    (?:\s*\[[A-Z ]+\]|[\s|]+)+$, could split a run of spaces and bars in exponentially many ways, and a
    658-byte page of '| | | ...' kept a worker busy for hours."""
    core = line.strip()
    while True:
        before = core
        core = core.rstrip().rstrip("|")
        start = core.rfind("[") if core.endswith("]") else -1
        if start >= 0 and TAG_TEXT.fullmatch(core, start + 1, len(core) - 1):
            core = core[:start]
        if core == before:
            return core


def strip_tail(lines: list[str], guard: ContentGuard) -> tuple[list[str], str | None]:
    """Cut trailing chrome: markers, promotional tail, repeated byline, author bio. Returns (lines, author).
    Every cut goes through the guard; the first cut it refuses ends the trimming."""
    lines = guard.apply("tail_marker", _cut_at_tail_marker, lines)
    lines = guard.apply("promo_tail", _without_promo_tail, lines)
    author = None
    while lines:
        rule, name = _trailing_chrome(lines)
        kept = guard.apply(rule, lambda ls: ls[:-1], lines) if rule else lines
        if kept is lines:
            break
        if name and (rule == "author_bio" or author is None):
            author = name
        lines = kept
    return lines, author


LIST_ITEM = re.compile(r"^(?:[-•*]|\d{1,3}[.)])\s")


def _list_or_table_item(line: str) -> bool:
    """A list item ('- 390 kcal', '01. Robert Plant') or table row as trafilatura renders them: the article's
    own structure (a top-100 list, a spec table, nutrition facts) even when its items are short."""
    return _table_row(line) or bool(LIST_ITEM.match(line))


def _cut_at_tail_marker(lines: list[str]) -> list[str]:
    """'Related articles', 'Tags', 'Comments' in the second half: everything after is site chrome."""
    for i, line in enumerate(lines):
        if i >= max(1, len(lines) // 2) and TAIL_MARKER.match(line.strip()):
            return lines[:i]
    return lines


def _trailing_chrome(lines: list[str]) -> tuple[str | None, str | None]:
    """(the rule that drops the last line or None, the author name that line gives or None)."""
    last = lines[-1].strip()
    bio = AUTHOR_BIO.search(last) if enabled("author_bio") else None
    if bio and len(lines) > 1 and (author_name := _bio_subject(last[: bio.start()], lines)):
        return "author_bio", author_name
    if enabled("trailing_fragment") and not _list_or_table_item(last) and (
            _short_fragment(last) or is_chrome_line(last) or _dangling_lead_in(last)):
        return "trailing_fragment", last if _looks_like_name(last) else None
    return None, None


def _without_promo_tail(lines: list[str]) -> list[str]:
    """Past the story's last paragraph of prose, a call to action opens the page's promotional tail
    (newsletter box, "Join our challenge", lists of other stories): cut from there."""
    last_prose = max((i for i, line in enumerate(lines) if _prose(line)), default=len(lines))
    for i in range(last_prose + 1, len(lines)):
        if CALL_TO_ACTION.match(lines[i]) and word_count(lines[i]) <= 40:
            return lines[:i]
    return lines


def _prose(line: str) -> bool:
    return bool(re.search(r"[.!?…\"”’»)]$", line)) and not line.startswith("- ") and word_count(line) >= 25


def _dangling_lead_in(line: str) -> bool:
    """'Das Thema könnte dich auch interessieren:' as the last line: what it introduced was page chrome."""
    return word_count(line) <= 15 and bool(re.search(r"\w:$", line))


def _bio_subject(prefix: str, lines: list[str]) -> str | None:
    """The bio's subject when it is a name that also stands alone on a line above."""
    name = prefix.strip()
    standalone = {line.strip() for line in lines[:-1]}
    return name if name in standalone or _looks_like_name(name) and word_count(name) <= 4 else None


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() and w.isalpha() for w in words)


def without_timestamp_head(lines: list[str]) -> list[str]:
    """A timestamp among the first two lines is the dateline above the story."""
    return [line for i, line in enumerate(lines) if i > 1 or not is_date_only(line)]


def is_own_address(line: str, url: str | None) -> bool:
    """The page's own address printed as a line (a permalink box, a print header), not a link it cites."""
    return bool(url) and line.strip().rstrip("/").split("?")[0] == url.rstrip("/").split("?")[0]


def repeats_title(line: str, title: str | None) -> bool:
    """A line that is the headline again: nearly all its words are the title's, and most of the title's."""
    if not title:
        return False
    words, title_words = set(token_key(line).split()), set(token_key(title).split())
    shared = len(words & title_words)
    return 0 < len(words) <= 40 and shared >= 0.8 * len(words) and shared >= 0.5 * len(title_words)
