"""`webfacts report`: one HTML file that renders its charts and tables in a real browser with the network off.

Needs Debian's chromium, as the UI test does; skips with the reason otherwise.
"""
import shutil
from pathlib import Path

import pytest

from assets.cli import main
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "screenshots"


def test_report_is_one_self_contained_file(sample_warehouse, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", "--out", str(out), "--warehouse", str(sample_warehouse)]) == 0
    assert str(out) in capsys.readouterr().out
    page = out.read_text()
    for external in ("<script", "<link", "@import", "url(", "src=", "@font-face"):
        assert external not in page
    assert page.count("<svg") == 4 and "Marisol Okafor" in page and "Jonah Reyes" in page


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install -y "
                    "chromium); the report's browser test needs a real browser")
def test_report_renders_offline_in_a_real_browser(sample_warehouse, tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "report.html"
    assert main(["report", "--out", str(out), "--warehouse", str(sample_warehouse)]) == 0
    requested = []
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})

        def only_the_file(route):
            requested.append(route.request.url)
            if route.request.url.startswith("file:"):
                route.continue_()
            else:
                route.abort()
        context.route("**/*", only_the_file)
        page = context.new_page()
        page.goto(out.as_uri(), wait_until="load")
        bars = {chart: page.locator(f"#{chart} svg rect").count()
                for chart in ("chart-predicate", "chart-domain", "chart-support", "chart-contested")}
        drawn = page.locator("#chart-predicate svg rect").first.bounding_box()
        best = page.locator("#best-supported tbody tr").count()
        sides = page.locator("#contested .side").all_inner_texts()
        cards = page.locator("#summary .card").count()
        page.screenshot(path=str(SHOTS / "report.png"), full_page=True)
        browser.close()
    assert requested == [out.as_uri()]  # nothing but the page itself was asked for
    assert all(bars.values()) and bars["chart-support"] >= 2, bars
    assert drawn["width"] > 10 and drawn["height"] > 5  # the SVG is laid out, not an empty box
    assert best >= 5 and cards == 8
    assert any("Marisol Okafor" in s and "Film Ledger" in s for s in sides)
    assert any("Jonah Reyes" in s and "Harbor Review" in s for s in sides)
