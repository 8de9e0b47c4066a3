from datetime import datetime, timezone

import pytest

from pipeline.ingest import Rejected, decode_input, ingest_inputs, reconcile, split_inputs
from pipeline.sources import expand_file

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_html_is_sniffed_from_bytes_not_name():
    assert decode_input(b"Caption line\n<p>Para one.</p><p>Two.</p>").content_type == "text/html"
    assert decode_input(b"Just a plain sentence about <things>.").content_type == "text/plain"


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"), (b"  \n\t ", "empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary"), (b"abc\x00\x00def", "binary"),
])
def test_rejections(data, reason):
    with pytest.raises(Rejected) as exc:
        decode_input(data)
    assert exc.value.reason == reason


def test_meta_charset_latin1_decodes_accented_names_as_windows_1252():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Hélène Garnier – “Zoë”</p></body></html>'
    decoded = decode_input(page.encode("cp1252"))
    assert "Hélène Garnier – “Zoë”" in decoded.content
    assert decoded.encoding == "cp1252"


def test_header_charset_beats_meta_and_bom_beats_both():
    page = '<html><head><meta charset="utf-8"></head><body><p>Ærøskøbing</p></body></html>'.encode("cp1252")
    assert "Ærøskøbing" in decode_input(page, header_charset="windows-1252").content
    assert decode_input("Café au lait".encode("utf-8-sig"), header_charset="latin-1").content == "Café au lait"


def test_detection_prefers_windows_1252_for_western_text():
    text = "Le réalisateur Bastien Morlaix a présenté son drame à Québec. " * 5
    assert "réalisateur" in decode_input(text.encode("cp1252")).content


def test_undecodable_bytes_are_quarantined():
    with pytest.raises(Rejected) as exc:
        decode_input(b"\x81\x8d\x8f\x90\x9d" * 40, header_charset="utf-8")
    assert exc.value.reason in ("undecodable", "binary")


def test_every_input_is_a_source_or_quarantined_and_duplicates_share_doc_id(tmp_path):
    (tmp_path / "a.txt").write_text("Same words in a plain text file.")
    (tmp_path / "b.txt").write_text("Same words in a plain text file.")
    (tmp_path / "empty.html").write_bytes(b"")
    paths = sorted(tmp_path.iterdir())
    inputs = ingest_inputs((r for p in paths for r in expand_file(p, 10_000)), "b1", NOW)
    raw, sources, quarantine, skipped = split_inputs(inputs)
    assert raw.height == 1 and sources.height == 2 and quarantine.height == 1 and skipped.height == 0
    assert sources["doc_id"].n_unique() == 1
    assert quarantine.row(0, named=True)["reason"] == "empty"
    balance = reconcile(inputs["input_uri"], sources["input_uri"], quarantine["source_uri"], skipped["input_uri"])
    assert balance.ok and balance.seen == 3


def test_reconciliation_fails_loudly_on_a_lost_input():
    import polars as pl
    s = lambda *v: pl.Series("u", list(v))  # noqa: E731
    balance = reconcile(s("a", "b", "c"), s("a"), s("b"), s())
    assert not balance.ok and balance.unaccounted == ["c"] and "UNBALANCED" in balance.line()
    assert not reconcile(s("a"), s("a"), s("a"), s()).ok
