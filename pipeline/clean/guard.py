"""The content-loss guard: every post-rule is checked against what it removes, and rules can be switched off
by name (the evaluation measures each rule that way)."""
from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Callable, Iterator

from pipeline.clean.text import SENTENCE_END, word_count

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
