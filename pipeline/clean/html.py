"""HTML pages: trafilatura's text of the page as readers see it, then the post-rules under the content-loss
guard, with a floor of trafilatura's own comments-off text. Pages too large or too deep for one trafilatura
call are read in chunks or from our own parse."""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from urllib.parse import urlparse

import trafilatura
from lxml import html as lxml_html

from pipeline.clean.dom import parse_html, with_embedded_posts, with_lead, with_split_body, without_hidden
from pipeline.clean.guard import ContentGuard, enabled
from pipeline.clean.lines import (CHROME_RULES, drop_calls_to_action, drop_chrome_lines, drop_cross_link_blocks,
                                  is_own_address, repeats_title, strip_tail, without_timestamp_head)
from pipeline.clean.metadata import clean_author, clean_title, html_metadata
from pipeline.clean.text import BROKEN_ENTITY, MIN_WORDS, Cleaned, normalize, word_count

# Every rule by name, for rules_disabled. Page rules change the page before trafilatura reads it.
PAGE_RULES = ("hidden",)
POST_RULES = ("split_body", "embedded_post", "lead", *CHROME_RULES, "cross_link_block", "cross_link", "call_to_action",
              "contact_line", "timestamp_head", "tail_marker", "promo_tail", "author_bio", "trailing_fragment",
              "own_address", "title_line")


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


# trafilatura's time grows faster than the page: past this size, one call on a page of paragraphs can run past
# the per-document time limit and lose the page (timings in bench/README.md, "Scale of the input").
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
        # A string, not our tree: trafilatura's own loader cleans differently, and scores better (bench/README.md).
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
    if page.tree is not None and enabled("embedded_post"):
        text = with_embedded_posts(page.tree, text, decisions)
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
    lines = guard.apply("timestamp_head", without_timestamp_head, lines)
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
