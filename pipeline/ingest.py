"""Read an inbox into raw documents, their sources, and a quarantine.

Every input ends as exactly one of: a source row of a raw document, or a
quarantine row with a reason. Type is sniffed from the bytes, never the name.
"""
from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import charset_normalizer
import polars as pl

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
# WHATWG: pages labelled latin-1 or ASCII are decoded as windows-1252.
ENCODING_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252"}


class Rejected(Exception):
    """An input that becomes a quarantine row."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


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


def list_inputs(inbox: Path) -> list[Path]:
    if inbox.is_file():
        return [inbox]
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} does not exist; set WEBFACTS_INBOX or pass --inbox")
    return sorted(p for p in inbox.rglob("*") if p.is_file())


def read_bytes(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise Rejected("too_large", f"{size} bytes is over the {max_bytes}-byte cap (WEBFACTS_MAX_BYTES)")
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gunzip_capped(data, max_bytes)
    return data


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip without letting a small bomb inflate past the cap."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise Rejected("parse_error", f"corrupt gzip data: {exc}") from exc
    if len(out) > max_bytes:
        raise Rejected("too_large", f"decompresses to over the {max_bytes}-byte cap")
    if not inflater.eof:
        raise Rejected("parse_error", "truncated gzip data")
    return out


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
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    m = META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "ignore").lower() if m else None


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text: byte-order mark, then <meta charset>, then detection."""
    candidates = []
    declared = declared_encoding(data)
    if declared:
        candidates.append(ENCODING_ALIASES.get(declared, declared))
    candidates.append("utf-8")
    for name in candidates:
        try:
            return data.decode(name), name.replace("-sig", "")
        except (UnicodeDecodeError, LookupError):
            continue
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


def decode_input(data: bytes) -> Decoded:
    if not data.strip():
        raise Rejected("empty", "no content" if not data else "only whitespace")
    reason = sniff_binary(data)
    if reason:
        raise Rejected("binary", reason)
    text, encoding = decode(data)
    if not text.strip():
        raise Rejected("empty", "no text after decoding")
    return Decoded(text, content_type_of(data), encoding)


def ingest_paths(paths: list[Path], batch_id: str, seen_at: datetime, max_bytes: int) -> pl.DataFrame:
    """One row per input: either a document (doc_id set) or a rejection (reason set)."""
    rows = [_ingest_one(p, batch_id, seen_at, max_bytes) for p in paths]
    return pl.DataFrame(rows, schema=INPUT_SCHEMA)


def _ingest_one(path: Path, batch_id: str, seen_at: datetime, max_bytes: int) -> dict:
    row = dict.fromkeys(INPUT_SCHEMA)
    row.update(source_uri=path.resolve().as_uri(), batch_id=batch_id, seen_at=seen_at)
    try:
        row["size_bytes"] = path.stat().st_size
        data = read_bytes(path, max_bytes)
        row["sha256"] = sha256_hex(data)
        decoded = decode_input(data)
    except Rejected as rej:
        row.update(reason=rej.reason, detail=rej.detail)
        return row
    except OSError as exc:
        row.update(reason="unreadable", detail=f"cannot read file: {exc.strerror or exc}")
        return row
    row.update(doc_id=doc_id_for(data), size_bytes=len(data), content_type=decoded.content_type,
               encoding=decoded.encoding, content=decoded.content)
    return row


INPUT_SCHEMA = {
    "source_uri": pl.String, "batch_id": pl.String, "seen_at": pl.Datetime("us", "UTC"),
    "size_bytes": pl.Int64, "sha256": pl.String, "doc_id": pl.String, "content_type": pl.String,
    "encoding": pl.String, "content": pl.String, "reason": pl.String, "detail": pl.String,
}


def split_inputs(inputs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Inputs to (raw_documents, document_sources, quarantine)."""
    ok = inputs.filter(pl.col("doc_id").is_not_null())
    raw_documents = (
        ok.sort("seen_at", "source_uri")
        .group_by("doc_id", maintain_order=True)
        .agg(pl.col("content_type", "encoding", "size_bytes", "content", "source_uri").first(),
             pl.col("seen_at").min().alias("first_seen_at"))
    )
    document_sources = ok.select("doc_id", "source_uri", "batch_id", "seen_at")
    quarantine = inputs.filter(pl.col("doc_id").is_null()).select(
        "source_uri", "batch_id", "reason", "detail", "size_bytes", "sha256", "seen_at")
    return raw_documents, document_sources, quarantine


def keep_first_sightings(raw_documents: pl.DataFrame, document_sources: pl.DataFrame,
                         quarantine: pl.DataFrame, previous: dict[str, pl.DataFrame]):
    """Re-running never moves first_seen_at, batch_id or seen_at of what was seen before."""
    raw = (raw_documents.join(previous["raw_documents"].rename({"first_seen_at": "prev"}), on="doc_id", how="left")
           .with_columns(first_seen_at=pl.min_horizontal("first_seen_at", "prev")).drop("prev"))
    prev_src = previous["document_sources"].rename({"batch_id": "prev_batch", "seen_at": "prev_seen"})
    sources = (document_sources.join(prev_src, on=["doc_id", "source_uri"], how="left")
               .with_columns(batch_id=pl.coalesce("prev_batch", "batch_id"), seen_at=pl.coalesce("prev_seen", "seen_at"))
               .drop("prev_batch", "prev_seen"))
    prev_q = (previous["quarantine"].unique(["source_uri", "sha256"])
              .rename({"batch_id": "prev_batch", "seen_at": "prev_seen"}))
    quarantined = (quarantine.join(prev_q, on=["source_uri", "sha256"], how="left", nulls_equal=True)
                   .with_columns(batch_id=pl.coalesce("prev_batch", "batch_id"), seen_at=pl.coalesce("prev_seen", "seen_at"))
                   .drop("prev_batch", "prev_seen"))
    return raw, sources, quarantined
