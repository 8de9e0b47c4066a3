"""Fetch URL lists politely and safely: timeouts, a total deadline per URL and per list, a size cap on the body and
on its decompression, retries with backoff on transient errors, a per-host delay and a clear user agent.

Only http(s) to public addresses: loopback, private, link-local (cloud metadata), multicast and other non-public
addresses are refused before connecting and after every redirect, by the address the name resolves to and again
by the address the socket actually connected to (a DNS answer that changes between the two is caught). Networks
the operator lists in `allow` (WEBFACTS_FETCH_ALLOW) are reachable anyway: tests and private crawls.

Every failure is an input with reason fetch_failed (or too_large), never an exception."""
from __future__ import annotations

import ipaddress
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterator
from urllib.parse import urljoin, urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from pipeline.config import DEFAULTS
from pipeline.sources import TEXT_TYPES, RawInput, Rejected, decode_content, header_int, stage_error

USER_AGENT = "webfacts/0.1 (batch fact extraction; respects per-host delays)"
TRANSIENT_STATUS = {429, 500, 502, 503, 504}
REDIRECT_STATUS = {301, 302, 303, 307, 308}


# getaddrinfo has no timeout of its own: lookups run here so a URL's deadline bounds them too. A lookup that
# hangs past it keeps its thread until the resolver gives up; the fetcher moves on.
_RESOLVER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webfacts-dns")


@dataclass(frozen=True)
class FetchPolicy:
    """The defaults are the settings' (pipeline/config.py SETTINGS, where each is explained)."""
    timeout_s: float = DEFAULTS["fetch_timeout_s"]  # connect, and each read
    max_bytes: int = DEFAULTS["max_bytes"]
    retries: int = DEFAULTS["fetch_retries"]
    backoff_s: float = 0.5
    per_host_delay_s: float = DEFAULTS["fetch_per_host_delay_s"]
    url_deadline_s: float = DEFAULTS["fetch_url_deadline_s"]  # one URL: every attempt, redirect and read
    list_deadline_s: float = DEFAULTS["fetch_list_deadline_s"]  # one URL list
    max_redirects: int = 5
    allow: tuple[str, ...] = DEFAULTS["fetch_allow"]  # networks (CIDR or address) reachable although not public

    @classmethod
    def from_settings(cls, settings) -> "FetchPolicy":
        """The policy a run's settings (pipeline.config.Settings) give."""
        return cls(timeout_s=settings.fetch_timeout_s, max_bytes=settings.max_bytes, retries=settings.fetch_retries,
                   per_host_delay_s=settings.fetch_per_host_delay_s, url_deadline_s=settings.fetch_url_deadline_s,
                   list_deadline_s=settings.fetch_list_deadline_s, allow=tuple(settings.fetch_allow))


def address_refusal(address: str, allowed: tuple) -> str | None:
    """Why a URL list may not reach this IP address; None when it may."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if any(ip in network for network in allowed):
        return None
    for test, kind in (("is_loopback", "loopback"), ("is_link_local", "link-local (cloud metadata)"),
                       ("is_multicast", "multicast"), ("is_private", "private"), ("is_unspecified", "unspecified")):
        if getattr(ip, test):
            return f"{ip} is a {kind} address"
    return None if ip.is_global else f"{ip} is not a public address"


class _Refused(Exception):
    """Not an OSError: urllib3 lets it through unwrapped and unretried."""


class _PeerChecked:
    """A urllib3 connection that refuses, once connected and before sending a byte, a peer the policy refuses."""
    refusal: Callable[[str], str | None]

    def _new_conn(self):
        sock = super()._new_conn()
        why = type(self).refusal(sock.getpeername()[0])
        if why:
            sock.close()
            raise _Refused(f"refused to connect: {why} (WEBFACTS_FETCH_ALLOW lists allowed networks)")
        return sock


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, refusal: Callable[[str], str | None]):
        self.refusal = refusal
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        check = staticmethod(self.refusal)
        pools = {}
        for scheme, pool, connection in (("http", HTTPConnectionPool, HTTPConnection),
                                         ("https", HTTPSConnectionPool, HTTPSConnection)):
            guarded = type(f"Guarded{connection.__name__}", (_PeerChecked, connection), {"refusal": check})
            pools[scheme] = type(f"Guarded{pool.__name__}", (pool,), {"ConnectionCls": guarded})
        self.poolmanager.pool_classes_by_scheme = pools


def accepted_encodings() -> str:
    try:
        import brotli  # noqa: F401
    except ImportError:
        return "gzip, deflate"
    return "gzip, deflate, br"


class Fetcher:
    def __init__(self, policy: FetchPolicy, session: requests.Session | None = None):
        self.policy = policy
        self.allowed = tuple(ipaddress.ip_network(n, strict=False) for n in policy.allow)
        self.session = session or requests.Session()
        # Proxies from the environment would connect on our behalf, to addresses this fetcher cannot check.
        self.session.trust_env = False
        adapter = _GuardedAdapter(lambda ip: address_refusal(ip, self.allowed))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept-Encoding"] = accepted_encodings()
        self._last_hit: dict[str, float] = {}

    def __call__(self, urls: list[str]) -> Iterator[RawInput]:
        list_deadline = time.monotonic() + self.policy.list_deadline_s
        for url in urls:
            if time.monotonic() >= list_deadline:
                yield RawInput(url, url, reason="fetch_failed",
                               detail=f"not fetched: the URL list's {self.policy.list_deadline_s:g}-second deadline "
                                      "passed (WEBFACTS_FETCH_LIST_DEADLINE_S)")
                continue
            yield self.fetch(url, list_deadline)

    def fetch(self, url: str, list_deadline: float = float("inf")) -> RawInput:
        """The page, or a fetch_failed / too_large input saying why; never raises."""
        try:
            return self._fetch(url, min(time.monotonic() + self.policy.url_deadline_s, list_deadline))
        except Exception as exc:  # noqa: BLE001  whatever a server sends, one URL is one row
            return RawInput(url, url, reason="fetch_failed", detail=stage_error("fetch", exc))

    def _fetch(self, url: str, deadline: float) -> RawInput:
        error = "no attempt made"
        for attempt in range(self.policy.retries + 1):
            try:
                return self._follow(url, deadline)
            except _Transient as exc:
                error = str(exc)
            except _Permanent as exc:
                return RawInput(url, url, reason=exc.reason, detail=str(exc), size_bytes=exc.size)
            pause = self.policy.backoff_s * 2 ** attempt
            if attempt == self.policy.retries or time.monotonic() + pause >= deadline:
                break
            time.sleep(pause)
        return RawInput(url, url, reason="fetch_failed",
                        detail=f"{error} (gave up after {attempt + 1} attempts)")

    def _follow(self, url: str, deadline: float) -> RawInput:
        """One attempt: the URL and its redirects, each hop checked before it is requested."""
        current = url
        for _ in range(self.policy.max_redirects + 1):
            host = self._check_target(current, deadline)
            self._wait_for(host, deadline)
            result = self._attempt(url, current, deadline)
            if isinstance(result, RawInput):
                return result
            current = result
        raise _Permanent("fetch_failed", f"more than {self.policy.max_redirects} redirects")

    def _check_target(self, url: str, deadline: float) -> str:
        parts = urlparse(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Permanent("fetch_failed", f"not an http(s) URL: {url!r}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            lookup = _RESOLVER.submit(socket.getaddrinfo, parts.hostname, port, type=socket.SOCK_STREAM)
            found = {info[4][0] for info in lookup.result(timeout=max(0.0, deadline - time.monotonic()))}
        except FutureTimeout as exc:
            raise _Permanent("fetch_failed", self._past_deadline(f"resolving {parts.hostname}")) from exc
        except (socket.gaierror, UnicodeError, ValueError) as exc:
            raise _Permanent("fetch_failed", f"cannot resolve host {parts.hostname}: {exc}") from exc
        for address in sorted(found):
            why = address_refusal(address, self.allowed)
            if why:
                raise _Permanent("fetch_failed", f"refused {url}: {parts.hostname} resolves to {why} "
                                                 "(WEBFACTS_FETCH_ALLOW lists allowed networks)")
        return parts.hostname

    def _wait_for(self, host: str, deadline: float) -> None:
        wait = self._last_hit.get(host, 0) + self.policy.per_host_delay_s - time.monotonic()
        if wait > 0:
            if time.monotonic() + wait >= deadline:
                raise _Permanent("fetch_failed", self._past_deadline("waiting for the per-host delay"))
            time.sleep(wait)
        self._last_hit[host] = time.monotonic()

    def _past_deadline(self, doing: str) -> str:
        return f"deadline of {self.policy.url_deadline_s:g} s passed {doing} (WEBFACTS_FETCH_URL_DEADLINE_S)"

    def _remaining(self, deadline: float, doing: str) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Permanent("fetch_failed", self._past_deadline(doing))
        return left

    def _attempt(self, url: str, current: str, deadline: float) -> RawInput | str:
        """The page at `current`, or the next URL when it redirects."""
        timeout = min(self.policy.timeout_s, self._remaining(deadline, "before connecting"))
        try:
            with self.session.get(current, timeout=timeout, stream=True, allow_redirects=False) as resp:
                if resp.status_code in REDIRECT_STATUS and resp.headers.get("Location"):
                    return urljoin(current, resp.headers["Location"])
                if resp.status_code in TRANSIENT_STATUS:
                    raise _Transient(f"HTTP {resp.status_code}")
                if resp.status_code >= 400:
                    raise _Permanent("fetch_failed", f"HTTP {resp.status_code} {resp.reason}")
                # requests joins a repeated header with ", ": the first of them is the one to read
                content_type = resp.headers.get("Content-Type", "").split(",")[0]
                mime = content_type.split(";")[0].strip().lower()
                if mime and mime not in TEXT_TYPES:
                    raise _Permanent("fetch_failed", f"not HTML or text: Content-Type {mime}")
                body = self._read_capped(resp, deadline)
                try:
                    body = decode_content(body, resp.headers.get("Content-Encoding", ""), self.policy.max_bytes)
                except Rejected as rej:
                    raise _Permanent(rej.reason, rej.detail, len(body)) from rej
                charset = re.search(r"charset=([\w\-:.]+)", content_type, re.I)
                return RawInput(url, current, data=body, size_bytes=len(body),
                                declared_charset=charset.group(1).lower() if charset else None,
                                fetched_at=datetime.now(timezone.utc))
        except _Refused as exc:
            raise _Permanent("fetch_failed", str(exc)) from exc
        except requests.exceptions.ConnectionError as exc:
            if "Name or service not known" in str(exc) or "getaddrinfo" in str(exc) or "resolve" in str(exc):
                raise _Permanent("fetch_failed", f"cannot resolve host {urlparse(current).hostname}") from exc
            raise _Transient(f"connection failed: {type(exc).__name__}") from exc
        except requests.exceptions.Timeout as exc:
            raise _Transient(f"timed out after {timeout:g}s") from exc
        except requests.exceptions.RequestException as exc:
            raise _Permanent("fetch_failed", f"{type(exc).__name__}: {exc}") from exc

    def _read_capped(self, resp, deadline: float) -> bytes:
        """The raw body (still compressed), at most max_bytes, read by whatever arrives so that a server trickling
        a byte at a time is cut off at the deadline (a read timeout alone restarts with every byte)."""
        declared = header_int(resp.headers.get("Content-Length"))
        if declared is not None and declared > self.policy.max_bytes:
            raise _Permanent("too_large", f"Content-Length {declared} is over the {self.policy.max_bytes}-byte cap",
                             declared)
        chunks, total = [], 0
        while chunk := resp.raw.read1(65536, decode_content=False):
            total += len(chunk)
            if total > self.policy.max_bytes:
                raise _Permanent("too_large", f"body exceeds the {self.policy.max_bytes}-byte cap", total)
            chunks.append(chunk)
            self._remaining(deadline, f"after {total} bytes of the body")
        return b"".join(chunks)


class _Transient(Exception):
    pass


class _Permanent(Exception):
    def __init__(self, reason: str, detail: str, size: int | None = None):
        super().__init__(detail)
        self.reason, self.size = reason, size
