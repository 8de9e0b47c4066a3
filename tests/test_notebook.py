"""The analyst notebook runs headless against the sample warehouse and produces its outputs."""
import os
import runpy
import subprocess
import sys
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "explore_facts.py"


def test_notebook_runs_headless_and_answers_the_questions(sample_warehouse, monkeypatch):
    monkeypatch.setenv("WEBFACTS_WAREHOUSE", str(sample_warehouse))
    app = runpy.run_path(str(NOTEBOOK))["app"]
    _, defs = app.run()
    assert defs["top_entities"].height > 0 and set(defs["top_entities"]["type"]) >= {"PERSON", "ORG", "WORK"}
    facts = defs["facts_about"]
    assert ("Tides of Glass", "director", "Jonah Reyes") in set(facts.select("subject", "predicate", "object").iter_rows())
    contested = defs["contested"]
    assert {"Jonah Reyes", "Marisol Okafor"} <= set(contested["object"]) and contested["sentence"].str.len_chars().min() > 20
    assert defs["support"].filter(defs["support"]["site"] == "Film Ledger").height == 1
    assert defs["per_predicate"]["facts"].sum() > 10


def test_notebook_script_mode_prints_its_tables(sample_warehouse):
    env = dict(os.environ, WEBFACTS_WAREHOUSE=str(sample_warehouse))
    done = subprocess.run([sys.executable, str(NOTEBOOK)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for title in ("Top entities by type", "Contested facts", "Support per source domain", "Facts per predicate"):
        assert title in done.stdout
    assert "Marisol Okafor" in done.stdout and "filmledger.example" in done.stdout and "cast_member" in done.stdout
