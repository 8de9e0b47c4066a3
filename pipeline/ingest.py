"""Read an inbox into raw documents, their sources, and a quarantine.

Every input ends as exactly one of: a source row of a raw document, or a
quarantine row with a reason. Type is sniffed from the bytes, never the name.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

import charset_normalizer
import polars as pl

from pipeline.sources import RawInput, Rejected, stage_error
from pipeline.workers import chunked
from schemas import polars_columns, polars_schema

HTML_TAG = re.compile(
    rb"<\s*(!doctype|html|head|body|p|div|span|a|br|h[1-6]|article|section|meta|script|"
    rb"table|li|ul|ol|title|img|nav|footer|header)\b",
    re.IGNORECASE,
)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
BINARY_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x7fELF", b"RIFF",
    b"BM", b"\x00\x00\x01\x00", b"OggS", b"ID3", b"\x1a\x45\xdf\xa3", b"wOFF", b"wOF2",
)
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# WHATWG: a declared legacy charset is decoded as the superset browsers use
# (pages labelled latin-1 are windows-1252, gb2312 pages contain GBK, ...).
ENCODING_ALIASES = {
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "iso8859-1": "cp1252", "iso-8859-9": "cp1254", "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949", "big5": "big5hkscs", "tis-620": "cp874", "iso-8859-11": "cp874",
    "x-euc-jp": "euc_jp", "utf8": "utf-8", "unicode": "utf-8",
}


@dataclass(frozen=True)
class Decoded:
    content: str
    content_type: str
    encoding: str


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def doc_id_for(data: bytes) -> str:
    """Content hash: the same bytes always get the same id, wherever they came from."""
    return sha256_hex(data)[:24]


def sniff_binary(data: bytes) -> str | None:
    head = data[:8192]
    if any(head.startswith(m) for m in BINARY_MAGIC):
        return "starts with the signature of a binary file format"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "contains NUL bytes"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if head and controls / len(head) > 0.05:
        return f"{controls / len(head):.0%} control bytes"
    return None


def declared_encoding(data: bytes) -> str | None:
    m = META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "ignore").lower() if m else None


def decode(data: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Bytes to text: byte-order mark, then HTTP/WARC header charset, then <meta charset>, then detection.

    A declared charset that does not fit is only forgiven for the common
    utf-8 / windows-1252 mix-up; otherwise the bytes are undecodable (guessing
    would turn them into plausible-looking garbage).
    """
    bom = next((name for mark, name in BOMS if data.startswith(mark)), None)
    declared = [ENCODING_ALIASES.get(d.lower(), d) for d in (bom, header_charset, declared_encoding(data)) if d]
    for name in dict.fromkeys(declared + ["utf-8"]):
        try:
            return data.decode(name), name.replace("-sig", "")
        except (UnicodeDecodeError, LookupError):
            continue
    if declared:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise Rejected("undecodable", f"bytes are not valid {declared[0]} (declared) nor windows-1252") from None
    return detect(data)


def detect(data: bytes) -> tuple[str, str]:
    matches = charset_normalizer.from_bytes(data)
    # Browsers default Western pages to windows-1252; the detector's first guess
    # for short accented text is often a rarer code page (cp775, mac_roman).
    for match in matches:
        if match.encoding in ("cp1252", "latin_1", "iso8859_15"):
            try:
                return data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d, ...)
                break
    best = matches.best()
    if best is None or best.encoding is None:
        raise Rejected("undecodable", "no character encoding decodes these bytes")
    return str(best), best.encoding


def content_type_of(data: bytes) -> str:
    return "text/html" if len(HTML_TAG.findall(data[:65536])) >= 2 else "text/plain"


def decode_input(data: bytes, header_charset: str | None = None) -> Decoded:
    if not data.strip():
        raise Rejected("empty", "no content" if not data else "only whitespace")
    reason = sniff_binary(data)
    if reason:
        raise Rejected("binary", reason)
    text, encoding = decode(data, header_charset)
    if not text.strip():
        raise Rejected("empty", "no text after decoding")
    return Decoded(text, content_type_of(data), encoding)


ROWS_PER_FRAME = 32  # inputs turned into Python rows at a time (see ingest_inputs)


def ingest_inputs(inputs: Iterable[RawInput], batch_id: str, seen_at: datetime) -> pl.DataFrame:
    """One row per input: a document (doc_id set), a rejection (reason set) or a skipped record.

    Built a few rows at a time: a list of every row would hold the whole batch's content as Python str,
    up to four bytes a character, beside the frame's UTF-8 copy.
    """
    frames = [pl.DataFrame([_row(r, batch_id, seen_at) for r in chunk], schema=INPUT_SCHEMA)
              for chunk in chunked(inputs, ROWS_PER_FRAME)]
    return pl.concat(frames, rechunk=False) if frames else pl.DataFrame(schema=INPUT_SCHEMA)


def _row(raw: RawInput, batch_id: str, seen_at: datetime) -> dict:
    row = dict.fromkeys(INPUT_SCHEMA)
    row.update(input_uri=raw.input_uri, source_uri=raw.source_uri, batch_id=batch_id, seen_at=seen_at,
               size_bytes=raw.size_bytes, reason=raw.reason, detail=raw.detail, skipped=raw.skipped)
    if raw.data is None or raw.reason or raw.skipped:
        if raw.reason and not raw.detail:
            row["detail"] = raw.reason
        if raw.skipped:
            row["detail"] = raw.detail or raw.skipped
        if raw.extra.get("raw"):
            row["sha256"] = sha256_hex(raw.extra["raw"])
        return row
    row.update(sha256=sha256_hex(raw.data), size_bytes=len(raw.data))
    try:
        decoded = decode_input(raw.data, raw.declared_charset)
    except Rejected as rej:
        row.update(reason=rej.reason, detail=rej.detail)
        return row
    except Exception as exc:  # noqa: BLE001  one input that breaks decoding is one quarantine row
        row.update(reason="stage_error", detail=stage_error("decode", exc))
        return row
    row.update(doc_id=doc_id_for(raw.data), content_type=decoded.content_type,
               encoding=decoded.encoding, content=decoded.content)
    return row


# One row per input, whichever table it ends in (split_inputs): the columns of those tables, from their models.
INPUT_SCHEMA = (polars_columns("document_sources", "input_uri", "source_uri", "batch_id", "seen_at")
                | polars_columns("quarantine", "size_bytes", "sha256")
                | polars_columns("raw_documents", "doc_id", "content_type", "encoding", "content")
                | polars_columns("quarantine", "reason", "detail")
                | {"skipped": polars_schema("skipped_records")["record_type"]})


def split_inputs(inputs: pl.DataFrame, known: pl.DataFrame | None = None
                 ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Inputs to (raw_documents, document_sources, quarantine, skipped_records).

    known: doc_ids already in the warehouse, left out of raw_documents. The first input of each document is
    chosen on the small columns and its content taken once: sorting or grouping the frame itself would copy
    every page of the batch at each step.
    """
    ok = inputs.select("doc_id", "seen_at", "input_uri").with_row_index("row").filter(pl.col("doc_id").is_not_null())
    first = (ok.sort("seen_at", "input_uri")
             .group_by("doc_id", maintain_order=True)
             .agg(pl.col("row").first(), pl.col("seen_at").min().alias("first_seen_at")))
    if known is not None:
        first = first.join(known.select("doc_id"), on="doc_id", how="anti")
    columns = inputs.select("content_type", "encoding", "size_bytes", "content", "source_uri")
    every_input_in_order = pl.Series("row", range(inputs.height), first["row"].dtype)
    if not first["row"].equals(every_input_in_order):
        columns = columns[first["row"]]  # the usual batch (each input a new document) shares the column: no copy
    raw_documents = columns.select(first["doc_id"], "content_type", "encoding", "size_bytes", "content",
                                   "source_uri", first["first_seen_at"])
    # Lazy, so the filters never gather the content column.
    rows = inputs.lazy()
    document_sources = rows.filter(pl.col("doc_id").is_not_null()).select(
        "doc_id", "source_uri", "input_uri", "batch_id", "seen_at")
    quarantine = rows.filter(pl.col("reason").is_not_null() & pl.col("doc_id").is_null()).select(
        pl.col("input_uri").alias("source_uri"), "batch_id", "reason", "detail", "size_bytes", "sha256", "seen_at")
    skipped = rows.filter(pl.col("skipped").is_not_null() & pl.col("reason").is_null()).select(
        "input_uri", "source_uri", "batch_id", pl.col("skipped").alias("record_type"), "detail", "seen_at")
    return raw_documents, *pl.collect_all([document_sources, quarantine, skipped])


@dataclass(frozen=True)
class Balance:
    seen: int
    sources: int
    quarantined: int
    skipped: int
    unaccounted: list[str]
    duplicated: list[str]

    @property
    def ok(self) -> bool:
        return not self.unaccounted and not self.duplicated and self.seen == self.sources + self.quarantined + self.skipped

    def line(self) -> str:
        state = "balanced" if self.ok else f"UNBALANCED ({len(self.unaccounted)} unaccounted, {len(self.duplicated)} twice)"
        return (f"inputs seen {self.seen} = sources {self.sources} + quarantined {self.quarantined} "
                f"+ skipped {self.skipped}: {state}")


def reconcile(seen: pl.Series, sources: pl.Series, quarantined: pl.Series, skipped: pl.Series) -> Balance:
    """Every input must land in exactly one of sources, quarantine and skipped records."""
    landed = pl.concat([sources, quarantined, skipped])
    counts = landed.value_counts()
    duplicated = counts.filter(pl.col("count") > 1).get_column(landed.name).to_list()
    unaccounted = sorted(set(seen.to_list()) - set(landed.to_list()))
    return Balance(seen.len(), sources.len(), quarantined.len(), skipped.len(), unaccounted, duplicated)
