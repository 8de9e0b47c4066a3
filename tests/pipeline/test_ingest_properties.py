"""Property: whatever bytes arrive, ingestion never raises and every input is accounted for."""
import gzip
import json
import string
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.ingest import ingest_inputs, reconcile, split_inputs
from pipeline.sources import expand_file

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
WARC = (Path(__file__).resolve().parents[3] / "shared" / "datasets" / "warc-samples" / "warcio-example.warc.gz")
ENCODINGS = ["utf-8", "utf-16", "cp1252", "latin-1", "shift_jis", "euc-kr", "koi8-r", "gb18030"]


def text_in_encoding():
    return st.tuples(st.text(min_size=0, max_size=300), st.sampled_from(ENCODINGS)).map(
        lambda t: t[0].encode(t[1], errors="replace"))


def gzip_maybe_truncated():
    return st.tuples(st.binary(max_size=500), st.integers(min_value=0, max_value=600)).map(
        lambda t: gzip.compress(t[0])[: t[1]])


def warc_maybe_truncated():
    data = WARC.read_bytes() if WARC.exists() else b"WARC/1.0\r\n"
    return st.integers(min_value=0, max_value=len(data)).map(lambda n: data[:n])


def jsonl_lines():
    record = st.fixed_dictionaries({"url": st.text(string.printable, max_size=20)},
                                   optional={"html": st.text(max_size=80), "text": st.text(max_size=80)})
    line = st.one_of(record.map(json.dumps), st.text(max_size=40))
    return st.lists(line, max_size=6).map(lambda ls: "\n".join(ls).encode("utf-8", "replace"))


payloads = st.one_of(st.binary(max_size=2000), text_in_encoding(), gzip_maybe_truncated(),
                     warc_maybe_truncated(), jsonl_lines())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(payloads, min_size=1, max_size=4))
def test_ingestion_never_raises_and_accounts_for_every_input(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("fuzz")
    paths = []
    for i, data in enumerate(files):
        path = folder / f"input_{i}.bin"
        path.write_bytes(data)
        paths.append(path)
    inputs = ingest_inputs((r for p in paths for r in expand_file(p, 100_000)), "fuzz", NOW)
    _, sources, quarantine, skipped = split_inputs(inputs)
    assert reconcile(inputs["input_uri"], sources["input_uri"], quarantine["source_uri"], skipped["input_uri"]).ok
    # every file is represented by at least one input
    assert {p.resolve().as_uri() for p in paths} <= {u.split("#")[0] for u in inputs["input_uri"]}
