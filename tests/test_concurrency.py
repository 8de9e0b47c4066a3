"""An analyst querying read-only never fails and never sees half a publish."""
import json
import shutil
import subprocess
import sys
import time

import duckdb

from tests.conftest import SAMPLE, run_pipeline


def test_reader_survives_two_publishes_with_consistent_snapshots(tmp_path, dagster_home):
    inbox, wh, stop = tmp_path / "inbox", tmp_path / "w.duckdb", tmp_path / "stop"
    shutil.copytree(SAMPLE, inbox)
    assert run_pipeline(inbox, wh) == 0
    reader = subprocess.Popen([sys.executable, "tests/reader_loop.py", str(wh), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    time.sleep(1.0)
    for i, (title, director) in enumerate([("Night Harbor", "Vera Lund"), ("Salt Wind", "Vera Lund")]):
        (inbox / f"arrival_{i}.txt").write_text(  # two publishes while the reader loops
            f"Arrival\n\n\"{title}\" was directed by {director} and released on May {i + 2}, 2026. "
            "The film follows a ferry captain on the last crossing of the season, through fog and a storm.")
        assert run_pipeline(inbox, wh) == 0
    time.sleep(0.5)
    stop.touch()
    results = json.loads(reader.communicate(timeout=60)[0])
    queries = len(results["held"]) + len(results["fresh"])
    print(f"reader: {queries} queries during two publishes, {len(results['errors'])} failures")
    assert results["errors"] == [] and queries > 20
    for row in results["held"] + results["fresh"]:
        assert row[4] == 0 and row[5] == 0  # no evidence without its fact, support counts agree
    assert len({tuple(r) for r in results["held"]}) == 1  # the held connection keeps one snapshot
    snapshots = {tuple(r) for r in results["fresh"]}
    assert 1 <= len(snapshots) <= 3  # fresh connections see whole publishes only
    with duckdb.connect(str(wh), read_only=True) as con:
        facts = con.execute("SELECT count(*) FROM facts WHERE object = 'Vera Lund'").fetchone()[0]
    assert facts == 2  # a new connection afterwards sees both publishes


def test_run_warns_about_a_read_write_connection_and_is_not_blocked(tmp_path, dagster_home, capsys):
    inbox, wh = tmp_path / "inbox", tmp_path / "w.duckdb"
    shutil.copytree(SAMPLE, inbox)
    assert run_pipeline(inbox, wh) == 0
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(wh)!r}); "
                               "print('open', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        (inbox / "late.txt").write_text("Late news\n\n\"Quiet Bay\" was directed by Ana Pirs and released on June 3, "
                                        "2026, after a long winter shoot on the northern coast of the island.")
        from warehouse.publish import read_write_holder
        assert read_write_holder(wh)
        capsys.readouterr()
        assert run_pipeline(inbox, wh) == 0  # the run is not blocked
        err = capsys.readouterr().err
        assert "open read-write by another process" in err and "read_only=True" in err
    finally:
        holder.kill()
        holder.wait()
    assert not read_write_holder(wh)
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM facts WHERE object = 'Ana Pirs'").fetchone()[0] == 1
