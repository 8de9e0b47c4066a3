"""KnowledgeNet (Diffbot, EMNLP 2019) passages and facts, from the human-readable HTML table in ../shared.

Dataset (read-only): /work/shared/datasets/knowledgenet (see its README.md). Each table row is one fact of a
passage (fold, document, passage offsets, subject and object offsets, property, the passage with the two spans
marked), or, with "-" offsets, a property the passage was annotated for without any fact. So a passage's
annotated properties are those of all its rows, and its facts those of the rows with offsets.

Folds 1-3 may train (bench/train_relations.py); fold 4 is the development evaluation (bench/eval_knowledgenet.py).
"""
from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from locations import DATASETS  # noqa: E402  (bench/ is on sys.path: run as bench/<script>.py)

DATA = DATASETS / "knowledgenet" / "human_readable-v10-notest.zip"
# KnowledgeNet property -> Wikidata id (the dataset README's list, in the table's own property names).
PROPERTIES = {
    "DATE_OF_BIRTH": "P569", "DATE_OF_DEATH": "P570", "PLACE_OF_RESIDENCE": "P551", "PLACE_OF_BIRTH": "P19",
    "NATIONALITY": "P27", "EMPLOYEE_OR_MEMBER_OF": "P108", "EDUCATED_AT": "P69", "POLITICAL_AFFILIATION": "P102",
    "CHILD_OF": "P40", "SPOUSE": "P26", "DATE_FOUNDED": "P571", "HEADQUARTERS": "P159", "SUBSIDIARY_OF": "P749",
    "FOUNDED_BY": "P112", "CEO": "P169",
}
ROW = re.compile(r"<tr><td.*?</tr>", re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
PASSAGE = re.compile(r"\s*<p>\s?(.*)</p>\s*$", re.S)
ENTITY = re.compile(r'href="http://www\.wikidata\.org/entity/(Q\d+)"')
# Properties KnowledgeNet states the other way round from the Wikidata property they map to: its CHILD_OF row
# has the child as subject ("Eliza Carthy" CHILD_OF "Norma Waterson"), Wikidata's P40 the parent.
INVERSE_OF_WIKIDATA = {"CHILD_OF"}


@dataclass
class Fact:
    wikidata: str
    subject: set[str]          # span texts and the entity id, when linked: rows of one fact differ in span
    object: set[str]
    subject_span: tuple[int, int]
    object_span: tuple[int, int]


@dataclass
class Passage:
    fold: int
    doc: str
    start: int
    text: str
    annotated: set[str] = field(default_factory=set)   # Wikidata ids the passage was annotated for
    facts: list[Fact] = field(default_factory=list)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _span(inner: str, role: str) -> tuple[str, str | None]:
    m = re.search(rf'<span id="{role}">(.*?)</span>', inner, re.S)
    uri = ENTITY.search(m.group(1)) if m else None
    return (_text(m.group(1)) if m else ""), (uri.group(1) if uri else None)


def load_passages(folds: set[int], path: Path = DATA) -> list[Passage]:
    """The passages of the given folds, in table order, with their facts merged: rows of one fact that mark
    another mention of the same linked entity ("JS Food Plan", "JS") become one fact with both names."""
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith(".html") and not n.startswith("__MACOSX"))
        page = z.read(name).decode("utf-8")
    passages: dict[tuple[str, int], Passage] = {}
    for row in ROW.findall(page):
        cells = [c.strip() for c in CELL.findall(row)]
        fold = int(cells[0])
        if fold not in folds:
            continue
        doc, p_start, prop = cells[1], int(cells[2]), cells[8]
        inner = PASSAGE.match(cells[9]).group(1)
        passage = passages.setdefault((doc, p_start), Passage(fold, doc, p_start, _text(inner)))
        wikidata = PROPERTIES[prop]
        passage.annotated.add(wikidata)
        if "-" in cells[4:8]:
            continue
        s_start, s_end, o_start, o_end = (int(c) - p_start for c in cells[4:8])
        s_text, s_uri = _span(inner, "subject")
        o_text, o_uri = _span(inner, "object")
        if prop in INVERSE_OF_WIKIDATA:  # CHILD_OF (child, parent) is P40 (parent, child)
            s_start, s_end, o_start, o_end = o_start, o_end, s_start, s_end
            (s_text, s_uri), (o_text, o_uri) = (o_text, o_uri), (s_text, s_uri)
        s_key, o_key = s_uri or s_text, o_uri or o_text
        fact = next((f for f in passage.facts if f.wikidata == wikidata and s_key in f.subject and o_key in f.object),
                    None)
        if fact is None:
            passage.facts.append(Fact(wikidata, {s_key, s_text}, {o_key, o_text}, (s_start, s_end), (o_start, o_end)))
        else:
            fact.subject.add(s_text)
            fact.object.add(o_text)
    return list(passages.values())


def text_matches(name: str, vtype: str, gold_texts: set[str]) -> bool:
    """KnowledgeNet's text match: equal after case, whitespace, punctuation and a leading article are
    normalised (bench/eval_facts.normalize_name); a date when the gold text normalises to the same ISO date;
    a country when the gold text is its nationality ("Japanese" is Japan: webfacts names a nationality's
    country, as Wikidata's P27 does, where KnowledgeNet marks the adjective), and a party when the gold text
    is its adjective ("Republican")."""
    from bench.eval_facts import normalize_name
    from pipeline.dates import normalize_date
    from pipeline.gazetteer import nationality, party
    if vtype == "DATE":
        return any(normalize_date(t) == name for t in gold_texts)
    key = normalize_name(name, lenient=True)
    return any(key == normalize_name(t, lenient=True) or vtype == "PLACE" and nationality(t) == name
               or vtype == "ORG" and party(t) == name for t in gold_texts)  # "Republican": the Republican Party
