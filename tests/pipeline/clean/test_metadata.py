"""pipeline/clean/metadata.py: title, author, site, URL and date from the page head."""
from pipeline.clean.html import clean_html
from pipeline.clean.metadata import clean_author, clean_title
from tests.pipeline.clean.pages import ARTICLE, page


def test_published_date_only_from_metadata_never_from_body():
    body = f"<article><p>The film was recorded live on March 15, 2020. {ARTICLE}</p></article>"
    assert clean_html(page(body)).published_date is None
    head = '<meta property="article:published_time" content="2025-11-20T09:00:00Z">'
    assert clean_html(page(body, head)).published_date == "2025-11-20"


def test_metadata_from_meta_tags_and_json_ld():
    head = ('<meta property="og:site_name" content="Film Ledger">'
            '<link rel="canonical" href="https://filmledger.example/a">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Glass",'
            ' "datePublished": "2025-11-21", "author": {"name": "Dorothea Vance"}}</script>')
    doc = clean_html(page(f"<article><p>{ARTICLE}</p></article>", head))
    assert (doc.site, doc.url, doc.author, doc.published_date) == (
        "Film Ledger", "https://filmledger.example/a", "Dorothea Vance", "2025-11-21")


def test_title_and_author_cleanup():
    assert clean_title("Glass wins | Film Ledger", "Film Ledger") == "Glass wins"
    assert clean_title("Glass: a review", "Film Ledger") == "Glass: a review"
    assert clean_author("By Jane Doe | March 3, 2024") == "Jane Doe"
    assert clean_author("Jane Doe; John Roe") == "Jane Doe; John Roe"


def test_pages_without_a_charset_declaration_are_read_as_the_decoded_text():
    doc = clean_html("<html><head><title>Zoë’s café reopens</title></head>"
                     f"<body><article><p>{ARTICLE}</p></article></body></html>")
    assert doc.title == "Zoë’s café reopens"
