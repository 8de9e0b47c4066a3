"""The analyst commands on the sample warehouse: each option, each format, the Parquet export, -v/-q, --version."""
import csv
import io
import json
import shutil

import duckdb
import polars as pl
import pytest

from assets.cli import main
from tests.conftest import SAMPLE


def output(capsys, *argv) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def as_json(capsys, *argv) -> list[dict]:
    return json.loads(output(capsys, *argv, "--format", "json"))


def test_facts_filters(sample_warehouse, capsys):
    wh = ["--warehouse", str(sample_warehouse)]
    directors = as_json(capsys, "facts", "--predicate", "director", *wh)
    assert directors and {f["predicate"] for f in directors} == {"director"}
    contested = as_json(capsys, "facts", "--contested", *wh)
    assert {f["object"] for f in contested} >= {"Jonah Reyes", "Marisol Okafor"}
    assert all(f["contested"] for f in contested)
    corroborated = as_json(capsys, "facts", "--min-independent", "2", *wh)
    assert corroborated and min(f["indep"] for f in corroborated) == 2
    everything = as_json(capsys, "facts", *wh)
    assert len(corroborated) < len(everything) == len({(f["subject"], f["predicate"], f["object"]) for f in everything})
    both = as_json(capsys, "facts", "--about", "Tides of Glass", "--contested", "--min-independent", "2", *wh)
    assert [(f["predicate"], f["object"]) for f in both] == [("director", "Marisol Okafor")]


def test_facts_formats(sample_warehouse, capsys):
    wh = ["--warehouse", str(sample_warehouse), "--predicate", "director"]
    table = output(capsys, "facts", *wh)
    assert table.splitlines()[0].split() == ["subject", "predicate", "object", "docs", "indep", "conf", "contested",
                                             "sources"]
    assert "CONTESTED" in table and "Harbor Review" in table
    rows = list(csv.DictReader(io.StringIO(output(capsys, "facts", *wh, "--format", "csv"))))
    assert rows == [{k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in f.items()}
                    for f in as_json(capsys, "facts", *wh)]
    assert "no facts about 'nobody at all'" in output(capsys, "facts", "--about", "nobody at all",
                                                      "--warehouse", str(sample_warehouse))
    assert as_json(capsys, "facts", "--about", "nobody at all", "--warehouse", str(sample_warehouse)) == []


def test_entities(sample_warehouse, capsys):
    wh = ["--warehouse", str(sample_warehouse)]
    everyone = as_json(capsys, "entities", *wh)
    assert everyone[0]["name"] == "Tides of Glass" and everyone[0]["docs"] >= everyone[-1]["docs"]
    by_alias = as_json(capsys, "entities", "--about", "Okafor", *wh)
    assert [e["name"] for e in by_alias] == ["Marisol Okafor"] and "Okafor" in by_alias[0]["aliases"]
    assert "PERSON" in output(capsys, "entities", "--about", "okafor", *wh)


def test_sources_are_keyed_by_domain(sample_warehouse, capsys):
    found = as_json(capsys, "sources", "--warehouse", str(sample_warehouse))
    domains = [s["domain"] for s in found]
    assert len(domains) == len(set(domains))
    ledger = next(s for s in found if s["domain"] == "filmledger.example")  # the page's host is www.filmledger...
    assert ledger["site"] == "Film Ledger" and ledger["n_facts"] > 0
    table = output(capsys, "sources", "--warehouse", str(sample_warehouse), "--format", "csv")
    assert table.splitlines()[0] == "domain,site,n_documents,n_facts,corroborated_share,contested_share"


def test_export_parquet_every_table_read_back_by_polars_and_duckdb(sample_warehouse, capsys, tmp_path):
    out = output(capsys, "export", "--parquet", str(tmp_path / "pq"), "--warehouse", str(sample_warehouse))
    assert "exported" in out
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() UNION ALL "
                                           "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
        counts = {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}
        facts = con.execute("SELECT * FROM facts ORDER BY fact_id").fetchall()
    assert {p.stem for p in (tmp_path / "pq").glob("*.parquet")} == set(names)
    for name, n in counts.items():
        path = tmp_path / "pq" / f"{name}.parquet"
        assert pl.read_parquet(path).height == n
        assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0] == n
    assert duckdb.sql(f"SELECT * FROM read_parquet('{tmp_path / 'pq' / 'facts.parquet'}') ORDER BY fact_id"
                      ).fetchall() == facts
    assert pl.read_parquet(tmp_path / "pq" / "entities.parquet").schema["aliases"] == pl.List(pl.String)


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("webfacts 0.")


def test_quiet_and_verbose_runs(tmp_path, capsys, dagster_home):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE / "harbor_review_tides_of_glass.html", inbox)
    argv = ["run", "--inbox", str(inbox), "--warehouse", str(tmp_path / "w.duckdb")]
    capsys.readouterr()
    assert main(["-q", *argv]) == 0
    quiet = capsys.readouterr()
    assert quiet.out == "" and "documents" not in quiet.err  # no progress, no batch line, no summary
    shutil.copy(SAMPLE / "northwind_tides_of_glass.html", inbox)
    assert main([*argv, "-v"]) == 0
    verbose = capsys.readouterr()
    assert "balanced" in verbose.out and "English documents parsed" in verbose.err  # the steps' own log
    assert main(["-q", "facts", "--warehouse", str(tmp_path / "w.duckdb")]) == 0
    assert "Tides of Glass" in capsys.readouterr().out  # the result itself is never quiet


def test_a_warehouse_awaiting_its_migration_is_one_line_not_a_binder_error(sample_warehouse, tmp_path, capsys):
    """Built before documents.domain: the commands that need it say the next publish adds it; doctor says so too."""
    old = tmp_path / "old.duckdb"
    shutil.copy(sample_warehouse, old)
    with duckdb.connect(str(old)) as con:
        con.execute("ALTER TABLE documents DROP COLUMN domain")
        con.execute("CREATE OR REPLACE TABLE sources AS SELECT coalesce(site, 'unknown') AS site, "
                    "count(*) AS n_documents FROM documents GROUP BY 1")
    capsys.readouterr()
    assert main(["sources", "--warehouse", str(old)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "lacks documents.domain" in err and "next publish" in err
    assert main(["doctor", "--warehouse", str(old)]) in (0, 1)
    assert "its next publish migrates it (adds documents.domain, sources (rebuilt))" in capsys.readouterr().out
