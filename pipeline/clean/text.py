"""Text as every cleaner sees it: normalised paragraphs, word counts, and the Cleaned result."""
from __future__ import annotations

import html as html_lib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MIN_WORDS = 15

# A bare "&;" or an "&" before whitespace is a broken entity for a literal ampersand.
BROKEN_ENTITY = re.compile(r"&(?:amp)?;")
SENTENCE_END = re.compile(r"[.!?…:;\"”’')\]。！？」』）]$")


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


def token_key(text: str) -> str:
    """Lower-case words joined by single spaces: a key for asking whether one text holds another."""
    return " ".join(re.findall(r"\w+", text.lower()))
