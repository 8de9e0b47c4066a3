"""The prose of a page, for the NLP stages: registries, tables, lists, code and navigation dumps are not.

A cleaned page can still be mostly non-prose: one IANA registry page held 22,850 words of table rows and gave
three quarters of a crawl's entities, all junk, while parsing at a tenth of a page per second. Such lines are
blanked (replaced by spaces of the same length), so every character offset into the text stays true and the
parser sees only sentences. A headline is one short line among prose and stays; what goes is a long run of
short, verb-less lines, or lines cut into cells by separators.
"""
from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SEPARATORS = re.compile(r"\s[|•·»›]\s|\t")
# A row of a Markdown table of two or more cells, "| Processing Time | The number of days ... |": its cells are
# labels and definitions, not sentences, however long (one "|" inside is one separator only). A line boxed in
# "|" with no cell break is a pull quote and may be prose, and so is a whole article in one cell: a row opens
# with a short label.
TABLE_ROW = re.compile(r"^\s*\|[^|]{1,60}\s\|\s.*\|\s*$")
# Function words that running English text cannot do without and tables rarely use.
FUNCTION_WORDS = {"the", "a", "an", "of", "to", "in", "and", "is", "was", "for", "on", "that", "with", "as", "it",
                  "he", "she", "they", "at", "by", "be", "has", "have", "had", "are", "were", "said", "from",
                  "his", "her", "their", "but", "not", "this", "which", "who", "will", "would", "its", "we", "i"}
LIST_RUN = 5            # consecutive non-prose lines from which a block is a list, a table or a menu
MIN_PROSE_WORDS = 8
# Past this a page is parsed only in part (its text is kept whole): parse time grows with length, and a page must
# not take a worker more than about a second (bench/README.md, "Entities on web pages"). News articles are shorter.
MAX_PARSED_CHARS = 30_000


def is_prose_line(line: str) -> bool:
    words = WORD.findall(line)
    if len(words) < MIN_PROSE_WORDS or len(SEPARATORS.findall(line)) >= 2 or TABLE_ROW.match(line):
        return False
    function = sum(w.lower() in FUNCTION_WORDS for w in words)
    return function / len(words) >= 0.15 or line.rstrip().endswith((".", "!", "?", '."', ".”"))


def prose_text(text: str) -> str:
    """The text with every line of a long non-prose run blanked, and cut at MAX_PARSED_CHARS; same length
    (up to the cut), same offsets."""
    lines = text[:MAX_PARSED_CHARS].split("\n")
    prose = [is_prose_line(line) or not line.strip() for line in lines]
    keep = list(prose)
    i = 0
    while i < len(lines):
        if prose[i] and lines[i].strip():
            i += 1
            continue
        j = i
        while j < len(lines) and (not prose[j] or not lines[j].strip()):
            j += 1
        run = [k for k in range(i, j) if lines[k].strip()]
        short = len(run) < LIST_RUN
        for k in run:
            keep[k] = short and not SEPARATORS.search(lines[k])
        i = j
    return "\n".join(line if k else " " * len(line) for line, k in zip(lines, keep))

