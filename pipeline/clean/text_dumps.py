"""Plain-text dumps (no HTML, nothing for trafilatura to read): our own head and tail trimming and line rules."""
from __future__ import annotations

from pipeline.clean.guard import ContentGuard
from pipeline.clean.lines import drop_calls_to_action, drop_chrome_lines, is_chrome_line, strip_tail
from pipeline.clean.text import SENTENCE_END, Cleaned, normalize, word_count

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
