"""Hostile inputs and faults (issue 15): each attack is built here, and each ends as one quarantine row (or one
fetch_failed row) while every other input of its batch reaches the warehouse.

Only 127.0.0.1 is ever contacted; every server loop is bounded.
"""
import ast
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import duckdb
import pytest
from hypothesis import example, given, settings as hyp_settings, strategies as st

from pipeline.batches import batch_files, register_batches
from pipeline.fetch import FetchPolicy, Fetcher
from pipeline.sources import expand_file, file_uri
from tests.conftest import ROOT, SAMPLE, run_pipeline

CAP = 20 * 1024 * 1024  # the default WEBFACTS_MAX_BYTES
PAGE = (b"<html><head><title>Local page</title></head><body><article><p>" + b"A page served on the loopback "
        b"interface for the hostile input tests, long enough to count as an article. " * 3 + b"</p></article>"
        b"</body></html>")
LOCAL = ("127.0.0.1/32",)
GOOD_FILES = ("harbor_review_tides_of_glass.html", "northwind_tides_of_glass.html")


def zlib_bomb(expanded: int, wbits: int) -> bytes:
    """`expanded` zero bytes compressed in memory (1 MiB at a time): gzip (wbits 31), zlib (15) or raw (-15)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(1 << 20)
    return b"".join([packer.compress(zeros) for _ in range(expanded >> 20)] + [packer.flush()])


def brotli_bomb(expanded: int) -> bytes:
    packer, zeros = brotli.Compressor(quality=1), bytes(1 << 20)
    return b"".join([packer.process(zeros) for _ in range(expanded >> 20)] + [packer.finish()])


def warc_record(payload: bytes, headers: str = "Content-Type: text/html\r\n", length: int | None = None,
                uri: str = "http://site.example/page") -> bytes:
    http = b"HTTP/1.1 200 OK\r\n" + headers.encode() + b"\r\n" + payload
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + uri.encode()
            + b"\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: "
            + str(len(http) if length is None else length).encode() + b"\r\n\r\n" + http + b"\r\n\r\n")


def outcomes(inputs) -> list[tuple[str, str | None]]:
    return [(r.input_uri.rsplit("/", 1)[-1], r.reason or r.skipped) for r in inputs]


# ---------------------------------------------------------------- bombs
def test_decompression_bombs_stop_at_the_cap_in_files_and_warc_records(tmp_path):
    cap = 1 << 20
    (tmp_path / "bomb.html.gz").write_bytes(zlib_bomb(64 << 20, 31))
    deflate = zlib_bomb(64 << 20, 15)
    nested = zlib.compress(zlib_bomb(64 << 20, 31))  # gzip, then deflate on top
    (tmp_path / "archive.warc").write_bytes(
        warc_record(deflate, "Content-Type: text/html\r\nContent-Encoding: deflate\r\n", uri="http://a.example/deflate")
        + warc_record(zlib_bomb(64 << 20, -15), "Content-Type: text/html\r\nContent-Encoding: deflate\r\n")
        + warc_record(nested, "Content-Type: text/html\r\nContent-Encoding: gzip, deflate\r\n")
        + warc_record(brotli_bomb(64 << 20), "Content-Type: text/html\r\nContent-Encoding: br\r\n")
        + warc_record(PAGE, uri="http://a.example/fine"))
    got = [r for p in sorted(tmp_path.iterdir()) for r in expand_file(p, cap, inbox=tmp_path)]
    assert [r.reason for r in got] == ["too_large"] * 4 + [None, "too_large"]  # archive.warc, then bomb.html.gz
    assert all("cap" in r.detail for r in got if r.reason)
    assert got[4].data == PAGE


BOMB_RUNNER = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from pipeline.ingest import ingest_inputs
from pipeline.sources import expand_file
from datetime import datetime, timezone
folder = Path(sys.argv[1])
frame = ingest_inputs((r for p in sorted(folder.iterdir()) for r in expand_file(p, {cap}, inbox=folder)), "b",
                      datetime.now(timezone.utc))
# VmHWM: this process's own peak. ru_maxrss would count the pytest process it was forked from (Linux keeps the
# high-water mark across fork and exec).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(",".join(sorted(frame["reason"].drop_nulls())), peak_kb // 1024)
"""


def test_peak_memory_on_gigabyte_bombs_stays_under_500_mb(tmp_path):
    """The issue's attack at full size: 2 MB of deflate in a WARC record and a .gz file, 1 GiB each expanded,
    read in a fresh process under the default cap."""
    folder = tmp_path / "bombs"
    folder.mkdir()
    bomb = zlib_bomb(1 << 30, 15)
    (folder / "record.warc").write_bytes(
        warc_record(bomb, "Content-Type: text/html\r\nContent-Encoding: deflate\r\n"))
    (folder / "page.html.gz").write_bytes(zlib_bomb(1 << 30, 31))
    (folder / "page.br.warc").write_bytes(
        warc_record(brotli_bomb(2 << 30), "Content-Type: text/html\r\nContent-Encoding: br\r\n"))
    out = subprocess.run([sys.executable, "-c", BOMB_RUNNER.format(root=str(ROOT), cap=CAP), str(folder)],
                         capture_output=True, text=True, timeout=300, check=True).stdout.split()
    reasons, peak_mb = out[0], int(out[1])
    assert reasons == "too_large,too_large,too_large"
    assert peak_mb < 500, f"peak {peak_mb} MB"


# ---------------------------------------------------------------- files that are not files
def test_fifo_devices_and_symlinks_out_of_the_inbox_are_never_read(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "pipe.html")  # opening it would block until a writer comes
    (inbox / "zero.html").symlink_to("/dev/zero")  # size 0 to stat, endless to read
    (inbox / "passwd.txt").symlink_to("/etc/passwd")
    (inbox / "dangling.html").symlink_to(tmp_path / "nowhere")
    (inbox / "fine.txt").write_text("A plain text file inside the inbox, read as usual.")
    (inbox / "inside.txt").symlink_to(inbox / "fine.txt")  # a symlink that stays in the inbox is followed
    started = time.monotonic()
    got = dict(outcomes(r for p in sorted(inbox.iterdir()) for r in expand_file(p, CAP, inbox=inbox)))
    assert time.monotonic() - started < 5
    assert got == {"dangling.html": "outside_inbox", "fine.txt": None, "inside.txt": None, "passwd.txt": "outside_inbox",
                   "pipe.html": "not_regular_file", "zero.html": "outside_inbox"}
    # The operator may allow symlinks out of the inbox: a device is still never opened, a regular file is read.
    allowed = dict(outcomes(r for p in sorted(inbox.iterdir()) for r in expand_file(p, CAP, inbox=inbox,
                                                                                    allow_outside=True)))
    assert allowed["zero.html"] == "not_regular_file" and allowed["pipe.html"] == "not_regular_file"
    assert allowed["passwd.txt"] is None and allowed["dangling.html"] == "unreadable"


def test_non_utf8_file_names_are_registered_and_recorded_percent_encoded(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    name = os.fsdecode(b"caf\xe9-\xff.txt")  # Latin-1 bytes: not UTF-8
    (inbox / name).write_text("A file whose name is not UTF-8 is still a document.")
    ledger = tmp_path / "ledger.sqlite"
    [batch] = register_batches(ledger, inbox)
    [path] = batch_files(ledger, batch)
    assert os.fsencode(path.name) == b"caf\xe9-\xff.txt"  # lossless through the ledger
    [raw] = expand_file(path, CAP, inbox=inbox)
    assert raw.input_uri.endswith("/caf%E9-%FF.txt") and raw.data.startswith(b"A file whose name")
    assert register_batches(ledger, inbox) == []  # and known on the next scan


def test_an_input_that_makes_a_stage_raise_is_one_quarantine_row(tmp_path):
    (tmp_path / "links.urls").write_text("http://a.example/1\n")

    def failing_fetch(urls):
        yield from ()
        raise ValueError("invalid literal for int() with base 10: '164, 164'\nsecond line")
    [raw] = expand_file(tmp_path / "links.urls", CAP, failing_fetch)
    assert raw.reason == "stage_error" and raw.input_uri == file_uri(tmp_path / "links.urls")
    assert raw.detail == "ingest: ValueError: invalid literal for int() with base 10: '164, 164'"


# ---------------------------------------------------------------- WARC framing
def test_warc_record_with_a_wrong_length_is_one_row_and_reading_resumes(tmp_path):
    archive = tmp_path / "a.warc"
    archive.write_bytes(warc_record(PAGE, uri="http://a.example/1")
                        + warc_record(PAGE.replace(b"page", b"text"), length=60, uri="http://a.example/2")
                        + warc_record(PAGE.replace(b"page", b"item"), uri="http://a.example/3")
                        + b"garbage between records\r\n"
                        + warc_record(PAGE.replace(b"page", b"leaf"), length=10 ** 6, uri="http://a.example/4")
                        + warc_record(PAGE.replace(b"page", b"note"), uri="http://a.example/5"))
    got = list(expand_file(archive, CAP, inbox=tmp_path))
    assert [(r.source_uri.rsplit("/", 1)[-1], r.reason) for r in got] == [
        ("1", None), ("2", "malformed_record"), ("3", None), (f"a.warc#record=4", "malformed_record"),
        ("4", "malformed_record"), ("5", None)]
    assert "does not end at a record boundary" in got[1].detail and "not a WARC record" in got[3].detail
    assert b"item" in got[2].data and b"note" in got[5].data


# ---------------------------------------------------------------- the fetcher
class Hostile(BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        Hostile.hits.append(self.path)
        route = getattr(self, "route_" + self.path.strip("/").split("?")[0].replace("-", "_"), self.route_page)
        try:
            route()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first, as intended

    def head(self, status=200, headers=(("Content-Type", "text/html"),)):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()

    def route_page(self):
        self.head(headers=[("Content-Type", "text/html"), ("Content-Length", str(len(PAGE)))])
        self.wfile.write(PAGE)

    def route_trickle(self):
        self.head(headers=[("Content-Type", "text/html"), ("Content-Length", "200")])
        for _ in range(60):  # bounded: at most 12 s
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.2)

    def route_double_length(self):
        self.head(headers=[("Content-Type", "text/html"), ("Content-Length", f"{len(PAGE)}, {len(PAGE)}")])
        self.wfile.write(PAGE)

    def route_repeated_headers(self):
        self.head(headers=[("Content-Type", "text/html"), ("Content-Length", str(len(PAGE))),
                           ("Content-Length", str(len(PAGE))), ("Content-Type", "text/html")])
        self.wfile.write(PAGE)

    def route_lying_length(self):
        self.head(headers=[("Content-Type", "text/html"), ("Content-Length", "100000")])
        self.wfile.write(PAGE)
        self.close_connection = True

    def route_to_loopback(self):
        self.head(302, [("Location", f"http://127.0.0.2:{self.server.server_address[1]}/page")])

    def route_to_metadata(self):
        self.head(302, [("Location", "http://169.254.169.254/latest/meta-data/")])

    def route_loop(self):
        self.head(302, [("Location", "/loop")])

    def route_bomb(self):
        body = brotli_bomb(256 << 20)
        self.head(headers=[("Content-Type", "text/html"), ("Content-Encoding", "br"),
                           ("Content-Length", str(len(body)))])
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def local_fetcher(**policy) -> Fetcher:
    defaults = dict(timeout_s=1.0, max_bytes=1 << 20, retries=0, per_host_delay_s=0, allow=LOCAL)
    return Fetcher(FetchPolicy(**defaults | policy))


def test_loopback_private_and_metadata_addresses_are_refused_before_connecting(server):
    Hostile.hits.clear()
    default = Fetcher(FetchPolicy(retries=0, per_host_delay_s=0))  # the production default: nothing allowed
    for url in (server + "/page", "http://localhost/", "http://10.1.2.3/", "http://169.254.169.254/latest/",
                "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/", "http://100.100.100.200/",
                "file:///etc/passwd", "gopher://127.0.0.1/"):
        got = default.fetch(url)
        assert got.reason == "fetch_failed" and got.data is None, url
        assert "refused" in got.detail or "not an http(s) URL" in got.detail, (url, got.detail)
    assert Hostile.hits == []  # not one request reached the server


def test_redirects_are_checked_at_every_hop(server):
    Hostile.hits.clear()
    fetcher = local_fetcher()
    to_loopback, to_metadata, loop = (fetcher.fetch(server + p) for p in ("/to-loopback", "/to-metadata", "/loop"))
    assert to_loopback.reason == "fetch_failed" and "127.0.0.2 is a loopback address" in to_loopback.detail
    assert to_metadata.reason == "fetch_failed" and "169.254.169.254 is a link-local" in to_metadata.detail
    assert loop.reason == "fetch_failed" and "redirects" in loop.detail
    assert "/page" not in Hostile.hits


def test_a_trickling_server_is_cut_off_at_the_deadline_per_url_and_per_list(server):
    fetcher = local_fetcher(url_deadline_s=1.0, list_deadline_s=1.5)
    started = time.monotonic()
    got = list(fetcher([server + "/trickle", server + "/trickle", server + "/trickle", server + "/page"]))
    elapsed = time.monotonic() - started
    assert elapsed < 4, elapsed  # the read timeout (1 s) alone never fires: a byte comes every 0.2 s
    assert got[0].reason == "fetch_failed" and "deadline of 1 s passed" in got[0].detail
    assert [r.reason for r in got] == ["fetch_failed"] * 4
    assert "URL list's 1.5-second deadline passed" in got[-1].detail


def test_lying_and_repeated_headers_and_bombs_are_rows_not_exceptions(server):
    fetcher = local_fetcher()
    got = {p: fetcher.fetch(server + p) for p in ("/double-length", "/repeated-headers", "/lying-length", "/bomb")}
    assert got["/double-length"].data == PAGE and got["/repeated-headers"].data == PAGE
    assert got["/lying-length"].reason == "fetch_failed"
    assert got["/bomb"].reason == "too_large" and "cap" in got["/bomb"].detail


# ---------------------------------------------------------------- one batch of everything, end to end
def test_a_hostile_inbox_quarantines_each_attack_and_publishes_every_other_input(tmp_path, dagster_home, server,
                                                                                monkeypatch):
    inbox, wh = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    for name in GOOD_FILES:
        shutil.copy(SAMPLE / name, inbox / name)
    shutil.copy(SAMPLE / "festival_fr.html", inbox / os.fsdecode(b"f\xeate.html"))  # a non-UTF-8 name
    os.mkfifo(inbox / "pipe.html")
    (inbox / "zero.html").symlink_to("/dev/zero")
    (inbox / "passwd").symlink_to("/etc/passwd")
    (inbox / "bomb.html.gz").write_bytes(zlib_bomb(64 << 20, 31))
    (inbox / "crawl.warc").write_bytes(
        warc_record(zlib_bomb(64 << 20, 15), "Content-Type: text/html\r\nContent-Encoding: deflate\r\n",
                    uri="http://a.example/bomb")
        + warc_record(PAGE, length=50, uri="http://a.example/short")
        + warc_record((SAMPLE / GOOD_FILES[0]).read_bytes().replace(b"Harbor", b"Quay"),
                      uri="http://a.example/after"))
    (inbox / "internal.txt").write_text(f"{server}/page\n{server}/to-loopback\n")  # only URLs: a URL list
    monkeypatch.setenv("WEBFACTS_MAX_BYTES", str(1 << 20))
    Hostile.hits.clear()
    assert run_pipeline(inbox, wh) == 0
    assert Hostile.hits == []  # the internal pages were never requested
    with duckdb.connect(str(wh), read_only=True) as con:
        reasons = dict(con.execute("SELECT regexp_extract(source_uri, '[^/]+$'), reason FROM quarantine "
                                   "WHERE reason <> 'no_main_content'").fetchall())
        sources = {r[0] for r in con.execute(
            "SELECT regexp_extract(input_uri, '[^/]+$') FROM document_sources").fetchall()}
        urls = {r[0] for r in con.execute("SELECT source_uri FROM document_sources").fetchall()}
    assert reasons == {"pipe.html": "not_regular_file", "zero.html": "outside_inbox", "passwd": "outside_inbox",
                       "bomb.html.gz": "too_large", "crawl.warc#record=1": "too_large",
                       "crawl.warc#record=2": "malformed_record", "page": "fetch_failed",
                       "to-loopback": "fetch_failed"}
    assert sources == {*GOOD_FILES, "f%EAte.html", "crawl.warc#record=3"}
    assert "http://a.example/after" in urls


# ---------------------------------------------------------------- messages
def test_corrupted_ledger_and_truncated_warehouse_are_one_line_naming_the_file(sample_warehouse, tmp_path, capsys):
    from assets.cli import main
    wh = tmp_path / "w.duckdb"
    shutil.copy(sample_warehouse, wh)
    ledger = tmp_path / "w.duckdb.batches.sqlite"
    ledger.write_bytes(b"not a database, a scribbled-over ledger " * 200)
    assert run_pipeline(SAMPLE, wh) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"the batch ledger {ledger} is corrupted" in err[0] and "move it aside" in err[0]
    ledger.unlink()
    wh.write_bytes(wh.read_bytes()[: wh.stat().st_size // 3])
    for command in (lambda: run_pipeline(SAMPLE, wh), lambda: main(["facts", "--warehouse", str(wh)])):
        assert command() == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and f"the warehouse {wh} is not a readable DuckDB file" in err[0], "\n".join(err)
        assert "restore it from a backup, or move it aside" in err[0]


def test_about_matches_percent_and_underscore_literally(sample_warehouse):
    from warehouse.queries import FactFilter, facts
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        everything = con.execute("SELECT count(*) FROM facts").fetchone()[0]
        assert everything > 0
        assert facts(con, FactFilter(about="%")).is_empty() and facts(con, FactFilter(about="_")).is_empty()
        assert facts(con, FactFilter(about="T_des")).is_empty()
        assert facts(con, FactFilter(about="Tides")).height > 0


# ---------------------------------------------------------------- time limits and regular expressions
def pipeline_regexes() -> list[tuple[str, re.Pattern]]:
    """Every regular expression in pipeline/: compiled at module level, or a literal passed to re.* in a function."""
    import importlib
    found = {}
    for source in sorted((ROOT / "pipeline").glob("*.py")):
        module = importlib.import_module(f"pipeline.{source.stem}")
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[f"{source.stem}.{name}"] = value
        for node in ast.walk(ast.parse(source.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, (str, bytes))):
                pattern = node.args[0].value
                found.setdefault(f"{source.stem}:{node.lineno}", re.compile(pattern, re.IGNORECASE))
    return sorted(found.items())


REGEXES = pipeline_regexes()


def adversarial(pattern: re.Pattern):
    """Strings made of the pattern's own characters: a prefix, one short unit repeated up to 300 times, a tail that
    makes the match fail at the very end (where a backtracking engine retries every split of the repeats)."""
    source = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode("latin-1")
    alphabet = sorted(set(source) | set(" \t\n|.a:[]A1-@>"))
    text = st.text(alphabet=alphabet, max_size=4)
    return st.tuples(text, st.text(alphabet=alphabet, min_size=1, max_size=4), st.integers(1, 300), text).map(
        lambda t: t[0] + t[1] * t[2] + t[3])


@pytest.mark.parametrize("name,pattern", REGEXES, ids=[n for n, _ in REGEXES])
def test_no_regex_backtracks_catastrophically(name, pattern):
    """Each pattern, on adversarial strings of up to ~1,200 characters, answers within a second (a catastrophic
    one takes hours by 30 repeats). The interrupt is the pipeline's own per-document time limit."""
    from pipeline.workers import DocumentTimeout, time_limit

    @hyp_settings(max_examples=60, deadline=None, derandomize=True)
    @given(text=adversarial(pattern))
    @example(text="a " + "| " * 40 + "b")  # the 658-byte page of issue 15, against the old teaser pattern
    def check(text):
        subject = text if isinstance(pattern.pattern, str) else text.encode("utf-8")
        try:
            with time_limit(1.0, name):
                pattern.search(subject), pattern.match(subject), pattern.fullmatch(subject)
                pattern.sub("", subject)
        except DocumentTimeout:
            pytest.fail(f"{name} backtracks catastrophically on {text[:80]!r}... ({len(text)} characters)")
    check()


def test_the_issue_page_that_hung_cleaning_now_cleans_in_milliseconds():
    from pipeline.clean import clean_row
    page = ("<html><body><article><p>" + "Real words in a sentence of this article. " * 10 + "</p>"
            "<h3>Most read</h3><p>Headline " + "| " * 40 + "x</p></article></body></html>")
    started = time.monotonic()
    kind, row = clean_row(("0" * 24, page, "text/html", None), 5.0)
    assert time.monotonic() - started < 1 and kind == "ok" and "Real words" in row["text"]


def test_a_document_past_the_time_limit_is_quarantined_as_timeout_with_its_stage():
    from pipeline.clean import clean_row
    from pipeline.extract import extract_chunk
    long_page = ("<html><body>" + ("<div><p>" + "Some paragraph text of a long page. " * 20 + "</p></div>") * 2000
                 + "</body></html>")
    started = time.monotonic()
    kind, row = clean_row(("1" * 24, long_page, "text/html", None), 0.05)
    assert time.monotonic() - started < 1
    assert (kind, row["reason"]) == ("rejected", "timeout") and row["detail"].startswith("cleaning: over the 0.05")
    text = "Vera Lund directed the film Dry Dock in Lyon. " * 3000
    started = time.monotonic()
    done, mentions, extractions, rejected = extract_chunk((None, 0.5, [("2" * 24, text, None),
                                                                       ("3" * 24, "Vera Lund lives in Lyon.", None)]))
    assert time.monotonic() - started < 5
    assert done == 2 and rejected == [{"doc_id": "2" * 24, "reason": "timeout",
                                       "detail": "parsing: over the 0.5-second limit per document "
                                                 "(WEBFACTS_DOCUMENT_TIMEOUT_S)"}]
    assert {m["doc_id"] for m in mentions} == {"3" * 24}  # the next document of the chunk is parsed as usual


# ---------------------------------------------------------------- kill -9, then run again at once
def webfacts_run(inbox: Path, wh: Path, home: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """`webfacts run` in its own process, as an operator would start it again."""
    return subprocess.run([sys.executable, "-m", "assets.cli", "run", "--inbox", str(inbox), "--warehouse", str(wh)],
                          cwd=ROOT, env=dict(os.environ, DAGSTER_HOME=str(home)), capture_output=True, text=True,
                          timeout=timeout)


def leftovers(folder: Path) -> list[str]:
    """Whatever a publisher leaves beside the warehouse: temp builds of any shape, WALs, lock files."""
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or p.name.endswith((".wal", ".lock")))


def test_kill_9_at_random_moments_then_an_immediate_rerun_finishes_and_equals_an_uninterrupted_build(tmp_path):
    """The project's dagster.instance.yaml (a duckdb pool of one slot) in one DAGSTER_HOME for every run: a run
    killed while it holds the slot must not block the next run forever."""
    import random

    from dagster import DagsterInstance

    from tests.test_crash_safety import STAGES, assert_same_build, kill_run_in
    from tests.test_incremental import snapshot
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.instance.yaml", home / "dagster.yaml")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in (*GOOD_FILES, "empty.html"):
        shutil.copy(SAMPLE / name, inbox / name)
    started = time.monotonic()
    assert webfacts_run(inbox, tmp_path / "reference.duckdb", home).returncode == 0
    duration = time.monotonic() - started
    reference = snapshot(tmp_path / "reference.duckdb")

    # First the issue's case: killed inside the publish, holding the pool's only slot.
    folder = tmp_path / "publish"
    folder.mkdir()
    kill_run_in(STAGES["8_publish"], inbox, str(folder / "w.duckdb"), home)
    with DagsterInstance.from_config(str(home)) as instance:
        assert instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots  # the dead run holds it
    rerun = webfacts_run(inbox, folder / "w.duckdb", home)
    assert rerun.returncode == 0 and "released 1 earlier run" in rerun.stderr, rerun.stderr
    assert_same_build(snapshot(folder / "w.duckdb"), reference)
    assert leftovers(folder) == []

    # Then kill -9 at random moments of a whole run, five times, each followed at once by a re-run.
    moments = random.Random(15)
    for kill in range(5):
        folder = tmp_path / f"kill{kill}"
        folder.mkdir()
        proc = subprocess.Popen([sys.executable, "-m", "assets.cli", "run", "--inbox", str(inbox), "--warehouse",
                                 str(folder / "w.duckdb")], cwd=ROOT, env=dict(os.environ, DAGSTER_HOME=str(home)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(moments.uniform(0.5, duration))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        rerun = webfacts_run(inbox, folder / "w.duckdb", home)
        assert rerun.returncode == 0, rerun.stderr
        assert_same_build(snapshot(folder / "w.duckdb"), reference)
        assert leftovers(folder) == [], kill
    with DagsterInstance.from_config(str(home)) as instance:
        assert instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots == []


# ---------------------------------------------------------------- files still being written, and new versions
def test_a_file_changed_within_the_settle_time_waits_for_the_next_scan(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "old.txt").write_text("Finished long ago.")
    os.utime(inbox / "old.txt", (time.time() - 60, time.time() - 60))
    (inbox / "growing.txt").write_text("Still being wri")
    held: list[str] = []
    [batch] = register_batches(tmp_path / "ledger.sqlite", inbox, settle_s=30, held=held)
    assert [p.name for p in batch_files(tmp_path / "ledger.sqlite", batch)] == ["old.txt"]
    assert [Path(p).name for p in held] == ["growing.txt"]
    os.utime(inbox / "growing.txt", (time.time() - 31, time.time() - 31))  # quiet for the settle time now
    [later] = register_batches(tmp_path / "ledger.sqlite", inbox, settle_s=30)
    assert [p.name for p in batch_files(tmp_path / "ledger.sqlite", later)] == ["growing.txt"]


def facts_support(wh: Path) -> set[tuple]:
    with duckdb.connect(str(wh), read_only=True) as con:
        return set(con.execute("SELECT fact_id, n_documents, n_independent FROM facts").fetchall())


def test_a_new_version_of_a_file_replaces_the_old_one_and_support_is_not_inflated(tmp_path, dagster_home):
    complete = (SAMPLE / GOOD_FILES[0]).read_bytes()
    inbox, wh = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    shutil.copy(SAMPLE / GOOD_FILES[1], inbox / GOOD_FILES[1])
    page = inbox / "review.html"
    page.write_bytes(complete[: len(complete) * 3 // 4])  # ingested while half-written
    assert run_pipeline(inbox, wh) == 0
    with duckdb.connect(str(wh), read_only=True) as con:
        [(first_doc,)] = con.execute("SELECT doc_id FROM document_sources WHERE input_uri LIKE '%review.html'"
                                     ).fetchall()
    page.write_bytes(complete)  # and again when complete
    os.utime(page, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert run_pipeline(inbox, wh) == 0

    only_complete = tmp_path / "complete"
    only_complete.mkdir()
    shutil.copy(SAMPLE / GOOD_FILES[1], only_complete / GOOD_FILES[1])
    (only_complete / "review.html").write_bytes(complete)
    assert run_pipeline(only_complete, tmp_path / "reference.duckdb") == 0

    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute("SELECT doc_id FROM document_sources WHERE input_uri LIKE '%review.html'").fetchall()
        assert len(rows) == 1 and rows[0][0] != first_doc  # one input, its current version
        for table in ("raw_documents", "documents", "claims", "fact_evidence", "mentions"):
            assert con.execute(f"SELECT count(*) FROM {table} WHERE doc_id = ?", [first_doc]).fetchone()[0] == 0
    assert facts_support(wh) == facts_support(tmp_path / "reference.duckdb")


def test_a_long_url_list_is_fetched_in_bounded_batches_like_files(tmp_path, dagster_home, server, monkeypatch):
    inbox, wh = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    urls = [f"{server}/page?n={i}" for i in range(25)]
    (inbox / "crawl.urls").write_text("\n".join(urls) + "\n")
    shutil.copy(SAMPLE / GOOD_FILES[0], inbox / GOOD_FILES[0])
    for name, value in {"WEBFACTS_BATCH_MAX_URLS": "10", "WEBFACTS_FETCH_ALLOW": "127.0.0.1/32",
                        "WEBFACTS_FETCH_DELAY_S": "0"}.items():
        monkeypatch.setenv(name, value)
    Hostile.hits.clear()
    assert run_pipeline(inbox, wh) == 0
    with duckdb.connect(str(wh), read_only=True) as con:
        batches = con.execute("SELECT batch_id, count(*) FROM document_sources WHERE input_uri LIKE 'http%' "
                              "GROUP BY 1 ORDER BY 1").fetchall()
        fetched = {r[0] for r in con.execute("SELECT input_uri FROM document_sources").fetchall()}
    assert sorted(n for _, n in batches) == [5, 10, 10]  # three batches of at most ten URLs
    assert fetched >= set(urls) and sorted(Hostile.hits) == sorted(u.removeprefix(server) for u in urls)
    assert any(u.endswith(GOOD_FILES[0]) for u in fetched)


def running_pid(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()  # a zombie has stopped running
    except FileNotFoundError:
        return False


def test_a_worker_stuck_beyond_the_time_limit_is_killed_and_replaced_and_the_batch_goes_on():
    from pipeline import workers
    from tests.stuck_worker import sleep_deaf_to_alarms
    started = time.monotonic()
    with workers.WorkerPool(2) as pool, pool.activated():  # as a run owns it; the steps' ordered_map uses it
        results = workers.ordered_map(sleep_deaf_to_alarms, [0.1, 3600, 0.2, 0.1], processes=2, limit_s=20,
                                      on_timeout=lambda seconds: f"stuck {seconds}")
        got = [next(results)]
        first_workers = pool.pids()  # the workers that will hold the stuck task
        got += list(results)
        assert pool.running and not pool.pids() & first_workers  # new workers
    assert not pool.running and not workers.running()
    assert got == ["slept 0.1", "stuck 3600", "slept 0.2", "slept 0.1"]  # in order, the rest done on the new pool
    assert time.monotonic() - started < 120
    assert not any(running_pid(pid) for pid in first_workers)  # the stuck worker was killed, not left sleeping


def test_hostile_servers_in_a_url_list_are_rows_and_the_batch_publishes(tmp_path, dagster_home, server,
                                                                       monkeypatch):
    """The issue's 'Content-Length: 164, 164' stopped every later run on its batch; with a trickling server, a
    lying length, a redirect to loopback and a brotli bomb in the same list, the batch now publishes."""
    inbox, wh = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    paths = ["/double-length", "/trickle", "/lying-length", "/to-loopback", "/bomb", "/loop"]
    (inbox / "hostile.urls").write_text("".join(f"{server}{p}\n" for p in paths))
    shutil.copy(SAMPLE / GOOD_FILES[0], inbox / GOOD_FILES[0])
    for name, value in {"WEBFACTS_FETCH_ALLOW": "127.0.0.1/32", "WEBFACTS_FETCH_DELAY_S": "0",
                        "WEBFACTS_FETCH_URL_DEADLINE_S": "2", "WEBFACTS_MAX_BYTES": str(1 << 20)}.items():
        monkeypatch.setenv(name, value)
    assert run_pipeline(inbox, wh) == 0
    with duckdb.connect(str(wh), read_only=True) as con:
        quarantined = dict(con.execute("SELECT regexp_extract(source_uri, '/[^/]+$'), reason FROM quarantine "
                                       "WHERE reason <> 'no_main_content'").fetchall())
        sources = {r[0] for r in con.execute(
            "SELECT regexp_extract(input_uri, '/[^/]+$') FROM document_sources").fetchall()}
    assert quarantined == {"/trickle": "fetch_failed", "/lying-length": "fetch_failed",
                           "/to-loopback": "fetch_failed", "/bomb": "too_large", "/loop": "fetch_failed"}
    assert sources == {"/double-length", f"/{GOOD_FILES[0]}"}


def test_a_dns_lookup_that_hangs_is_cut_off_at_the_url_deadline(monkeypatch):
    import socket as sockets

    def hanging_lookup(*args, **kwargs):
        time.sleep(5)
        return []

    monkeypatch.setattr(sockets, "getaddrinfo", hanging_lookup)
    started = time.monotonic()
    got = local_fetcher(url_deadline_s=0.5).fetch("http://slow-dns.example/")
    assert time.monotonic() - started < 2
    assert got.reason == "fetch_failed" and "resolving slow-dns.example" in got.detail


def test_private_copies_a_killed_reader_left_are_removed(tmp_path):
    from warehouse.store import SNAPSHOT_PREFIX, remove_dead_snapshots

    dead = subprocess.Popen(["true"])
    dead.wait()
    left = tmp_path / f"{SNAPSHOT_PREFIX}{dead.pid}-abc"
    mine = tmp_path / f"{SNAPSHOT_PREFIX}{os.getpid()}-def"
    for folder in (left, mine):
        folder.mkdir()
        (folder / "w.duckdb").write_bytes(b"x")
    remove_dead_snapshots(tmp_path)
    assert not left.exists() and mine.exists()
