from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
# Tests write their inbox files and run at once: no settle time (tests of the settle time pass their own).
os.environ["WEBFACTS_SETTLE_S"] = "0"


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import load_nlp
    return load_nlp()


def new_dagster_home(home: Path) -> Path:
    """An empty Dagster instance folder with telemetry off."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return home


@pytest.fixture(scope="session")
def dagster_home(tmp_path_factory) -> Path:
    home = new_dagster_home(tmp_path_factory.mktemp("dagster_home"))
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def run_pipeline(inbox: Path, warehouse: Path) -> int:
    from assets.runner import run
    return run(str(inbox), str(warehouse))


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory, dagster_home) -> Path:
    path = tmp_path_factory.mktemp("wh") / "sample.duckdb"
    assert run_pipeline(SAMPLE, path) == 0
    return path
