"""DOM surgery on our parse of a page: what readers never see (hidden elements, unless hidden for layout),
and the parts of an article the extractor leaves out (bodies split by ad rows, embedded posts, the lead in the
headline box)."""
from __future__ import annotations

import re
from typing import Iterator

from lxml import html as lxml_html

from pipeline.clean.guard import enabled, running_prose
from pipeline.clean.lines import repeats_title
from pipeline.clean.patterns import DATELINE
from pipeline.clean.text import SENTENCE_END, more_words_than, token_key, word_count

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
    have = token_key(text)
    before: list[str] = []
    after: list[str] = []
    for direction, part in _continuations(body):
        if in_comments(part, stop=body):  # reader comments styled like the body are not its continuation
            decisions.append(f"split_body: left out {_describe(part)}, it is or holds reader comments")
            continue
        paragraphs = [" ".join(p.text_content().split()) for p in part.iter("p")]
        paragraphs = [p for p in paragraphs if p and token_key(p) not in have]
        if sum(word_count(p) for p in paragraphs) >= SPLIT_BODY_MIN_WORDS:
            (after if direction == "next" else before).extend(paragraphs)
    return "\n".join(before + lines + after) if before or after else text


# The embed code of a post on a social network: a blockquote the network's script turns into a card. Extractors
# drop it with the share buttons (an "embed" box), but an article quotes a post as it quotes a speaker.
EMBEDDED_POST_CLASS = re.compile(r"\btwitter-(?:tweet|video)\b")
_LINE_BREAKING = {"p", "div", "br", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}


def with_embedded_posts(tree, text: str, decisions: list[str]) -> str:
    """Put back the posts an article embeds (tweets), each after the paragraph it follows in the page.

    Only posts inside the body container (the nearest classed ancestor of most extracted paragraphs), never
    in reader comments, and only their lines the text does not already have.
    """
    lines = text.split("\n")
    body = _body_container(tree, [ln for ln in (" ".join(x.split()) for x in lines) if word_count(ln) >= 8])
    if body is None:
        return text
    posts = [bq for bq in body.iter("blockquote") if EMBEDDED_POST_CLASS.search(bq.get("class") or "")
             and not in_comments(bq, stop=body)]
    if not posts:
        return text
    have = token_key(text)
    line_at = {}
    for i, line in enumerate(lines):
        line_at.setdefault(token_key(line), i)
    order = {el: i for i, el in enumerate(body.iter())}
    blocks = [el for el in body.iter("p", "h2", "h3", "h4", "li") if token_key(el.text_content()) in line_at]
    after: dict[int, list[str]] = {}
    added = 0
    for post in posts:
        post_lines = [ln for ln in _lines_of(post) if token_key(ln) and token_key(ln) not in have]
        outer = set(post.iterancestors())
        before = [el for el in blocks if order[el] < order[post] and el not in outer]
        if post_lines and before:
            after.setdefault(line_at[token_key(before[-1].text_content())], []).extend(post_lines)
            added += 1
    if not added:
        return text
    words = sum(word_count(ln) for chunk in after.values() for ln in chunk)
    decisions.append(f"embedded_post: put back {words} words of {added} embedded post{'s' * (added > 1)}")
    return "\n".join(ln for i, line in enumerate(lines) for ln in (line, *after.get(i, ())))


def _lines_of(el) -> list[str]:
    """An element's text as the lines a reader sees: a break at every <br> and block element."""
    parts: list[str] = []

    def walk(node) -> None:
        breaks = isinstance(node.tag, str) and node.tag in _LINE_BREAKING
        parts.append("\n" if breaks else "")
        parts.append(node.text or "" if isinstance(node.tag, str) else "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")
        parts.append("\n" if breaks else "")

    walk(el)
    return [" ".join(line.split()) for line in "".join(parts).split("\n") if line.strip()]


LEAD_MIN_WORDS = 12    # a lead is a sentence or two of the story, not a kicker or a dateline
LEAD_MAX_WORDS = 150
LEAD_SKIP = {"nav", "aside", "footer", "form", "figure", "figcaption", "button", "script", "style"}
# What a lead block never holds (a picture's caption, an embedded player, a form) or is marked as.
LEAD_NOT_INSIDE = {"script", "style", "noscript", "iframe", "img", "picture", "video", "figure", "figcaption",
                   "button", "form", "input", "ul", "ol", "table"}
NOT_LEAD_MARKER = re.compile(r"caption|credit|photo|image|\bimg|media|gallery|video|player|promo|social|share|"
                             r"newsletter|subscri|advert|\bads?\b|sponsor|related|byline|author|date|time",
                             re.IGNORECASE)
# A subheadline (dek, standfirst, strapline, subtitle) is a second line of the headline display, written to sell
# the story, not its first paragraph. Read in marker words split at case changes: "articleDek", "p-dek".
SUBHEADLINE_MARKER = re.compile(r"\b(?:dek|standfirst|strap ?line|sub ?(?:title|head(?:line|er|ing)?))\b")


def with_lead(tree, text: str, title: str | None, decisions: list[str]) -> str:
    """The lead paragraph that sits with the headline in a header box outside the body container.

    Pages put the headline and a lead (teaser, intro) in one box and the body in another; when the
    extractor picks the body container, both stay out. The headline is the title column; the lead is the
    story's first paragraph and is put back: up to two paragraphs of sentences right after the headline, when
    the headline itself is not in the extracted text (else the extractor read the header box and chose).
    Not a subheadline (dek, standfirst: marked so), and not when the body opens with a dateline ("VIENNA — "):
    the story's first paragraph is then in the body, and what stands above it is headline display.
    """
    headline = _headline(tree, title)
    if headline is None:
        return text
    have = token_key(text)
    if not have or token_key(headline.text_content()) in have:
        return text
    lead = []
    for paragraph in _after_headline(headline):
        key = token_key(paragraph)
        if not key:
            continue
        if key in have:  # the body starts: nothing between headline and body is missing
            break
        if LEAD_MIN_WORDS <= word_count(paragraph) <= LEAD_MAX_WORDS and SENTENCE_END.search(paragraph):
            lead.append(paragraph)
    if not lead:
        return text
    if dateline := _opening_dateline(text):
        decisions.append(f"lead: skipped, the body opens with a dateline ({dateline}): the story starts there")
        return text
    decisions.append(f"lead: added {sum(word_count(p) for p in lead[:2])} words after the headline, outside the body")
    return "\n".join(lead[:2] + [text])


def _opening_dateline(text: str) -> str | None:
    """The dateline the extracted body opens with, on its first line or standing alone above it."""
    for line in [line.strip() for line in text.splitlines() if line.strip()][:2]:
        if match := DATELINE.match(line):
            return match.group().strip(" —–-:")
    return None


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
            and not any(el.tag in LEAD_SKIP or NOT_LEAD_MARKER.search(_marker_text(el))
                        or SUBHEADLINE_MARKER.search(_marker_words(el)) for el in chain))


def _marker_words(el) -> str:
    """An element's marker text as lower-case words: 'articleDek p-dek' -> 'article dek p dek'."""
    return re.sub(r"[\W_]+", " ", re.sub(r"([a-z])([A-Z])", r"\1 \2", _marker_text(el))).lower()


def _link_text_share(el) -> float:
    text = len(el.text_content())
    return sum(len(a.text_content()) for a in el.iter("a")) / text if text else 0.0


def _body_container(tree, paragraphs: list[str]):
    """The nearest classed ancestor shared by most of the extracted paragraphs (on a tie, the first in the page:
    a set's order follows memory addresses, and the run-to-run choice changed which continuations were joined)."""
    wanted = set(paragraphs[:10] + paragraphs[-5:])
    found = []
    for p in tree.iter("p"):
        if " ".join(p.text_content().split()) in wanted:
            anc = next((a for a in p.iterancestors() if a.get("class")), None)
            if anc is not None and anc.tag not in ("body", "html"):
                found.append(anc)
    return max(dict.fromkeys(found), key=found.count) if found else None


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
