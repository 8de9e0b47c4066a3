"""Raw documents to cleaned article text with metadata and language.

HTML goes through trafilatura; plain-text dumps through our own boilerplate
rules (trafilatura returns nothing for them). Both then share the same
line-level post-filters and normalisation.
"""
from __future__ import annotations

import html as html_lib
import json
import re
import unicodedata
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Callable, Iterator
from urllib.parse import urlparse

import polars as pl
import py3langid
import trafilatura
from lxml import html as lxml_html

from pipeline import workers
from pipeline.config import DEFAULT_DOCUMENT_TIMEOUT_S
from pipeline.sources import stage_error
from schemas import polars_schema

MIN_WORDS = 15

# A bare "&;" or an "&" before whitespace is a broken entity for a literal ampersand.
BROKEN_ENTITY = re.compile(r"&(?:amp)?;")
CAPTION = re.compile(
    r"\((?:photo|image|picture|credit|illustration)s?\b[^)]*\)|^(?:photo|image|credit|picture)s?\s*(?:by|:|credit)",
    re.IGNORECASE,
)
BOILERPLATE_LINE = re.compile(
    r"^(?:related (?:articles|stories|posts|links)|latest (?:articles|news|stories)|share this(?: article| story)?|"
    r"share on \w+|(?:read|see) (?:more|next|also)\b.{0,80}|you (?:may|might) also like|more from \w+|advertisement|sponsored|"
    r"subscribe(?: to our newsletter)?|sign up for (?:our|the) newsletter.*|comments?(?: \(\d+\))?|\d+ comments?|"
    r"leave a (?:comment|reply)|(?:published|updated|posted|last updated)\b.{0,60}\d{4}.{0,40}|"
    r"follow us(?: on .*)?|tags?:.*|filed under:?.*|(?:all rights reserved|copyright|©).*|"
    r"what do you think.*|tell us what you think.*|click here.*|cookie(?:s| settings| policy).*|"
    r"accept(?: all)?(?: cookies)?)[.!:]?$",
    re.IGNORECASE,
)
# Blocks that end an article in text dumps: everything after them is site chrome.
TAIL_MARKER = re.compile(
    r"^(?:related (?:articles|stories|posts)|latest (?:articles|news|stories)|share this(?: article| story)?|"
    r"you (?:may|might) also like|more from .{1,40}|read next|comments?|tags?)[.:!…]*$",
    re.IGNORECASE,
)
# Calls to action and cross-links: newsletter boxes, "follow us", "Also on…", in several languages.
CALL_TO_ACTION = re.compile(
    r"^(?:(?:sign up|subscribe|register|join|download|follow|share|listen|watch|click|tap|submit|get)\b.{0,200}"
    r"\b(?:newsletters?|inbox|updates|twitter|facebook|instagram|youtube|app|friends?|podcast|here)\b|"
    r"like this (?:story|article)\b.*|.{0,120}\b(?:newsletters?|in your inbox)\b.{0,120})[.!?…]*$",
    re.IGNORECASE,
)
CROSS_LINK = re.compile(
    r"^\(?(?:also on|also read|read also|see also|related|recommended|more:|lea también|vea también|lesen sie auch|"
    r"mehr zum thema|auch interessant|weiterlesen|weitere (?:artikel|beiträge|\w*tipps)\b|"
    r"(?:das|dies|diese[sr]?) (?:\w+ )?könnte (?:dich|sie|euch) auch interessieren|vorschau auf|"
    r"à lire aussi|lire aussi|leggi anche|zobacz też|czytaj też)\b"
    # Lead-ins that only introduce a link when a colon follows them: "Lea más: …", "MIRA: …", "Auch lesen: …".
    r"|^\(?(?:read more|more on this|watch|listen|lea(?: más)?|lee (?:también|más)|mira|mire|ver también|"
    r"(?:también )?(?:le|te) puede interesar|puedes ver|leia (?:também|mais)|veja (?:também|mais)|auch lesen|"
    r"lesen sie (?:hier|mehr)|zum weiterlesen|dowiedz się więcej|czytaj (?:także|więcej|również)|"
    r"zobacz (?:także|również))\s*:",
    re.IGNORECASE,
)
# Headings of a block of links to other stories; the short teaser lines after one go with it.
CROSS_LINK_HEADING = re.compile(
    r"^(?:don'?t miss|must read|schon gelesen|(?:noticias|notas|artículos) relacionad[oa]s|weitere themen|"
    r"beiträge aus dem forum|most (?:read|popular|viewed|shared)|trending(?: now| stories)?|top stories|"
    r"more (?:stories|news|articles|videos)|editor'?s picks|popular (?:posts|stories|articles)|"
    r"recommended for you|más (?:noticias|sobre .{1,40})|te recomendamos|relacionad[oa]s)[.:!?…]*$",
    re.IGNORECASE,
)
# Messages of forms and widgets that trafilatura keeps as text: "Thanks for signing up!", "An error has occurred".
UI_MESSAGE = re.compile(
    r"^(?:thanks? (?:you )?for (?:signing up|subscribing|registering|your (?:feedback|submission|interest|vote))\b.*|"
    r"thank you|sorry|oops|(?:an? )?(?:unexpected )?error (?:has )?occurred\b.*|there was (?:an error|a problem)\b.*|"
    r"something went wrong\b.*|please try again(?: later)?|"
    r"(?:this|the) (?:article|story|page|link) (?:has been|was) sent to\b.*|"
    r"keep an eye on your inbox\b.*|loading(?:\.\.\.|…)?|you are (?:not|currently not) (?:logged|signed) in\b.*|"
    r"sie sind (?:aktuell |derzeit )?nicht (?:eingeloggt|angemeldet)|wird geladen(?:\.\.\.|…)?|bild anzeigen)[.!…]*$",
    re.IGNORECASE,
)
# Notices a site prints on every page: reprint terms, affiliate disclosures, copyright claims, shortcodes
# a theme failed to render.
SITE_NOTICE = re.compile(
    r".*\b(?:for your personal,? non-commercial use only|contains? (?:affiliate links|references to products)|"
    r"we may (?:receive|earn|get) (?:a )?(?:small )?(?:compensation|commission)|enthält affiliate.?links|"
    r"materiał chroniony prawem autorskim)\b.*|^\[\w+(?:\s[^\]]*)?\](?:\W*\b\w+\b){0,8}\W*\[/\w+\]$",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
EMAIL_ADDRESS = re.compile(r"\b[\w.+-]+@[\w-]+\.[a-z]{2,}\b", re.IGNORECASE)
AUTHOR_BIO = re.compile(
    r"\bis an? (?:[\w-]+ ){0,8}?(?:writer|journalist|editor|reporter|contributor|author|correspondent|"
    r"columnist|blogger|critic|freelancer)\b",
    re.IGNORECASE,
)
NAV_SEPARATORS = re.compile(r"\s[|•»›·>]\s")
SENTENCE_END = re.compile(r"[.!?…:;\"”’')\]。！？」』）]$")
DATE_VALUE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
PUBLISHED_META = {
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "publish_date", "dc.date", "dc.date.issued",
    "dcterms.date", "dcterms.issued", "sailthru.date", "parsely-pub-date", "date",
}


@dataclass(frozen=True)
class Cleaned:
    text: str
    title: str | None = None
    author: str | None = None
    published_date: str | None = None
    site: str | None = None
    url: str | None = None
    # What the content-loss guard decided on this page ("rule: why"): rules it stopped, hidden text it kept,
    # fallbacks it took. Kept with the result so evaluations can count them; not a warehouse column.
    guard: tuple[str, ...] = ()


def normalize(text: str) -> str:
    """NFC, entities decoded, one space between words, blank line between paragraphs."""
    text = html_lib.unescape(BROKEN_ENTITY.sub("&", text))
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u200b", "")
    paragraphs = (re.sub(r"[ \t\f\v]+", " ", p).strip() for p in re.split(r"\n\s*\n|\n", text))
    return "\n\n".join(p for p in paragraphs if p)


WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return _line_word_count(text) if len(text) <= 2000 else len(WORD.findall(text))


@lru_cache(maxsize=4096)  # the line rules ask about the same short lines again and again
def _line_word_count(line: str) -> int:
    return len(WORD.findall(line))


def more_words_than(element, limit: int) -> bool:
    """Whether an element's text has more than `limit` words, reading only as far as it needs to."""
    count, word_open = 0, False
    for chunk in element.itertext():
        if not chunk:
            continue
        count += len(WORD.findall(chunk)) - (word_open and WORD.match(chunk) is not None)  # "foo<b>bar</b>": 1 word
        if count > limit:
            return True
        word_open = WORD.fullmatch(chunk[-1]) is not None
    return False


# Rules can be switched off by name for one call (the evaluation measures each rule by switching it off).
_DISABLED_RULES: ContextVar[frozenset[str]] = ContextVar("disabled_rules", default=frozenset())


@contextmanager
def rules_disabled(names: set[str] | frozenset[str]) -> Iterator[None]:
    token = _DISABLED_RULES.set(frozenset(names))
    try:
        yield
    finally:
        _DISABLED_RULES.reset(token)


def enabled(rule: str) -> bool:
    return rule not in _DISABLED_RULES.get()


GUARD_MAX_SHARE = 0.4   # of the extracted article's words that all rules together may remove on one page
GUARD_PROSE_WORDS = 80  # a paragraph of running prose this long is article text, whatever a rule matched
GUARD_MIN_ARTICLE_WORDS = 50  # under this many words in sentences there is no article for a share to protect
# Rules that cut by position (everything after a marker, the last lines) without recognising each line they
# cut: what they remove counts whole, lists and tables too, against GUARD_MAX_SHARE of all the page's words.
POSITIONAL_RULES = frozenset({"tail_marker", "promo_tail", "trailing_fragment"})
SENTENCE_BREAK = re.compile(r"\w[.!?…][\"”’)]?\s+\S")


def sentence_words(line: str) -> int:
    """Words of a line that ends like a sentence: what the guard's share counts. Menus, headings and teaser
    links are not the article a rule could destroy."""
    return word_count(line) if SENTENCE_END.search(line.strip()) else 0


def running_prose(text: str) -> bool:
    """Several sentences and more than GUARD_PROSE_WORDS words: what boilerplate never looks like."""
    return word_count(text) > GUARD_PROSE_WORDS and len(SENTENCE_BREAK.findall(text)) >= 2


@dataclass
class ContentGuard:
    """Checks every rule against what it removes from the extracted article. A rule that would remove a
    paragraph of running prose, or take the page's removals past GUARD_MAX_SHARE of the words in its
    sentences, does not apply on that page; each such decision is kept in `decisions`."""
    article_words: int  # in sentences
    page_words: int
    removed_words: int = 0
    cut_words: int = 0  # by positional rules
    decisions: list[str] = field(default_factory=list)
    max_share: float = GUARD_MAX_SHARE

    @classmethod
    def over(cls, lines: list[str], **kwargs) -> "ContentGuard":
        return cls(sum(sentence_words(line) for line in lines), sum(word_count(line) for line in lines), **kwargs)

    def apply(self, rule: str, step: Callable[[list[str]], list[str]], lines: list[str]) -> list[str]:
        """`step(lines)` if the rule is on and the guard allows what it removes, else `lines` itself."""
        if not enabled(rule):
            return lines
        kept = step(lines)
        lost = list((Counter(lines) - Counter(kept)).elements())
        if not lost:
            return kept
        prose = next((line for line in lost if running_prose(line)), None)
        if prose is not None:
            self.decisions.append(f"{rule}: refused, would remove a {word_count(prose)}-word paragraph of prose")
            return lines
        words = sum(sentence_words(line) for line in lost)
        if self._over_share(words, self.removed_words, self.article_words):
            self.decisions.append(f"{rule}: refused, would remove {words} of the {self.article_words} words "
                                  f"in the article's sentences ({self.removed_words} already removed)")
            return lines
        cut = sum(word_count(line) for line in lost) if rule in POSITIONAL_RULES else 0
        if self._over_share(cut, self.cut_words, self.page_words):
            self.decisions.append(f"{rule}: refused, would cut {cut} of the page's {self.page_words} words "
                                  f"({self.cut_words} already cut by position)")
            return lines
        self.removed_words += words
        self.cut_words += cut
        return kept

    def _over_share(self, words: int, removed: int, total: int) -> bool:
        return bool(words) and total >= GUARD_MIN_ARTICLE_WORDS and removed + words > self.max_share * total

    def drop_lines(self, rule: str, is_junk: Callable[[str], bool], lines: list[str]) -> list[str]:
        return self.apply(rule, lambda ls: [line for line in ls if not is_junk(line)], lines)


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


def drop_chrome_lines(lines: list[str], guard: "ContentGuard") -> list[str]:
    for rule, test in CHROME_RULES.items():
        lines = guard.drop_lines(rule, lambda line, test=test: test(line.strip()), lines)
    return lines


# Every rule by name, for rules_disabled. Page rules change the page before trafilatura reads it.
PAGE_RULES = ("hidden",)
POST_RULES = ("split_body", "lead", *CHROME_RULES, "cross_link_block", "cross_link", "call_to_action", "contact_line",
              "timestamp_head", "tail_marker", "promo_tail", "author_bio", "trailing_fragment",
              "own_address", "title_line")


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


def strip_tail(lines: list[str], guard: "ContentGuard") -> tuple[list[str], str | None]:
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


def strip_head(lines: list[str]) -> list[str]:
    """Drop leading navigation and site-name lines of a text dump."""
    while len(lines) > 1:
        first = lines[0].strip()
        if is_chrome_line(first) or _shouted(first) or word_count(first) <= 3 and not SENTENCE_END.search(first):
            lines = lines[1:]
        else:
            break
    return lines


def _shouted(line: str) -> bool:
    """A masthead such as "THE DAILY PLANET - news since 1938"."""
    letters = [c for c in line.split(" - ")[0] if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def clean_plain_text(content: str) -> Cleaned:
    lines = [ln for ln in normalize(content).split("\n\n")]
    # A dump has no extractor before the rules: its chrome may be most of it, only prose is protected.
    guard = ContentGuard.over(lines, max_share=1.0)
    lines = guard.apply("strip_head", strip_head, lines)
    lines, author = strip_tail(guard.apply("calls_to_action", drop_calls_to_action, lines), guard)
    lines = drop_chrome_lines(lines, guard)
    title = lines[0] if lines and word_count(lines[0]) <= 30 and len(lines) > 1 else None
    return Cleaned(text="\n\n".join(lines), title=title, author=author, guard=tuple(guard.decisions))


def clean_html(content: str, source_uri: str | None = None) -> Cleaned:
    return finish_html(extract_html(content), source_uri)


@dataclass
class Extraction:
    """trafilatura's text of a page before the post-rules, and what the post-rules read beside it."""
    content: str           # the page as trafilatura's comments-off floor reads it
    tree: object | None    # our parse, hidden elements out (the split-body rule walks it)
    meta: dict[str, str]
    text: str
    decisions: list[str]   # what the page rule (hidden content) kept or revealed


def extract_html(content: str) -> Extraction:
    content = with_long_texts_broken(BROKEN_ENTITY.sub("&amp;", content))
    tree = parse_html(content)
    meta = html_metadata(tree) if tree is not None else {}
    decisions: list[str] = []
    visible = without_hidden(tree, decisions) if tree is not None else None
    chunks = huge_page_chunks(tree) if tree is not None and len(visible or content) > HUGE_PAGE_CHARS else []
    if chunks:
        text = "\n".join(trafilatura_text(chunk, meta.get("url")) for chunk in chunks)
        decisions.append(f"huge_page: extracted in {len(chunks)} chunks of {len(visible or content):,} characters")
    else:
        text = trafilatura_text(visible or content, meta.get("url"))
    if tree is not None and tree.xpath(DEEPER_THAN_LIBXML2_READS):
        text = _from_deep_tree(tree, text, decisions)
    return Extraction(content, tree, meta, text, decisions)


# trafilatura's time grows faster than the page: 0.7 s for 2 MB, 6 s for 9 MB, past the 30-second limit per
# document for 18 MB of paragraphs (the page was then quarantined as a timeout, its text lost).
HUGE_PAGE_CHARS = 3_000_000
CHUNK_CHARS = 500_000


def huge_page_chunks(tree) -> list[str]:
    """The children of the element that holds the page's text (the one that holds nine tenths of its parent's
    text, from the body down), as pages of about CHUNK_CHARS each; [] when the text does not split that way."""
    container = tree.find("body")
    if container is None:
        return []
    while True:
        children = [c for c in container if isinstance(c.tag, str)]
        total = len(container.text_content())
        main = max(children, key=lambda c: len(c.text_content()), default=None)
        if main is None or len(main.text_content()) < 0.9 * total:
            break
        container = main
    if len(children) < 2:
        return []
    chunks, current, size = [], [html_lib.escape(container.text or "", quote=False)], 0
    for child in children:
        markup = lxml_html.tostring(child, encoding="unicode")  # with its tail: the text up to the next child
        if current and size + len(markup) > CHUNK_CHARS:
            chunks.append(current)
            current, size = [], 0
        current.append(markup)
        size += len(markup)
    chunks.append(current)
    return [f"<html><body><div>{''.join(parts)}</div></body></html>" for parts in chunks] if len(chunks) > 1 else []


# libxml2 stops at 256 levels of nesting unless told otherwise (unclosed tags pile up that deep) and drops
# everything below; our parse is told otherwise (HTML_PARSER), trafilatura's is not.
DEEPER_THAN_LIBXML2_READS = "boolean(//*[count(ancestor::*) >= 250])"


def _from_deep_tree(tree, text: str, decisions: list[str]) -> str:
    """trafilatura's text of our own parse of a page nested too deep for its parse of the string."""
    deep = trafilatura.extract(tree, include_comments=False, include_tables=True, favor_recall=True) or ""
    if word_count(deep) <= word_count(text):
        return text
    decisions.append(f"deep_tree: took {word_count(deep)} words from our parse, nested past libxml2's default limit")
    return deep


def trafilatura_text(html: str, url: str | None) -> str:
    # trafilatura's own metadata pass (htmldate) costs a quarter of the time and
    # its dates are the ones we must not use: the head and bylines are read by html_metadata.
    extracted = trafilatura.bare_extraction(
        # A string, not our tree: trafilatura's own loader cleans differently (Zyte F1 0.956 vs 0.960).
        html, url=url, with_metadata=False, include_comments=False,
        # Not deduplicate=True: its segment cache is process-global, so a second
        # run in the same process (dagster dev) would lose text it saw before.
        include_tables=True,
    )
    text = extracted.text if extracted is not None and extracted.text else ""
    if word_count(text) < MIN_WORDS:
        # Fragments and thin pages: trafilatura's recall mode keeps more.
        text = trafilatura.extract(html, include_comments=False, favor_recall=True) or text
    return text


def finish_html(page: Extraction, source_uri: str | None = None) -> Cleaned:
    """The post-rules on an extraction, each checked by the content-loss guard."""
    decisions = list(page.decisions)
    text = page.text
    if page.tree is not None and enabled("split_body"):
        text = with_split_body(page.tree, text, decisions)
    url = page.meta.get("url") or (source_uri if source_uri and source_uri.startswith("http") else None)
    site = page.meta.get("site") or (urlparse(url).hostname if url else None)
    title = clean_title(page.meta.get("title"), site)
    if page.tree is not None and enabled("lead"):
        text = with_lead(page.tree, text, title, decisions)
    lines = normalize(text).split("\n\n")
    guard = ContentGuard.over(lines, decisions=decisions)
    lines = drop_chrome_lines(lines, guard)
    lines = guard.apply("cross_link_block", drop_cross_link_blocks, lines)
    lines = guard.apply("calls_to_action", drop_calls_to_action, lines)
    lines = guard.apply("timestamp_head", _without_timestamp_head, lines)
    lines, author = strip_tail(lines, guard)
    lines = guard.drop_lines("own_address", lambda ln: is_own_address(ln, url), lines)
    if len(lines) > 1 and repeats_title(lines[0], title):
        lines = guard.apply("title_line", lambda ls: ls[1:], lines)  # the headline is the title column
    return Cleaned(
        text=with_floor("\n\n".join(lines), page, decisions),
        title=title,
        author=clean_author(page.meta.get("author") or author),
        # Never a date from the body: trafilatura's search returns dates of other events.
        published_date=page.meta.get("published_date"),
        site=site,
        url=url,
        guard=tuple(decisions),
    )


def _without_timestamp_head(lines: list[str]) -> list[str]:
    """A timestamp among the first two lines is the dateline above the story."""
    return [line for i, line in enumerate(lines) if i > 1 or not is_date_only(line)]


def with_floor(text: str, page: Extraction, decisions: list[str]) -> str:
    """A page our rules leave without an article gets trafilatura's own comments-off text of the page
    as it came, when that has one: the page is then kept, not quarantined as having no content."""
    words = word_count(text)
    if words >= MIN_WORDS:
        return text
    plain = normalize(trafilatura.extract(page.content, include_comments=False) or "")
    if word_count(plain) < MIN_WORDS:
        return text
    decisions.append(f"floor: took trafilatura's comments-off text ({word_count(plain)} words) for our {words}")
    return plain


# libxml2 stops reading one text node at 10,000,000 bytes: a page whose text is one run longer than that
# (a book on one line) parses to nothing, in our parser and in trafilatura's.
LONG_TEXT_RUN = re.compile(r"(?<![^<])[^<]{1000000,}")  # tried only where a run starts: linear time
TEXT_PIECE_CHARS = 5000


def with_long_texts_broken(content: str) -> str:
    """The page with a line break after a sentence every few thousand characters of its very long text runs."""
    return LONG_TEXT_RUN.sub(_broken_run, content) if len(content) > 9_000_000 else content


def _broken_run(match: re.Match) -> str:
    run, pieces, start = match.group(), [], 0
    while len(run) - start > TEXT_PIECE_CHARS:
        window = run[start: start + TEXT_PIECE_CHARS]
        sentence_end = window.rfind(". ")
        cut = sentence_end + 1 if sentence_end > 0 else window.rfind(" ")  # after a sentence, else after a word
        if cut <= 0:  # no space at all (base64 data, a minified script): nothing to break
            break
        pieces.append(run[start: start + cut + 1])
        start += cut + 1
    return "<br>".join(pieces + [run[start:]])


# huge_tree: no limit of 256 levels of nesting and 10 MB per text node, past which libxml2 drops the rest.
HTML_PARSER = lxml_html.HTMLParser(encoding="utf-8", huge_tree=True)


def parse_html(content: str):
    """Our decoded string as a tree. The parser is told UTF-8: left to guess, lxml reads pages
    without a charset declaration as Latin-1 (titles came out as 'ZoÃ«')."""
    try:
        return lxml_html.document_fromstring(content.encode("utf-8", "replace"), parser=HTML_PARSER)
    except (ValueError, lxml_html.etree.ParserError):
        return None


HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


# Reader comments, marked so by an id, class or schema.org type ("commentary" is an article genre).
COMMENT_MARKER = re.compile(r"comment(?!ary|s-(?:open|closed))|kommentar|komentarz|comentario|disqus|talkback|"
                            r"\b(?:repl(?:y|ies)|respond|discussion|UserComments)\b", re.IGNORECASE)
# Text hidden for layout, shown on a click: tabs, accordions, "read more" folds, <details>.
LAYOUT_HIDDEN_MARKER = re.compile(r"\btab(?!le)|accordion|collaps|toggle|expand|spoiler|read-?more|show-?more|"
                                  r"\bfold|disclosure", re.IGNORECASE)
# Cookie and privacy dialogs: their hidden panels are long prose about data processing, never the article.
CONSENT_MARKER = re.compile(r"cookie|consent|gdpr|dsgvo|privacy|datenschutz|onetrust|usercentrics", re.IGNORECASE)


def without_hidden(tree, decisions: list[str]) -> str | None:
    """The page without elements readers never see (display:none, hidden), or None when
    nothing changed. The tree is changed in place.

    Pages hide schema.org copies of the headline, dates and image URLs in such blocks, and trafilatura
    keeps them as text. Hidden running prose is not dropped: hidden for layout (a tab, an accordion) it is
    shown, else left for trafilatura to judge; each such decision goes to `decisions`.
    """
    hidden = [el for el in tree.xpath("//body//*[@style or @hidden]")
              if el.get("hidden") is not None or HIDDEN_STYLE.search(el.get("style") or "")]
    hidden = [el for el in hidden if el.text_content().strip()] if enabled("hidden") else []
    changed = [_settle_hidden(el, decisions) for el in hidden]
    return lxml_html.tostring(tree, encoding="unicode") if any(changed) else None


def _settle_hidden(el, decisions: list[str]) -> bool:
    """Drop a hidden element, reveal it, or leave it; whether the tree changed."""
    text = " ".join(el.text_content().split())
    if not running_prose(text) or in_comments(el) or _in_consent_dialog(el) or _shown_elsewhere(el, text):
        el.drop_tree()
        return True
    if _hidden_for_layout(el):
        el.attrib.pop("hidden", None)
        el.attrib.pop("aria-hidden", None)
        el.set("style", HIDDEN_STYLE.sub("", el.get("style") or ""))
        decisions.append(f"hidden: revealed {word_count(text)} words of prose in a tab or fold {_describe(el)}")
        return True
    decisions.append(f"hidden: kept {word_count(text)} words of prose in {_describe(el)}")
    return False


def _marker_text(el) -> str:
    return " ".join(el.get(a) or "" for a in ("id", "class", "itemtype", "itemprop", "role"))


def in_comments(el, stop=None) -> bool:
    """The element is, holds or sits inside a block of reader comments. With `stop`, only the ancestors
    below the first one it shares with `stop` count (the article's own wrappers are not the comments')."""
    outer = [a for a in el.iterancestors() if a.tag not in ("body", "html")]
    if stop is not None:
        shared = set(stop.iterancestors())
        outer = [a for a in outer if a not in shared]
    return any(isinstance(e.tag, str) and COMMENT_MARKER.search(_marker_text(e)) for e in (*outer, *el.iter()))


def _in_consent_dialog(el) -> bool:
    return any(CONSENT_MARKER.search(_marker_text(e)) for e in (el, *el.iterancestors()))


def _shown_elsewhere(el, text: str) -> bool:
    """A hidden copy of text the page also has outside the element (a print or mobile copy of the story)."""
    probe = text[len(text) // 2: len(text) // 2 + 80]
    body = next((a for a in el.iterancestors() if a.tag == "body"), None)
    return body is not None and " ".join(body.text_content().split()).count(probe) > text.count(probe)


def _hidden_for_layout(el) -> bool:
    return el.tag == "details" or any(LAYOUT_HIDDEN_MARKER.search(_marker_text(e))
                                      for e in (el, *list(el.iterancestors())[:2]))


def _describe(el) -> str:
    marks = " ".join(f'{a}="{el.get(a)}"' for a in ("id", "class") if el.get(a))
    return f"<{el.tag}{' ' + marks if marks else ''}>"


SPLIT_BODY_MIN_WORDS = 60   # a continuation holds article prose, not a disclaimer or a promo line
SPLIT_BODY_MAX_GAP_WORDS = 40  # what may stand between two parts: an ad slot, "Advertisement"


def with_split_body(tree, text: str, decisions: list[str]) -> str:
    """Add the parts of an article body that ad rows split into repeated containers.

    Sites break long bodies into several copies of one container (same tag and class)
    with ad rows between them; trafilatura keeps the part it scored best. Parts are
    only taken from siblings of the body (or of its ancestors) separated by low-text
    elements and never from reader comments, so teasers and comments stay out.
    """
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    body = _body_container(tree, [line for line in lines if word_count(line) >= 8])
    if body is None:
        return text
    have = _token_key(text)
    before: list[str] = []
    after: list[str] = []
    for direction, part in _continuations(body):
        if in_comments(part, stop=body):  # reader comments styled like the body are not its continuation
            decisions.append(f"split_body: left out {_describe(part)}, it is or holds reader comments")
            continue
        paragraphs = [" ".join(p.text_content().split()) for p in part.iter("p")]
        paragraphs = [p for p in paragraphs if p and _token_key(p) not in have]
        if sum(word_count(p) for p in paragraphs) >= SPLIT_BODY_MIN_WORDS:
            (after if direction == "next" else before).extend(paragraphs)
    return "\n".join(before + lines + after) if before or after else text


LEAD_MIN_WORDS = 12    # a lead is a sentence or two of the story, not a kicker or a dateline
LEAD_MAX_WORDS = 150
LEAD_SKIP = {"nav", "aside", "footer", "form", "figure", "figcaption", "button", "script", "style"}
# What a lead block never holds (a picture's caption, an embedded player, a form) or is marked as.
LEAD_NOT_INSIDE = {"script", "style", "noscript", "iframe", "img", "picture", "video", "figure", "figcaption",
                   "button", "form", "input", "ul", "ol", "table"}
NOT_LEAD_MARKER = re.compile(r"caption|credit|photo|image|\bimg|media|gallery|video|player|promo|social|share|"
                             r"newsletter|subscri|advert|\bads?\b|sponsor|related|byline|author|date|time",
                             re.IGNORECASE)


def with_lead(tree, text: str, title: str | None, decisions: list[str]) -> str:
    """The lead paragraph that sits with the headline in a header box outside the body container.

    Pages put the headline and a lead (standfirst, teaser) in one box and the body in another; when the
    extractor picks the body container, both stay out. The headline is the title column; the lead is the
    story's first paragraph and is put back: up to two paragraphs of sentences right after the headline, when
    the headline itself is not in the extracted text (else the extractor read the header box and chose).
    """
    headline = _headline(tree, title)
    if headline is None:
        return text
    have = _token_key(text)
    if not have or _token_key(headline.text_content()) in have:
        return text
    lead = []
    for paragraph in _after_headline(headline):
        key = _token_key(paragraph)
        if not key:
            continue
        if key in have:  # the body starts: nothing between headline and body is missing
            break
        if LEAD_MIN_WORDS <= word_count(paragraph) <= LEAD_MAX_WORDS and SENTENCE_END.search(paragraph):
            lead.append(paragraph)
    if not lead:
        return text
    decisions.append(f"lead: added {sum(word_count(p) for p in lead[:2])} words after the headline, outside the body")
    return "\n".join(lead[:2] + [text])


def _headline(tree, title: str | None):
    """The page's <h1> that is its title, or its only <h1>."""
    h1s = [h for h in tree.iter("h1") if h.text_content().strip()]
    if title:
        matching = [h for h in h1s if repeats_title(" ".join(h.text_content().split()), title)]
        if matching:
            return matching[0]
    return h1s[0] if len(h1s) == 1 else None


def _after_headline(headline, levels: int = 2, elements: int = 3) -> Iterator[str]:
    """The paragraphs of the first few elements after the headline: its siblings, else its parent's."""
    node = headline
    for _ in range(levels):
        siblings = [s for s in node.itersiblings() if isinstance(s.tag, str)][:elements]
        if any(s.tag not in LEAD_SKIP for s in siblings):
            for sibling in siblings:
                if sibling.tag in LEAD_SKIP or in_comments(sibling) or _link_text_share(sibling) > 0.5:
                    continue
                blocks = [sibling] if sibling.tag == "p" else list(sibling.iter("p")) or [sibling]
                for block in blocks:
                    if _lead_block(block, sibling):
                        yield " ".join(block.text_content().split())
            return
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            return


def _lead_block(block, sibling) -> bool:
    """A block of the story's own prose: no picture, player, form or list in it, not in a caption, promo or
    byline box (`block` itself up to `sibling`, the element after the headline it lies in)."""
    chain = [block]
    while chain[-1] is not sibling and chain[-1].getparent() is not None:
        chain.append(chain[-1].getparent())
    return (not any(el.tag in LEAD_NOT_INSIDE for el in block.iter() if isinstance(el.tag, str))
            and not any(el.tag in LEAD_SKIP or NOT_LEAD_MARKER.search(_marker_text(el)) for el in chain))


def _link_text_share(el) -> float:
    text = len(el.text_content())
    return sum(len(a.text_content()) for a in el.iter("a")) / text if text else 0.0


def _token_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _body_container(tree, paragraphs: list[str]):
    """The nearest classed ancestor shared by most of the extracted paragraphs."""
    wanted = set(paragraphs[:10] + paragraphs[-5:])
    found = []
    for p in tree.iter("p"):
        if " ".join(p.text_content().split()) in wanted:
            anc = next((a for a in p.iterancestors() if a.get("class")), None)
            if anc is not None and anc.tag not in ("body", "html"):
                found.append(anc)
    return max(set(found), key=found.count) if found else None


def _continuations(body, levels: int = 4) -> list[tuple[str, object]]:
    """(direction, element) for containers like `body` beside it or beside one of its ancestors."""
    node = body
    for _ in range(levels):
        found = [(direction, part) for direction in ("next", "prev") for part in _similar_siblings(node, body, direction)]
        if found:
            return found
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            break
    return []


def _similar_siblings(node, body, direction: str):
    signature = lambda el: (el.tag, el.get("class"))
    sibling = node.getnext() if direction == "next" else node.getprevious()
    while sibling is not None:
        if isinstance(sibling.tag, str):
            if signature(sibling) == signature(node):
                parts = [sibling] if node is body else [d for d in sibling.iter(body.tag) if signature(d) == signature(body)]
                if not parts:
                    return
                yield from parts
            elif more_words_than(sibling, SPLIT_BODY_MAX_GAP_WORDS):
                return
        sibling = sibling.getnext() if direction == "next" else sibling.getprevious()


def is_own_address(line: str, url: str | None) -> bool:
    """The page's own address printed as a line (a permalink box, a print header), not a link it cites."""
    return bool(url) and line.strip().rstrip("/").split("?")[0] == url.rstrip("/").split("?")[0]


def repeats_title(line: str, title: str | None) -> bool:
    """A line that is the headline again: nearly all its words are the title's, and most of the title's."""
    if not title:
        return False
    words, title_words = set(_token_key(line).split()), set(_token_key(title).split())
    shared = len(words & title_words)
    return 0 < len(words) <= 40 and shared >= 0.8 * len(words) and shared >= 0.5 * len(title_words)


TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·»]\s+")


def clean_title(title: str | None, site: str | None) -> str | None:
    """'Harbor festival opens | Coast Daily' -> 'Harbor festival opens' when the suffix is the site."""
    if not title:
        return None
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) > 1 and site and parts[-1].strip().casefold() in (site.casefold(), site.casefold().removeprefix("www.")):
        return TITLE_SEPARATORS.split(title, maxsplit=len(parts) - 2)[0] if len(parts) > 2 else parts[0]
    return title


def clean_author(author: str | None) -> str | None:
    """Bylines carry dates and roles: keep the name parts ('By Ines Marlow; November 3' -> 'Ines Marlow')."""
    if not author:
        return None
    names = []
    for part in re.split(r"\s*[;|]\s*", author):
        part = re.sub(r"^(?:by|von|par|por)\s+", "", part.strip(), flags=re.I)
        if part and not re.search(r"\d", part):  # dates and times carry digits; names do not
            names.append(part)
    return "; ".join(names) or None



def html_metadata(tree) -> dict[str, str]:
    """Title, author, canonical URL, site name and publication date from the page head and byline."""
    if isinstance(tree, str):
        tree = parse_html(tree)
        if tree is None:
            return {}
    meta: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if not key or not value:
            continue
        if key in PUBLISHED_META and (iso := iso_date(value)):
            meta.setdefault("published_date", iso)
        elif key in ("og:site_name", "application-name"):
            meta.setdefault("site", value)
        elif key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"):
            if not value.startswith("http"):
                meta.setdefault("author", value)
        elif key in ("og:title", "twitter:title", "dc.title"):
            meta.setdefault("title", value)
        elif key == "og:url":
            meta.setdefault("url", value)
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href", "").startswith("http"):
            meta["url"] = link.get("href")
    for key, value in json_ld(tree).items():
        meta.setdefault(key, value)
    if "title" not in meta:
        title = tree.findtext(".//title")
        if title and title.strip():
            meta["title"] = title.strip()
    if "author" not in meta and (byline := byline_author(tree)):
        meta["author"] = byline
    return {k: normalize(v) for k, v in meta.items()}


# One pass over the tree: a union of five paths walked it five times (a tenth of our time on a page).
BYLINE_XPATH = ('//*[@itemprop="author" or @rel="author" or contains(@class, "byline")'
                ' or contains(@class, "author") and not(self::body)]')


def byline_author(tree) -> str | None:
    """The first short byline-like element ('By Ines Marlow | November 3, 2025')."""
    for el in tree.xpath(BYLINE_XPATH)[:10]:
        text = " ".join(el.text_content().split())
        if 3 <= len(text) <= 80:
            return text
    return None


def json_ld(tree) -> dict[str, str]:
    found: dict[str, str] = {}
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except json.JSONDecodeError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]):
            if not isinstance(item, dict):
                continue
            if (iso := iso_date(str(item.get("datePublished", "")))):
                found.setdefault("published_date", iso)
            if isinstance(item.get("headline"), str):
                found.setdefault("title", item["headline"])
            author = item.get("author")
            author = author[0] if isinstance(author, list) and author else author
            name = author.get("name") if isinstance(author, dict) else author
            if isinstance(name, str) and name:
                found.setdefault("author", name)
            publisher = item.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                found.setdefault("site", publisher["name"])
    return found


def iso_date(value: str) -> str | None:
    """'2025-11-20T09:00:00Z' -> '2025-11-20'; impossible dates ('2025-13-45') -> None."""
    m = DATE_VALUE.match(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def detect_language(text: str) -> str:
    lang, _ = py3langid.classify(text[:5000])
    return lang


def clean_document(content: str, content_type: str, source_uri: str | None) -> Cleaned:
    if content_type == "text/html":
        return clean_html(content, source_uri)
    return clean_plain_text(content)


# Cleaning adds everything of the contract but the cluster and first sighting (joined in later).
CLEANED_SCHEMA = {c: t for c, t in polars_schema("cleaned_documents").items() if c not in ("cluster_id", "first_seen_at")}
REJECTED_SCHEMA = {"doc_id": pl.String, "reason": pl.String, "detail": pl.String}


def with_source_url(doc: Cleaned, source_uri: str | None) -> Cleaned:
    """A page fetched or exported with its URL has that URL and host even without metadata."""
    if doc.url or not source_uri or not source_uri.startswith(("http://", "https://")):
        return doc
    return replace(doc, url=source_uri, site=doc.site or urlparse(source_uri).hostname)


CHUNK = 4  # pages per worker task: a few tenths of a second of trafilatura, so two workers stay balanced


def clean_documents(raw_documents: pl.DataFrame, progress: Callable[[int, int], None] | None = None,
                    processes: int | None = None, signatures: bool = False,
                    timeout_s: float = DEFAULT_DOCUMENT_TIMEOUT_S) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(cleaned documents, rejected doc_ids with reason no_main_content/parse_error/timeout/stage_error).

    Large batches are cleaned on every core, in the shared worker pool: trafilatura is single-threaded CPU work.
    signatures: also compute each cleaned text's MinHash signature (a `signature` column) where the text is made,
    so the parent does not compute them one by one afterwards.
    timeout_s: the time one document may take (0: unlimited); past it, the document is rejected as `timeout`.
    """
    rows = raw_documents.select("doc_id", "content", "content_type", "source_uri")
    total = raw_documents.height
    n_workers = workers.processes_for(total, processes)
    tasks = ((chunk, signatures, timeout_s) for chunk in workers.frame_chunks(rows, CHUNK))
    if n_workers > 1:
        results = workers.ordered_map(
            clean_rows, tasks, processes=n_workers, limit_s=workers.stuck_after(timeout_s, CHUNK),
            on_timeout=lambda task: [timed_out(row[0], "cleaning", timeout_s) for row in task[0]])
    else:
        results = map(clean_rows, tasks)
    cleaned, rejected, done = [], [], 0
    for outcomes in results:
        for kind, outcome in outcomes:
            (cleaned if kind == "ok" else rejected).append(outcome)
        done += len(outcomes)
        if progress is not None and outcomes:
            progress(done, total)
    schema = CLEANED_SCHEMA | ({"signature": pl.Binary} if signatures else {})
    return pl.DataFrame(cleaned, schema=schema), pl.DataFrame(rejected, schema=REJECTED_SCHEMA)


def clean_rows(task: tuple[list[tuple], bool, float]) -> list[tuple[str, dict]]:
    """clean_row over a chunk of rows (one worker task), with MinHash signatures of the cleaned texts if asked."""
    chunk, signatures, timeout_s = task
    outcomes = [clean_row(row, timeout_s) for row in chunk]
    if signatures:
        from pipeline.near_duplicates import signature, to_bytes
        for kind, outcome in outcomes:
            if kind == "ok":
                outcome["signature"] = to_bytes(signature(outcome["text"]))
    return outcomes


def clean_row(row: tuple, timeout_s: float = DEFAULT_DOCUMENT_TIMEOUT_S) -> tuple[str, dict]:
    """One raw document to ('ok', cleaned row) or ('rejected', reason row); never raises, never runs past
    timeout_s."""
    doc_id, content, content_type, source_uri = row
    try:
        with workers.time_limit(timeout_s, "cleaning"):
            return _clean_row(doc_id, content, content_type, source_uri)
    except workers.DocumentTimeout as exc:
        return "rejected", {"doc_id": doc_id, "reason": "timeout", "detail": str(exc)}
    except Exception as exc:  # noqa: BLE001  one bad page never stops the batch
        return "rejected", {"doc_id": doc_id, "reason": "stage_error", "detail": stage_error("cleaning", exc)}


def timed_out(doc_id: str, stage: str, timeout_s: float) -> tuple[str, dict]:
    """The rejection of a document whose worker stopped answering and was replaced."""
    return "rejected", {"doc_id": doc_id, "reason": "timeout",
                        "detail": f"{stage}: its worker stopped responding past the {timeout_s:g}-second limit per "
                                  "document and was replaced (WEBFACTS_DOCUMENT_TIMEOUT_S)"}


def _clean_row(doc_id: str, content: str, content_type: str, source_uri: str | None) -> tuple[str, dict]:
    try:
        doc = clean_document(content, content_type, source_uri)
    except Exception as exc:  # noqa: BLE001  the HTML itself is beyond the cleaners
        return "rejected", {"doc_id": doc_id, "reason": "parse_error", "detail": f"{type(exc).__name__}: {exc}"}
    doc = with_source_url(doc, source_uri)
    n_words = word_count(doc.text)
    if n_words < MIN_WORDS:
        return "rejected", {"doc_id": doc_id, "reason": "no_main_content",
                            "detail": f"{n_words} words of article text after cleaning (need {MIN_WORDS})"}
    return "ok", {
        "doc_id": doc_id, "url": doc.url, "site": doc.site, "title": doc.title, "author": doc.author,
        "published_date": doc.published_date, "language": detect_language(doc.text), "text": doc.text,
        "word_count": n_words,
    }
