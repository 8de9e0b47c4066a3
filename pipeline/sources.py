"""Expand inbox files into inputs: plain files, .gz, JSON Lines records, WARC
records and URL lists. Formats are recognised from content (WARC magic, JSON
objects per line, lines of URLs), the .urls suffix being the one exception;
INPUT_FORMATS lists them, each a (sniff, expand) pair.

Every input is yielded exactly once: with bytes to decode, as rejected (a
quarantine reason), or as a skipped archive record (request, revisit, ...).
"""
from __future__ import annotations

import gzip
import json
import os
import re
import stat
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

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


def expand_file(path: Path, max_bytes: int, fetch: Callable[[list[str]], Iterator[RawInput]] | None = None,
                inbox: Path | None = None, allow_outside: bool = False) -> Iterator[RawInput]:
    """The file's inputs. Whatever the file does (a stage raising included), it ends as inputs or one quarantine
    row, so one bad file never stops its batch.

    inbox: the folder the file was found in; a symlink leading out of it is refused (`outside_inbox`) unless
    allow_outside (WEBFACTS_ALLOW_OUTSIDE_SYMLINKS).
    """
    uri = file_uri(path)
    yield from _guarded(uri, _expand_file(path, uri, max_bytes, fetch, inbox, allow_outside))


def expand_url_part(path: Path, first: int, count: int, max_bytes: int,
                    fetch: Callable[[list[str]], Iterator[RawInput]] | None, inbox: Path | None = None,
                    allow_outside: bool = False) -> Iterator[RawInput]:
    """The pages of URLs first..first+count-1 of a URL list: a long list is fetched over several batches."""
    uri = f"{file_uri(path)}#urls={first + 1}-{first + count}"

    def pages() -> Iterator[RawInput]:
        try:
            check_readable(path, inbox, allow_outside)
            urls = list_urls(_read(path, max_bytes))[first:first + count]
        except (Rejected, OSError) as exc:
            yield not_read(uri, exc)
            return
        yield from fetched(uri, urls, fetch)
    yield from _guarded(uri, pages())


def not_read(uri: str, exc: Exception, size: int | None = None) -> RawInput:
    """The quarantine row of a file refused (Rejected) or that could not be read (OSError)."""
    if isinstance(exc, Rejected):
        return RawInput(uri, uri, reason=exc.reason, detail=exc.detail, size_bytes=size)
    return RawInput(uri, uri, reason="unreadable", detail=f"cannot read file: {exc.strerror or exc}", size_bytes=size)


def fetched(uri: str, urls: list[str], fetch, size: int | None = None) -> Iterator[RawInput]:
    if fetch is None:
        yield RawInput(uri, uri, reason="fetch_failed", detail="URL list given but fetching is disabled",
                       size_bytes=size)
    else:
        yield from fetch(urls)


def _guarded(uri: str, inputs: Iterator[RawInput]) -> Iterator[RawInput]:
    """The inputs, and if producing them raises, one quarantine row for the rest: never a failed batch."""
    yielded = 0
    try:
        for raw in inputs:
            yielded += 1
            yield raw
    except Exception as exc:  # noqa: BLE001  one bad item is one quarantine row
        locator = uri if not yielded else f"{uri}#after={yielded}"
        yield RawInput(locator, locator, reason="stage_error", detail=stage_error("ingest", exc))


URL_LIST_SUFFIXES = (".urls", ".urls.gz")


def list_urls(data: bytes) -> list[str]:
    return [line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip()]


def count_listed_urls(path: Path, inbox: Path | None, max_bytes: int) -> int | None:
    """How many URLs a `.urls` file lists; None when it is not one or cannot be read (ingestion then says why)."""
    if not path.name.endswith(URL_LIST_SUFFIXES):
        return None
    try:
        check_readable(path, inbox, False)
        return len(list_urls(_read(path, max_bytes)))
    except (Rejected, OSError):
        return None


def stage_error(stage: str, exc: BaseException) -> str:
    """'<stage>: <ErrorType>: <first line of its message>': what the quarantine keeps of an unexpected error."""
    lines = str(exc).strip().splitlines()
    return f"{stage}: {type(exc).__name__}" + (f": {lines[0][:300]}" if lines else "")


def file_uri(path: Path) -> str:
    """file:// URI of the path as found (a symlink is not replaced by its target). Built from the name's bytes, so
    a name that is not UTF-8 is kept losslessly, percent-encoded."""
    return Path(os.path.abspath(path)).as_uri()


FILE_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
              (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))


def check_readable(path: Path, inbox: Path | None, allow_outside: bool) -> os.stat_result:
    """stat (never open) the file: a symlink out of the inbox or anything but a regular file is Rejected.

    Opening a FIFO blocks until a writer comes, and /dev/zero (size 0 to stat) never ends: neither is opened.
    """
    if inbox is not None and not allow_outside:
        real, root = os.path.realpath(path), os.path.realpath(inbox)
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            raise Rejected("outside_inbox", f"a symlink to {os.fsencode(real).decode('utf-8', 'replace')}, outside "
                                            "the inbox (WEBFACTS_ALLOW_OUTSIDE_SYMLINKS=1 allows it)")
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in FILE_KINDS if test(st.st_mode)), "not a regular file")
        raise Rejected("not_regular_file", f"{kind}, not a regular file: not opened")
    return st


def open_regular(path: Path):
    """The file opened for reading, refusing (without blocking) anything that became a non-regular file since it
    was checked."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Rejected("not_regular_file", "not a regular file when opened: not read")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


@dataclass
class InputFile:
    """One inbox file as the formats see it: its first bytes (decompressed), and its whole content on demand."""
    path: Path
    uri: str
    size: int
    head: bytes
    max_bytes: int
    fetch: Callable[[list[str]], Iterator[RawInput]] | None
    _data: bytes | None = None

    def read(self) -> bytes:
        """The whole (decompressed) content, read once; raises Rejected or OSError."""
        if self._data is None:
            self._data = _read(self.path, self.max_bytes)
        return self._data

    @property
    def data(self) -> bytes:
        return self.read()


@dataclass(frozen=True)
class InputFormat:
    """A kind of inbox file: how to recognise it and how to turn it into inputs.

    streamed: the reader reads the file itself, record by record (a WARC can be larger than the cap); otherwise
    the file must fit the cap (WEBFACTS_MAX_BYTES) and `sniff` and `expand` may use `file.data`.
    """
    name: str
    sniff: Callable[[InputFile], bool]
    expand: Callable[[InputFile], Iterator[RawInput]]
    streamed: bool = False


# Tried in order, the first whose sniff says yes reads the file: the streamed formats (recognised from the head)
# before any file is read whole, and the plain document, which takes anything, last. A new format is a reader and
# a row here.
INPUT_FORMATS: tuple[InputFormat, ...] = (
    InputFormat("warc", lambda f: f.head.startswith(b"WARC/"), lambda f: warc_inputs(f.path, f.uri, f.max_bytes),
                streamed=True),
    InputFormat("url_list", lambda f: f.path.name.endswith(URL_LIST_SUFFIXES) or is_url_list(f.data),
                lambda f: fetched(f.uri, list_urls(f.data), f.fetch, len(f.data))),
    InputFormat("json_lines", lambda f: is_json_lines(f.data), lambda f: jsonl_inputs(f.data, f.uri)),
    InputFormat("document", lambda f: True, lambda f: iter([RawInput(f.uri, f.uri, data=f.data,
                                                                     size_bytes=len(f.data))])),
)


def _expand_file(path: Path, uri: str, max_bytes: int, fetch, inbox: Path | None, allow_outside: bool
                 ) -> Iterator[RawInput]:
    try:
        size = check_readable(path, inbox, allow_outside).st_size
        file = InputFile(path, uri, size, _peek(path), max_bytes, fetch)
    except (Rejected, OSError) as exc:
        yield not_read(uri, exc)
        return
    for input_format in INPUT_FORMATS:
        if not input_format.streamed:
            if size > max_bytes:
                yield RawInput(uri, uri, reason="too_large", size_bytes=size,
                               detail=f"{size} bytes is over the {max_bytes}-byte cap (WEBFACTS_MAX_BYTES)")
                return
            try:
                file.read()
            except (Rejected, OSError) as exc:
                yield not_read(uri, exc, size)
                return
        if input_format.sniff(file):
            yield from input_format.expand(file)
            return


class Rejected(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def _peek(path: Path, n: int = 16) -> bytes:
    with open_regular(path) as fh:
        head = fh.read(4096)
    if head.startswith(GZIP_MAGIC):
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, n)
        except zlib.error:
            return b""
    return head[:n]


def _read(path: Path, max_bytes: int) -> bytes:
    """At most max_bytes (a file may grow after its size was checked), decompressed within the same cap."""
    with open_regular(path) as fh:
        data = fh.read(max_bytes + 1)
    if data.startswith(GZIP_MAGIC):
        return gunzip_capped(data, max_bytes)
    if len(data) > max_bytes:
        raise Rejected("too_large", f"grew past the {max_bytes}-byte cap while being read")
    return data


def too_large(max_bytes: int) -> Rejected:
    return Rejected("too_large", f"decompresses to over the {max_bytes}-byte cap (WEBFACTS_MAX_BYTES)")


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip (all members) without letting a small bomb inflate past the cap."""
    out, rest, total = [], data, 0
    while rest.startswith(GZIP_MAGIC):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out.append(inflater.decompress(rest, max_bytes + 1 - total))
        except zlib.error as exc:
            raise Rejected("parse_error", f"corrupt gzip data: {exc}") from exc
        total += len(out[-1])
        if total > max_bytes:
            raise too_large(max_bytes)
        if not inflater.eof:
            raise Rejected("parse_error", "truncated gzip data")
        rest = inflater.unused_data
    return b"".join(out)


def inflate_capped(data: bytes, max_bytes: int) -> bytes:
    """HTTP 'deflate': zlib-wrapped as the RFC says, or raw deflate as some servers send; capped like gzip."""
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        inflater = zlib.decompressobj(wbits)
        try:
            out = inflater.decompress(data, max_bytes + 1)
        except zlib.error:
            continue
        if len(out) > max_bytes:
            raise too_large(max_bytes)
        return out
    raise Rejected("parse_error", "corrupt deflate data")


def unbrotli_capped(data: bytes, max_bytes: int) -> bytes:
    try:
        import brotli
    except ImportError:
        raise Rejected("undecodable", "Content-Encoding br, and the brotli module is not installed") from None
    inflater, out, total = brotli.Decompressor(), [], 0
    try:
        chunk = inflater.process(data, output_buffer_limit=max_bytes + 1)
        while True:
            out.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise too_large(max_bytes)
            if inflater.is_finished() or inflater.can_accept_more_data():
                break
            chunk = inflater.process(b"", output_buffer_limit=max_bytes + 1 - total)
    except brotli.error as exc:
        raise Rejected("parse_error", f"corrupt brotli data: {exc}") from exc
    return b"".join(out)


DECODERS = {"gzip": gunzip_capped, "x-gzip": gunzip_capped, "deflate": inflate_capped, "br": unbrotli_capped}


def decode_content(body: bytes, content_encoding: str, max_bytes: int) -> bytes:
    """Undo every Content-Encoding (`gzip, br` was gzipped first, so is undone last), each step capped at
    max_bytes of output. Crawlers often store the decoded body but keep the header (ClueWeb09 does): a step whose
    input is not compressed that way keeps the body as it is."""
    for encoding in reversed([e.strip().lower() for e in content_encoding.split(",") if e.strip()]):
        if encoding == "identity":
            continue
        decoder = DECODERS.get(encoding)
        if decoder is None:
            if body.lstrip()[:1] == b"<":
                continue
            raise Rejected("undecodable", f"unsupported Content-Encoding {encoding}")
        if encoding in ("gzip", "x-gzip") and not body.startswith(GZIP_MAGIC):
            continue
        try:
            body = decoder(body, max_bytes)
        except Rejected as rej:
            if rej.reason == "too_large":
                raise  # otherwise not compressed that way after all: the body is sniffed as it is
    if body.startswith(GZIP_MAGIC):  # gzipped without saying so
        body = gunzip_capped(body, max_bytes)
    return body


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
WARC_HEADER_MAX = 64 * 1024  # bytes of one record's header lines
WARC_LINE_START = b"\nWARC/"
SCAN_CHUNK = 1 << 16


class _Stream:
    """A byte stream that takes bytes back: resynchronising re-reads what a record with a wrong length took."""

    def __init__(self, fh):
        self.fh, self.pending = fh, b""

    def read(self, n: int) -> bytes:
        out = [self.pending[:n]]
        self.pending = self.pending[n:]
        missing = n - len(out[0])
        while missing > 0:
            chunk = self.fh.read(min(missing, SCAN_CHUNK))
            if not chunk:
                break
            out.append(chunk)
            missing -= len(chunk)
        return b"".join(out)

    def unread(self, data: bytes) -> None:
        self.pending = data + self.pending

    def readline(self, limit: int) -> bytes:
        line = b""
        while not line.endswith(b"\n") and len(line) < limit:
            chunk = self.read(min(256, limit - len(line)))
            if not chunk:
                break
            end = chunk.find(b"\n")
            if end >= 0:
                self.unread(chunk[end + 1:])
                chunk = chunk[:end + 1]
            line += chunk
        return line

    def skip(self, n: int) -> int:
        """Discard n bytes without holding them; returns how many there were."""
        done = 0
        while done < n and (chunk := self.read(min(SCAN_CHUNK, n - done))):
            done += len(chunk)
        return done

    def skip_to_next_record(self) -> int:
        """Discard bytes up to the next line starting with `WARC/`; returns how many were discarded."""
        dropped, carry = 0, b"\n"
        while chunk := self.read(SCAN_CHUNK):
            window = carry + chunk
            found = window.find(WARC_LINE_START)
            if found >= 0:
                start = found + 1  # the W
                self.unread(window[start:])
                return dropped + start - len(carry)
            dropped += len(chunk)
            carry = window[-len(WARC_LINE_START):]
        return dropped


def warc_inputs(path: Path, uri: str, max_bytes: int) -> Iterator[RawInput]:
    """Response records with a text payload are inputs; every other record is counted as skipped.

    A record whose Content-Length is wrong is one malformed_record, and reading resumes at the next `WARC/`
    header: the records after it are read on their own. Blocks over the cap are skipped, never held.
    """
    index = 0
    with open_regular(path) as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        stream = _Stream(gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw)
        try:
            while True:
                index += 1
                locator = f"{uri}#record={index}"
                outcome = _next_warc_record(stream, locator, max_bytes)
                if outcome is None:
                    return
                yield outcome
        except (OSError, EOFError, zlib.error) as exc:  # the compressed stream itself is corrupt: nothing after it
            yield RawInput(locator, locator, reason="malformed_record",
                           detail=f"archive unreadable after record {index - 1}: {type(exc).__name__}: {exc}")


def _next_warc_record(stream: _Stream, locator: str, max_bytes: int) -> RawInput | None:
    line = stream.readline(WARC_HEADER_MAX)
    while line and not line.strip():
        line = stream.readline(WARC_HEADER_MAX)
    if not line:
        return None
    if not line.startswith(b"WARC/"):
        stream.unread(line)
        dropped = stream.skip_to_next_record()
        return RawInput(locator, locator, reason="malformed_record", size_bytes=dropped,
                        detail=f"{dropped} bytes that are not a WARC record (skipped to the next WARC/ header)")
    lines, size = [], len(line)
    while (line := stream.readline(WARC_HEADER_MAX)).strip():
        lines.append(line)
        size += len(line)
        if size > WARC_HEADER_MAX:
            break
    headers = {k.strip().lower(): v.strip() for k, _, v in
               (ln.decode("utf-8", "replace").partition(":") for ln in lines)}
    warc_type = (headers.get("warc-type") or "unknown").lower()
    target = headers.get("warc-target-uri") or locator
    declared = header_int(headers.get("content-length"))
    if size > WARC_HEADER_MAX or declared is None or not line:
        problem = ("header over 64 KiB" if size > WARC_HEADER_MAX else "no valid Content-Length"
                   if declared is None else "archive ends inside the header")
        stream.skip_to_next_record()
        return RawInput(locator, target, reason="malformed_record", detail=f"{warc_type} record: {problem}")
    if declared > max_bytes + 65536:
        stream.skip(declared)
        _record_end(stream) or stream.skip_to_next_record()
        return RawInput(locator, target, reason="too_large", size_bytes=declared,
                        detail=f"record of {declared} bytes is over the {max_bytes}-byte cap")
    block = stream.read(declared)
    if len(block) < declared or not _record_end(stream):
        # The length is wrong (or the archive is cut): the next record, if any, starts at the next WARC/ line.
        stream.unread(block)
        stream.skip_to_next_record()
        problem = (f"truncated {warc_type} record: {len(block)} of {declared} bytes" if len(block) < declared
                   else f"{warc_type} record whose Content-Length {declared} does not end at a record boundary")
        return RawInput(locator, target, reason="malformed_record", size_bytes=len(block), detail=problem)
    if warc_type != "response":
        return RawInput(locator, target, skipped=f"warc_{warc_type}", size_bytes=len(block))
    return _http_payload(block, locator, target, warc_date(headers.get("warc-date")), max_bytes)


def _record_end(stream: _Stream) -> bool:
    """After a block: the CRLF CRLF the standard puts there, or (older writers) blank lines and then the end of
    the archive or the next record's `WARC/`. Bytes that are neither: the block's length was wrong."""
    gap = b""
    while (chunk := stream.read(1)) in (b"\r", b"\n") and len(gap) < 64:
        gap += chunk
    stream.unread(chunk)
    ahead = stream.read(5)
    stream.unread(gap + ahead)
    ok = gap.startswith(b"\r\n\r\n") or ahead == b"" or ahead == b"WARC/"
    if ok:
        stream.read(len(gap))
    return ok


def header_int(value: str | None) -> int | None:
    """A length header read defensively: `164, 164` (a repeated header) is 164; anything else not a count is None."""
    if value is None:
        return None
    values = {v.strip() for v in value.split(",")}
    if len(values) != 1:
        return None
    only = values.pop()
    return int(only) if only.isdigit() and len(only) <= 18 else None


def warc_date(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


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
    return decode_content(body, headers.get("content-encoding", ""), max_bytes)


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
