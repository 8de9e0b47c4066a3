"""URL lists against a local HTTP server on 127.0.0.1 (no other address is ever contacted)."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.fetch import USER_AGENT, FetchPolicy, Fetcher
from pipeline.sources import expand_file

LOCAL = ("127.0.0.1/32",)  # the test server's address: refused by default, as every loopback address is
PAGE = b"<html><body><article><p>A page served locally for the fetch test.</p></article></body></html>"


class Handler(BaseHTTPRequestHandler):
    flaky_hits = 0
    agents: list[str] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802
        Handler.agents.append(self.headers.get("User-Agent", ""))
        routes = {"/ok": self.ok, "/moved": self.moved, "/missing": self.missing, "/slow": self.slow,
                  "/big": self.big, "/image": self.image, "/flaky": self.flaky}
        routes.get(self.path, self.missing)()

    def send(self, status, body=b"", ctype="text/html; charset=utf-8", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def ok(self):
        self.send(200, PAGE)

    def moved(self):
        self.send(301, extra=[("Location", "/ok")])

    def missing(self):
        self.send(404, b"nope")

    def slow(self):
        time.sleep(1.5)
        try:
            self.send(200, PAGE)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out first, as intended

    def big(self):
        self.send(200, b"<p>" + b"x" * 5000 + b"</p>")

    def image(self):
        self.send(200, b"\x89PNG....", ctype="image/png")

    def flaky(self):
        Handler.flaky_hits += 1
        self.send(503 if Handler.flaky_hits == 1 else 200, PAGE)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture()
def fetcher():
    return Fetcher(FetchPolicy(timeout_s=0.5, max_bytes=1000, retries=1, backoff_s=0.01, per_host_delay_s=0,
                               allow=LOCAL))


def test_each_outcome(server, fetcher):
    got = {path: fetcher.fetch(server + path) for path in ("/ok", "/moved", "/missing", "/slow", "/big", "/image")}
    assert got["/ok"].data == PAGE and got["/ok"].declared_charset == "utf-8"
    assert got["/moved"].data == PAGE and got["/moved"].source_uri.endswith("/ok")
    assert (got["/missing"].reason, got["/missing"].detail) == ("fetch_failed", "HTTP 404 Not Found")
    assert got["/slow"].reason == "fetch_failed" and "timed out" in got["/slow"].detail
    assert got["/big"].reason == "too_large"
    assert got["/image"].reason == "fetch_failed" and "image/png" in got["/image"].detail
    assert all(a == USER_AGENT for a in Handler.agents)


def test_transient_errors_are_retried(server, fetcher):
    assert fetcher.fetch(server + "/flaky").data == PAGE


def test_per_host_delay_is_respected(server):
    polite = Fetcher(FetchPolicy(per_host_delay_s=0.3, retries=0, allow=LOCAL))
    started = time.monotonic()
    for _ in range(3):
        polite.fetch(server + "/ok")
    assert time.monotonic() - started >= 0.6


def test_url_list_file_becomes_one_input_per_url(server, fetcher, tmp_path):
    urls = tmp_path / "links.urls"
    urls.write_text(f"{server}/ok\n{server}/missing\n\n{server}/image\n")
    results = list(expand_file(urls, 10_000, fetcher))
    assert [(r.input_uri, r.reason) for r in results] == [
        (f"{server}/ok", None), (f"{server}/missing", "fetch_failed"), (f"{server}/image", "fetch_failed")]


def test_not_a_url_is_a_quarantine_row(fetcher):
    assert fetcher.fetch("ftp://example.invalid/x").reason == "fetch_failed"
