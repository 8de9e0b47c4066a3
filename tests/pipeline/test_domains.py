"""The registered domain keys sources: subdomains and www fold into the domain under its public suffix."""
import pytest

from pipeline.domains import registered_domain


@pytest.mark.parametrize("url, domain", [
    ("https://news.bbc.co.uk/sport/1", "bbc.co.uk"),
    ("https://www.bbc.co.uk/news", "bbc.co.uk"),
    ("https://www.reuters.com/world/us/", "reuters.com"),
    ("https://edition.CNN.com./2025/", "cnn.com"),
    ("https://www.abc.net.au/news", "abc.net.au"),
    ("https://www.filmledger.example/news/2025/11/tides", "filmledger.example"),  # a suffix the list lacks
    ("http://127.0.0.1:8000/page", None),
    ("http://[::1]/page", None),
    ("file:///inbox/page.html", None),
    (None, None),
])
def test_registered_domain(url, domain):
    assert registered_domain(url) == domain


def test_the_bundled_list_is_used_without_a_download(monkeypatch):
    import socket

    import tldextract

    def no_network(*args, **kwargs):
        raise AssertionError("the public-suffix list was fetched")
    monkeypatch.setattr(socket, "create_connection", no_network)
    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    assert extract("https://a.b.example.co.uk").suffix == "co.uk"
