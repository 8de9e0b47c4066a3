"""Expand inbox files into inputs: plain files, .gz, JSON Lines records, WARC
records and URL lists. Formats are recognised from content (WARC magic, JSON
objects per line, lines of URLs), the .urls suffix being the one exception.

Every input is yielded exactly once: with bytes to decode, as rejected (a
quarantine reason), or as a skipped archive record (request, revisit, ...).
"""
from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from fastwarc.warc import ArchiveIterator, WarcRecordType

GZIP_MAGIC = b"\x1f\x8b"
URL_LINE = re.compile(rb"^\s*https?://\S+\s*$")
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


@dataclass
class RawInput:
    input_uri: str                      # unique locator: file URI, plus #line=N / #record=N
    source_uri: str                     # the page URL when known, else input_uri
    data: bytes | None = None
    declared_charset: str | None = None  # from HTTP or WARC headers
    reason: str | None = None           # quarantine reason when rejected before decoding
    detail: str | None = None
    skipped: str | None = None          # archive record not meant to be a document
    size_bytes: int | None = None
    fetched_at: datetime | None = None
    extra: dict = field(default_factory=dict)


def expand_file(path: Path, max_bytes: int, fetch: Callable[[list[str]], Iterator[RawInput]] | None = None
                ) -> Iterator[RawInput]:
    uri = path.resolve().as_uri()
    try:
        size = path.stat().st_size
        head = _peek(path)
    except OSError as exc:
        yield RawInput(uri, uri, reason="unreadable", detail=f"cannot read file: {exc.strerror or exc}")
        return
    if head.startswith(b"WARC/"):
        yield from warc_inputs(path, uri, max_bytes)
        return
    if size > max_bytes:
        yield RawInput(uri, uri, reason="too_large", size_bytes=size,
                       detail=f"{size} bytes is over the {max_bytes}-byte cap (WEBFACTS_MAX_BYTES)")
        return
    try:
        data = _read(path, max_bytes)
    except Rejected as rej:
        yield RawInput(uri, uri, reason=rej.reason, detail=rej.detail, size_bytes=size)
        return
    except OSError as exc:
        yield RawInput(uri, uri, reason="unreadable", detail=f"cannot read file: {exc.strerror or exc}")
        return
    if path.name.endswith((".urls", ".urls.gz")) or is_url_list(data):
        urls = [line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
        if fetch is None:
            yield RawInput(uri, uri, reason="fetch_failed", detail="URL list given but fetching is disabled",
                           size_bytes=len(data))
        else:
            yield from fetch(urls)
        return
    if is_json_lines(data):
        yield from jsonl_inputs(data, uri)
        return
    yield RawInput(uri, uri, data=data, size_bytes=len(data))


class Rejected(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def _peek(path: Path, n: int = 16) -> bytes:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(GZIP_MAGIC):
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, n)
        except zlib.error:
            return b""
    return head[:n]


def _read(path: Path, max_bytes: int) -> bytes:
    data = path.read_bytes()
    return gunzip_capped(data, max_bytes) if data.startswith(GZIP_MAGIC) else data


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip (all members) without letting a small bomb inflate past the cap."""
    out, rest = [], data
    while rest.startswith(GZIP_MAGIC):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out.append(inflater.decompress(rest, max_bytes + 1 - sum(map(len, out))))
        except zlib.error as exc:
            raise Rejected("parse_error", f"corrupt gzip data: {exc}") from exc
        if sum(map(len, out)) > max_bytes:
            raise Rejected("too_large", f"decompresses to over the {max_bytes}-byte cap")
        if not inflater.eof:
            raise Rejected("parse_error", "truncated gzip data")
        rest = inflater.unused_data
    return b"".join(out)


def is_url_list(data: bytes) -> bool:
    lines = [ln for ln in data.splitlines()[:1000] if ln.strip()]
    return bool(lines) and all(URL_LINE.match(ln) for ln in lines)


def is_json_lines(data: bytes) -> bool:
    for line in data.splitlines()[:20]:
        if line.strip():
            try:
                first = json.loads(line)
            except ValueError:
                return False
            return isinstance(first, dict) and bool({"html", "text", "url"} & set(first))
    return False


def jsonl_inputs(data: bytes, uri: str) -> Iterator[RawInput]:
    """One input per line; a malformed line is quarantined with its number, the rest still load."""
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        locator = f"{uri}#line={number}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield RawInput(locator, locator, reason="malformed_record", size_bytes=len(line),
                           detail=f"line {number}: not valid JSON ({exc})", extra={"raw": line})
            continue
        body = record.get("html") if isinstance(record, dict) else None
        body = body if isinstance(body, str) else (record.get("text") if isinstance(record, dict) else None)
        if not isinstance(body, str):
            yield RawInput(locator, locator, reason="malformed_record", size_bytes=len(line),
                           detail=f"line {number}: no 'html' or 'text' string field", extra={"raw": line})
            continue
        url = record.get("url") if isinstance(record.get("url"), str) else None
        yield RawInput(locator, url or locator, data=body.encode("utf-8"), declared_charset="utf-8",
                       size_bytes=len(body.encode("utf-8")))


# ---------------------------------------------------------------- WARC
def warc_inputs(path: Path, uri: str, max_bytes: int) -> Iterator[RawInput]:
    """Response records with a text payload are inputs; every other record is counted as skipped."""
    index = 0
    try:
        with path.open("rb") as fh:
            for index, record in enumerate(ArchiveIterator(fh, parse_http=False,
                                                          record_types=WarcRecordType.any_type), start=1):
                yield _warc_record(record, f"{uri}#record={index}", max_bytes)
    except Exception as exc:  # fastwarc raises on corrupt framing; keep what was read
        locator = f"{uri}#record={index + 1}"
        yield RawInput(locator, locator, reason="malformed_record",
                       detail=f"archive unreadable after record {index}: {type(exc).__name__}: {exc}")


def _warc_record(record, locator: str, max_bytes: int) -> RawInput:
    warc_type = (record.headers.get("WARC-Type") or "unknown").lower()
    target = record.headers.get("WARC-Target-URI") or locator
    declared = record.content_length
    if declared > max_bytes + 65536:
        return RawInput(locator, target, reason="too_large", size_bytes=declared,
                        detail=f"record of {declared} bytes is over the {max_bytes}-byte cap")
    block = record.reader.read()
    if len(block) < declared:
        return RawInput(locator, target, reason="malformed_record", size_bytes=len(block),
                        detail=f"truncated {warc_type} record: {len(block)} of {declared} bytes")
    if warc_type != "response":
        return RawInput(locator, target, skipped=f"warc_{warc_type}", size_bytes=len(block))
    return _http_payload(block, locator, target, record.record_date, max_bytes)


def _http_payload(block: bytes, locator: str, target: str, date, max_bytes: int) -> RawInput:
    if not block.startswith(b"HTTP/"):
        return RawInput(locator, target, data=block, size_bytes=len(block), fetched_at=date)
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:  # ClueWeb09 and others use bare LF
        head, _, body = block.partition(b"\n\n")
    lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
    status = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "?"
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:]) if k}
    content_type = headers.get("content-type", "")
    mime = content_type.split(";")[0].strip().lower()
    if not status.startswith("2"):
        return RawInput(locator, target, skipped=f"http_status_{status}", size_bytes=len(body))
    if mime and mime not in TEXT_TYPES:
        return RawInput(locator, target, skipped="non_text_response", size_bytes=len(body),
                        detail=mime)
    try:
        body = decode_transfer(body, headers, max_bytes)
    except Rejected as rej:
        return RawInput(locator, target, reason=rej.reason, detail=rej.detail, size_bytes=len(body))
    charset = re.search(r"charset=([\w\-:.]+)", content_type, re.I)
    return RawInput(locator, target, data=body, size_bytes=len(body), fetched_at=date,
                    declared_charset=charset.group(1).lower() if charset else None)


def decode_transfer(body: bytes, headers: dict[str, str], max_bytes: int) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower() and re.match(rb"^[0-9a-fA-F]+\r?\n", body):
        body = dechunk(body)
    encoding = headers.get("content-encoding", "").lower()
    # Crawlers often store the decoded body but keep the header (ClueWeb09 does):
    # decompress only what actually is compressed.
    if body.startswith(GZIP_MAGIC):
        return gunzip_capped(body, max_bytes)
    if encoding == "deflate":
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
            try:
                return zlib.decompress(body, wbits)
            except zlib.error:
                continue
        return body
    if encoding in ("br", "zstd") and not body.lstrip()[:1] == b"<":
        raise Rejected("undecodable", f"unsupported Content-Encoding {encoding}")
    return body


def dechunk(body: bytes) -> bytes:
    out, pos = [], 0
    while pos < len(body):
        end = body.find(b"\n", pos)
        if end < 0:
            break
        size_text = body[pos:end].strip().split(b";")[0]
        try:
            size = int(size_text, 16)
        except ValueError:
            break
        if size == 0:
            break
        out.append(body[end + 1:end + 1 + size])
        pos = end + 1 + size
        pos += 2 if body[pos:pos + 2] == b"\r\n" else 1 if body[pos:pos + 1] == b"\n" else 0
    return b"".join(out)
