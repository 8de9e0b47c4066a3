"""Input formats, detected from content: .gz, JSON Lines, WARC, URL lists."""
import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline.sources import dechunk, expand_file

WARCS = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "warc-samples"
needs_warcs = pytest.mark.skipif(not WARCS.is_dir(), reason=f"{WARCS} is absent (../shared not beside the repo)")


def outcomes(path, cap=20 * 1024 * 1024, fetch=None):
    c = Counter()
    for r in expand_file(path, cap, fetch):
        c["input" if r.data is not None and not r.reason and not r.skipped else (r.reason or r.skipped)] += 1
    return c


def test_gzip_is_read_transparently_and_capped(tmp_path):
    p = tmp_path / "page.html.gz"
    p.write_bytes(gzip.compress(b"<p>Hello there</p><p>again</p>"))
    assert [r.data for r in expand_file(p, 1000)] == [b"<p>Hello there</p><p>again</p>"]
    assert outcomes(p, cap=10) == {"too_large": 1}
    p.write_bytes(gzip.compress(b"<p>x</p>" * 100)[:20])
    assert outcomes(p) == {"parse_error": 1}


def test_too_large_and_empty_files(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"a" * 100)
    assert outcomes(tmp_path / "big.txt", cap=50) == {"too_large": 1}


def test_json_lines_records_and_a_malformed_line(tmp_path):
    p = tmp_path / "export.jsonl"
    lines = [json.dumps({"url": "https://a.example/1", "html": "<p>One</p><p>page</p>", "title": "One"}),
             "{not json", json.dumps({"url": "https://a.example/2", "text": "Plain words."}),
             json.dumps({"url": "https://a.example/3"}), ""]
    p.write_text("\n".join(lines))
    records = list(expand_file(p, 10_000))
    assert [(r.source_uri, r.reason) for r in records] == [
        ("https://a.example/1", None), (f"{p.as_uri()}#line=2", "malformed_record"),
        ("https://a.example/2", None), (f"{p.as_uri()}#line=4", "malformed_record")]
    assert "line 2" in records[1].detail and records[1].input_uri.endswith("#line=2")


def test_chunked_transfer_encoding_is_decoded():
    assert dechunk(b"5\r\nHello\r\n6\r\n world\r\n0\r\n\r\n") == b"Hello world"


@needs_warcs
@pytest.mark.parametrize("name,expected", [
    ("resiliparse-cc-main-2020-34-sample.warc.gz",
     {"input": 16, "warc_request": 17, "warc_metadata": 16, "warc_warcinfo": 1}),
    ("pywb-iana.warc.gz", {"input": 16, "http_status_302": 4, "non_text_response": 28, "warc_request": 171,
                           "warc_revisit": 123, "warc_warcinfo": 1}),
    ("resiliparse-clueweb09-quirk.warc.gz", {"input": 29, "warc_warcinfo": 1}),  # bodies non-empty: see below
    ("warcio-example.warc.gz", {"input": 1, "warc_request": 2, "warc_revisit": 1, "warc_warcinfo": 2}),
    ("warcio-example-iana.org-chunked.warc", {"input": 1, "warc_request": 1, "warc_warcinfo": 1}),
])
def test_warc_samples_load_with_every_record_counted(name, expected):
    assert outcomes(WARCS / name) == expected


@needs_warcs
def test_warc_payloads_are_decoded_to_html():
    chunked = next(r for r in expand_file(WARCS / "warcio-example-iana.org-chunked.warc", 10**7) if r.data)
    assert chunked.data.lstrip().lower().startswith(b"<!doctype html") and chunked.source_uri == "http://www.iana.org/"
    gzipped = next(r for r in expand_file(WARCS / "warcio-example.warc.gz", 10**7) if r.data)
    assert b"<html" in gzipped.data.lower() and gzipped.source_uri == "http://example.com/"


@needs_warcs
def test_truncated_warc_keeps_complete_records_and_quarantines_the_rest(tmp_path):
    data = (WARCS / "resiliparse-cc-main-2020-34-sample.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) // 2])
    got = outcomes(cut)
    assert got["malformed_record"] == 1
    assert 0 < got["input"] < 16
    full = outcomes(WARCS / "resiliparse-cc-main-2020-34-sample.warc.gz")
    assert sum(got.values()) <= sum(full.values())


@needs_warcs
def test_clueweb_bodies_kept_despite_a_stale_content_encoding_header():
    bodies = [r.data for r in expand_file(WARCS / "resiliparse-clueweb09-quirk.warc.gz", 10**7) if r.data is not None]
    assert len(bodies) == 29 and all(b"<html" in b.lower() or b"<div" in b.lower() for b in bodies)
