"""pipeline/clean/text.py: normalisation and word counts."""
from pipeline.clean.html import clean_html
from pipeline.clean.text import more_words_than, normalize, word_count
from tests.pipeline.clean.pages import ARTICLE, page


def test_broken_entity_is_repaired():
    assert normalize("Mr. Morale &; The Big Steppers") == "Mr. Morale & The Big Steppers"
    html = page(f"<article><p>Mr. Morale &; The Big Steppers is an album. {ARTICLE}</p></article>")
    assert "Mr. Morale & The Big Steppers" in clean_html(html).text


def test_more_words_than_counts_words_split_by_tags_once():
    from lxml import html as lxml_html
    for markup in ("<div>foo<b>bar</b> baz</div>", "<div><p>one two</p><p>three</p>, four-five</div>",
                   "<div>a<!-- not text --><i>b</i>c d</div>", "<div>...<b>!</b> x</div>"):
        element = lxml_html.fromstring(markup)
        words = word_count(element.text_content())
        assert more_words_than(element, words - 1) and not more_words_than(element, words), markup
