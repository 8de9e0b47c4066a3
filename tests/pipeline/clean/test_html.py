"""pipeline/clean/html.py: whole pages end to end, the floor, and pages too long, too deep or too large for one
trafilatura call."""
from pipeline.clean.html import HUGE_PAGE_CHARS, clean_html
from pipeline.clean.text import normalize
from tests.pipeline.clean.pages import ARTICLE, page


def test_html_chrome_is_removed_and_article_kept():
    html = page(
        '<nav><a href="/">Home</a> | <a href="/film">Film</a> | <a href="/music">Music</a></nav>'
        '<div class="cookie-banner">We use cookies to improve your experience. Accept all</div>'
        f"<article><h1>Glass</h1><p>{ARTICLE}</p><p>Critics praised the long final scene in the furnace room.</p></article>"
        '<aside><h3>Related articles</h3><ul><li><a href="/x">Another story entirely</a></li></ul></aside>'
        '<section class="comments"><p>Reader42: I loved it!</p></section>'
        "<footer>© 2025 Film Ledger. All rights reserved.</footer>")
    text = clean_html(html).text
    assert "harbor drama" in text and "furnace room" in text
    for junk in ("cookies", "Related articles", "Reader42", "All rights reserved", "Home"):
        assert junk not in text


def test_every_kind_of_page_furniture_is_removed():
    from pathlib import Path
    doc = clean_html((Path(__file__).parent / "coast_daily.html").read_text())
    assert "largest crowd in its twelve-year history" in doc.text and "ran past midnight" in doc.text
    for junk in ("cookies", "Share on", "Photo by", "Subscribe", "Image credit", "comments", "harborfan88",
                 "nightmare", "Related articles", "All rights reserved", "Privacy"):
        assert junk not in doc.text, junk
    assert (doc.title, doc.author, doc.site) == ("Harbor festival opens", "Ines Marlow", "Coast Daily")


def test_a_page_the_rules_leave_empty_gets_trafilaturas_comments_off_text():
    import trafilatura
    short = "The harbor crews bought the glassworks on Friday and will relight the furnace in spring, the union said."
    html = page(f"<article><div hidden><p>{short}</p><p>Every worker keeps a share.</p></div></article>")
    assert normalize(trafilatura.extract(html, include_comments=False)).startswith("The harbor crews")
    doc = clean_html(html)
    assert doc.text.startswith("The harbor crews")
    assert any(d.startswith("floor:") for d in doc.guard)


def test_a_page_of_real_sentences_on_one_line_over_libxml2s_text_limit_is_extracted():
    sentences = "".join(f"The harbor committee met on day {i} to discuss the ferry timetable. " for i in range(150_000))
    assert len(sentences) > 10_000_000
    doc = clean_html(page(f"<article><p>{sentences}</p></article>"))
    assert doc.text.count("The harbor committee met") == 150_000  # before: 0 words, quarantined


def test_a_page_nested_deeper_than_libxml2s_default_limit_is_extracted():
    """Unclosed tags pile up past 256 levels; libxml2's default parse then drops everything below."""
    story = " ".join(f"The harbor committee met on day {i} to discuss the ferry timetable." for i in range(40))
    doc = clean_html("<html><body>" + "<div>" * 300 + f"<p>{story}</p>" + "</div>" * 300 + "</body></html>")
    assert story in doc.text  # before: 0 words, quarantined as no_main_content
    unclosed = "".join(f"<div><font>Day {i}: the harbor committee met to discuss the ferry timetable. " for i in range(400))
    doc = clean_html(f"<html><body><article>{unclosed}</article></body></html>")
    assert "Day 399: the harbor committee" in doc.text  # before: the first 126 days, the rest lost
    assert any(d.startswith("deep_tree: took") for d in doc.guard)


def test_a_huge_page_of_paragraphs_is_extracted_in_chunks_with_all_its_text():
    """trafilatura's time grows faster than the page; an 18 MB page of minutes ran past the per-document limit
    and was quarantined. Past HUGE_PAGE_CHARS the text container's children are extracted a chunk at a time."""
    minutes = [f"The harbor committee met on day {i} to discuss the ferry timetable and the winter fares."
               for i in range(HUGE_PAGE_CHARS // 90)]
    html = page('<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav><article>'
                + "".join(f"<p>{m}</p>" for m in minutes) + "</article>")
    doc = clean_html(html)
    assert any(d.startswith("huge_page: extracted in 7 chunks of 3,2") for d in doc.guard)
    assert doc.text.split("\n\n") == minutes
