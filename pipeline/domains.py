"""The registered domain of a page (news.bbc.co.uk and www.bbc.co.uk are bbc.co.uk): what a source is keyed by.

A site's name (og:site_name, a JSON-LD publisher) is a display label and an unreliable key: Reuters pages call
themselves "U.S.", another site "Autoracing | F1 | Indy | MotoGP". The registered domain comes from the URL with
the public-suffix list that tldextract ships; the extractor is told never to download a newer list.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

import polars as pl
import tldextract

# suffix_list_urls=(): the list bundled in the wheel, no fetch; cache_dir=None: nothing written under ~/.cache.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=65536)
def registered_domain(url: str | None) -> str | None:
    """The domain registered under a public suffix (bbc.co.uk), lower-cased; for a host under no known suffix
    (a reserved name such as .example or .test, an intranet name) the host without a leading www.; None for a
    URL without a host (a local file) or an IP address."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not host or _is_ip(host):
        return None
    parts = _EXTRACT.extract_str(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    return host.removeprefix("www.")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def domain_column(url: str = "url") -> pl.Expr:
    """`domain` from the URL column `url`, for a frame of documents."""
    return pl.col(url).map_elements(registered_domain, return_dtype=pl.String).alias("domain")
