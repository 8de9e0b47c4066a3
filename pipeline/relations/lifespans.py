"""Birth dates from a life span in parentheses after a person's name."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from pipeline.dates import normalize_date
from pipeline.nlp import doc_text
from pipeline.registry import Predicate
from pipeline.relations.resolver import Resolver
from pipeline.relations.values import CONFIDENCE, Extraction, Value

# "( )", "( 椎崎二郎 )": parentheses without a date may stand between a name and its life span.
NO_DATE_PARENTHESES = re.compile(r"\s*(?:\([^()\d]*\)\s*)*")
# "(11 February 1916 – 14 October 1993)", "(born 29 April 1936)", "(born 6 October 1974 in Buenos Aires)".
LIFE_SPAN = re.compile(r"\(\s*(?P<born>(?:born|b\.)\s+)?(?P<date>[^()–—;]+?)\s*(?:(?P<dash>[–—]|-(?=\s))[^()]*)?\)")


def lifespan_extractions(doc: Doc, pred: Predicate, resolver: Resolver, sent_i: int,
                         sent: Span) -> list[Extraction]:
    """A person's name followed by a life span in parentheses: the first date is the birth date. A lone
    date ('Name (1999)') may be anything, so 'born' or a dash to a second date is required."""
    out = []
    for m in resolver.mentions:
        if m.type != "PERSON" or not sent.start_char <= m.start_char < sent.end_char:
            continue
        rest = doc_text(doc)[m.end_char:sent.end_char]
        span = LIFE_SPAN.match(rest, NO_DATE_PARENTHESES.match(rest).end())
        if span is None or not (span["born"] or span["dash"]):
            continue
        iso = normalize_date(re.split(r"\s+(?:in|at)\s+", span["date"])[0])
        if iso is not None and not resolver.is_author(m.name):
            out.append(Extraction(pred.name, Value(m.name, m.type), Value(iso, "DATE"), sent_i,
                                  f"{pred.name}:lifespan", CONFIDENCE["noun"]))
    return out
