import gzip
from datetime import datetime, timezone

import pytest

from pipeline.ingest import Rejected, decode_input, ingest_paths, read_bytes, split_inputs

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


def test_utf8_bom_and_detection():
    assert decode_input("Café au lait".encode("utf-8-sig")).content == "Café au lait"
    text = "Le réalisateur Bastien Morlaix a présenté son drame à Québec. " * 5
    assert "réalisateur" in decode_input(text.encode("cp1252")).content


def test_gzip_is_read_transparently_and_capped(tmp_path):
    p = tmp_path / "page.html.gz"
    p.write_bytes(gzip.compress(b"<p>Hello there</p><p>again</p>"))
    assert read_bytes(p, 1000).startswith(b"<p>Hello")
    with pytest.raises(Rejected, match="too_large"):
        read_bytes(p, 10)
    p.write_bytes(gzip.compress(b"<p>x</p>" * 100)[:20])
    with pytest.raises(Rejected) as exc:
        read_bytes(p, 10_000)
    assert exc.value.reason == "parse_error"


def test_too_large_file(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * 100)
    with pytest.raises(Rejected, match="too_large"):
        read_bytes(p, 50)


def test_every_input_is_a_source_or_quarantined_and_duplicates_share_doc_id(tmp_path):
    (tmp_path / "a.txt").write_text("Same words in a plain text file.")
    (tmp_path / "b.txt").write_text("Same words in a plain text file.")
    (tmp_path / "empty.html").write_bytes(b"")
    paths = sorted(tmp_path.iterdir())
    raw, sources, quarantine = split_inputs(ingest_paths(paths, "b1", NOW, 10_000))
    assert raw.height == 1 and sources.height == 2 and quarantine.height == 1
    assert sources["doc_id"].n_unique() == 1
    assert quarantine.row(0, named=True)["reason"] == "empty"
    assert sources.height + quarantine.height == len(paths)
