"""Fetch URL lists politely: timeout, size cap, retries with backoff on transient
errors, a per-host delay and a clear user agent. Every failure is an input
with reason fetch_failed (or too_large), never an exception."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterator
from urllib.parse import urlparse

import requests

from pipeline.sources import TEXT_TYPES, RawInput

USER_AGENT = "webfacts/0.1 (batch fact extraction; respects per-host delays)"
TRANSIENT_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class FetchPolicy:
    timeout_s: float = 10.0
    max_bytes: int = 20 * 1024 * 1024
    retries: int = 3
    backoff_s: float = 0.5
    per_host_delay_s: float = 1.0


class Fetcher:
    def __init__(self, policy: FetchPolicy, session: requests.Session | None = None):
        self.policy = policy
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self._last_hit: dict[str, float] = {}

    def __call__(self, urls: list[str]) -> Iterator[RawInput]:
        for url in urls:
            yield self.fetch(url)

    def fetch(self, url: str) -> RawInput:
        host = urlparse(url).hostname
        if not host or urlparse(url).scheme not in ("http", "https"):
            return RawInput(url, url, reason="fetch_failed", detail=f"not an http(s) URL: {url!r}")
        error = "no attempt made"
        for attempt in range(self.policy.retries + 1):
            self._wait_for(host)
            try:
                return self._attempt(url)
            except _Transient as exc:
                error = str(exc)
            except _Permanent as exc:
                return RawInput(url, url, reason=exc.reason, detail=str(exc), size_bytes=exc.size)
            if attempt < self.policy.retries:
                time.sleep(self.policy.backoff_s * 2 ** attempt)
        return RawInput(url, url, reason="fetch_failed",
                        detail=f"{error} (gave up after {self.policy.retries + 1} attempts)")

    def _wait_for(self, host: str) -> None:
        wait = self._last_hit.get(host, 0) + self.policy.per_host_delay_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_hit[host] = time.monotonic()

    def _attempt(self, url: str) -> RawInput:
        try:
            with self.session.get(url, timeout=self.policy.timeout_s, stream=True, allow_redirects=True) as resp:
                if resp.status_code in TRANSIENT_STATUS:
                    raise _Transient(f"HTTP {resp.status_code}")
                if resp.status_code >= 400:
                    raise _Permanent("fetch_failed", f"HTTP {resp.status_code} {resp.reason}")
                mime = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if mime and mime not in TEXT_TYPES:
                    raise _Permanent("fetch_failed", f"not HTML or text: Content-Type {mime}")
                body = self._read_capped(resp)
                charset = re.search(r"charset=([\w\-:.]+)", resp.headers.get("Content-Type", ""), re.I)
                return RawInput(url, resp.url, data=body, size_bytes=len(body),
                                declared_charset=charset.group(1).lower() if charset else None,
                                fetched_at=datetime.now(timezone.utc))
        except requests.exceptions.ConnectionError as exc:
            if "Name or service not known" in str(exc) or "getaddrinfo" in str(exc) or "resolve" in str(exc):
                raise _Permanent("fetch_failed", f"cannot resolve host {urlparse(url).hostname}") from exc
            raise _Transient(f"connection failed: {type(exc).__name__}") from exc
        except requests.exceptions.Timeout as exc:
            raise _Transient(f"timed out after {self.policy.timeout_s}s") from exc
        except requests.exceptions.RequestException as exc:
            raise _Permanent("fetch_failed", f"{type(exc).__name__}: {exc}") from exc

    def _read_capped(self, resp) -> bytes:
        declared = int(resp.headers.get("Content-Length") or 0)
        if declared > self.policy.max_bytes:
            raise _Permanent("too_large", f"Content-Length {declared} is over the {self.policy.max_bytes}-byte cap",
                             declared)
        chunks, total = [], 0
        for chunk in resp.iter_content(65536):
            total += len(chunk)
            if total > self.policy.max_bytes:
                raise _Permanent("too_large", f"body exceeds the {self.policy.max_bytes}-byte cap", total)
            chunks.append(chunk)
        return b"".join(chunks)


class _Transient(Exception):
    pass


class _Permanent(Exception):
    def __init__(self, reason: str, detail: str, size: int | None = None):
        super().__init__(detail)
        self.reason, self.size = reason, size
