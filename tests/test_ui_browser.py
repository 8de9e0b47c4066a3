"""A real browser on the Dagster UI: asset graph and an asset's passing checks, screenshots saved.

Needs Debian's chromium (`apt-get install chromium`, which .ci/run does); skips with the reason otherwise.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "screenshots"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed "
                                "(apt-get install -y chromium); the UI browser test needs a real browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := predicate():
                return result
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture()
def dagster_dev(tmp_path):
    home, inbox = tmp_path / "home", tmp_path / "inbox"
    home.mkdir()
    shutil.copy(ROOT / "dagster.instance.yaml", home / "dagster.yaml")
    shutil.copytree(SAMPLE, inbox)
    port = free_port()
    env = dict(os.environ, DAGSTER_HOME=str(home), WEBFACTS_INBOX=str(inbox),
               WEBFACTS_WAREHOUSE=str(tmp_path / "w.duckdb"))
    # What `make dev` runs: dg dev, behind the launcher that stops it on SIGTERM
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "-m", "assets.devserver",
                             "-h", "127.0.0.1", "-p", str(port)], cwd=ROOT, env=env, start_new_session=True,
                            stdout=open(tmp_path / "dev.log", "w"), stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: graphql(port, "{ version }").get("data"), 120, "the Dagster webserver")
        yield port, tmp_path / "w.duckdb"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_asset_graph_and_checks_in_a_real_browser(dagster_dev):
    from playwright.sync_api import sync_playwright

    port, warehouse = dagster_dev
    # The inbox sensor is on by default: it registers the batch and materializes the graph.
    runs = "{ runsOrError { ... on Runs { results { runId status } } } }"
    wait_for(lambda: any(r["status"] == "SUCCESS" for r in graphql(port, runs)["data"]["runsOrError"]["results"]),
             300, "the sensor's run to succeed")
    assert warehouse.exists()
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/asset-groups", wait_until="networkidle")
        skip = page.get_by_role("button", name="Skip")  # the first-visit newsletter dialog
        try:
            skip.wait_for(timeout=5000)
            skip.click()
        except Exception:  # noqa: BLE001 - no dialog this time
            pass
        page.wait_for_timeout(2000)
        page.screenshot(path=str(SHOTS / "asset_graph.png"), full_page=True)
        graph = page.inner_text("body")
        page.goto(f"http://127.0.0.1:{port}/assets", wait_until="networkidle")
        page.wait_for_timeout(3000)
        page.screenshot(path=str(SHOTS / "asset_catalog.png"), full_page=True)
        for name in ("raw_documents", "cleaned_documents", "entity_mentions", "claims", "fact_warehouse"):
            page.get_by_text(name).first.wait_for(timeout=60_000)
        page.goto(f"http://127.0.0.1:{port}/assets/fact_warehouse?view=checks", wait_until="networkidle")
        page.get_by_text("fact_id_unique").first.wait_for(timeout=60_000)
        page.get_by_text("Passed").first.wait_for(timeout=60_000)
        page.screenshot(path=str(SHOTS / "fact_warehouse_checks.png"), full_page=True)
        body = page.inner_text("body")
        page.goto(f"http://127.0.0.1:{port}/assets/facts?view=events", wait_until="networkidle")
        page.get_by_text("first_source").first.wait_for(timeout=60_000)  # the preview's table, rendered inline
        page.wait_for_timeout(2000)
        page.screenshot(path=str(SHOTS / "facts_preview.png"), full_page=True)
        preview = page.inner_text("body")
        browser.close()
    assert all(group in graph for group in ("ingest", "text", "entities", "facts", "warehouse")), graph[:500]
    assert "facts_reference_entities" in body and "Failed" not in body
    assert "Marisol Okafor" in preview and "Tides of Glass" in preview and "Show Markdown" not in preview
