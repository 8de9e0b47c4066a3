"""The whole asset graph on the bundled sample corpus, into a temporary warehouse."""
import duckdb
import pytest

from tests.conftest import SAMPLE, new_dagster_home, run_pipeline


@pytest.fixture(scope="module")
def con(sample_warehouse):
    with duckdb.connect(str(sample_warehouse), read_only=True) as c:
        yield c


def rows(con, sql, *params):
    return con.execute(sql, params).fetchall()


def fact(con, subject, predicate, obj):
    found = rows(con, "SELECT n_documents, n_independent, contested FROM facts WHERE subject = ? AND predicate = ? "
                      "AND object = ?", subject, predicate, obj)
    assert found, f"missing fact ({subject}, {predicate}, {obj})"
    return found[0]


def test_every_input_is_accounted_for(con):
    files = sorted(p.resolve().as_uri() for p in SAMPLE.rglob("*") if p.is_file())
    sources = {r[0] for r in rows(con, "SELECT input_uri FROM document_sources")}
    quarantined = {r[0] for r in rows(con, "SELECT source_uri FROM quarantine")}
    assert sorted({u.split("#")[0] for u in sources | quarantined}) == files
    assert not sources & quarantined
    jsonl = sorted(u.rsplit("#", 1)[1] for u in sources | quarantined if "#" in u)
    assert jsonl == ["line=1", "line=2", "line=3"]


def test_quarantine_reasons(con):
    reasons = dict(rows(con, "SELECT regexp_extract(source_uri, '[^/]+$'), reason FROM quarantine"))
    assert reasons == {"empty.html": "empty", "broken_image.html": "binary",
                       "scraper_export.jsonl#line=2": "malformed_record"}
    detail = rows(con, "SELECT detail FROM quarantine WHERE reason = 'malformed_record'")[0][0]
    assert detail.startswith("line 2: not valid JSON")


def test_exact_duplicate_shares_one_document(con):
    dup = rows(con, "SELECT count(DISTINCT doc_id), count(*) FROM document_sources WHERE input_uri LIKE '%sundial_records_dump%'")
    assert dup == [(1, 2)]
    assert rows(con, "SELECT count(*) FROM raw_documents")[0][0] == 8


def test_non_english_document_kept_and_skip_recorded(con):
    fr = rows(con, "SELECT d.doc_id, s.stage FROM documents d JOIN stage_skips s USING (doc_id) WHERE d.language = 'fr'")
    assert len(fr) == 1 and fr[0][1] == "entity_mentions"
    assert not rows(con, "SELECT * FROM mentions WHERE doc_id = ?", fr[0][0])


def test_syndicated_copy_is_one_independent_source(con):
    clusters = rows(con, "SELECT count(DISTINCT cluster_id) FROM documents WHERE site IN ('Film Ledger', 'FilmWire')")
    assert clusters == [(1,)]
    # Film Ledger + its FilmWire copy are one independent source; the JSON Lines interview is another.
    assert fact(con, "Tides of Glass", "director", "Marisol Okafor") == (3, 2, True)
    assert fact(con, "Tides of Glass", "producer", "Northwind Pictures") == (3, 2, False)


def test_disagreeing_sources_are_contested_with_evidence(con):
    assert fact(con, "Tides of Glass", "director", "Jonah Reyes") == (1, 1, True)
    view = rows(con, "SELECT object, competing_objects, site FROM contested_facts WHERE subject = 'Tides of Glass' "
                     "AND predicate = 'director' ORDER BY object, site")
    assert ("Jonah Reyes", ["Marisol Okafor"], "Harbor Review") in view
    assert ("Marisol Okafor", ["Jonah Reyes"], "FilmWire") in view
    sources = {r[0] for r in rows(con, "SELECT source FROM contested_facts WHERE object = 'Marisol Okafor'")}
    assert "https://coastlinecinema.example/features/okafor-interview" in sources


def test_named_facts_across_the_corpus(con):
    for triple in [("Northwind Pictures", "founded_by", "Elias Brandt"),
                   ("Northwind Pictures", "headquarters_location", "Halifax"),
                   ("Tides of Glass", "publication_date", "2025-11-14"),
                   ("Priya Castellano", "place_of_birth", "Winnipeg"),
                   ("Priya Castellano", "date_of_birth", "1986"),
                   ("Priya Castellano", "record_label", "Sundial Records"),
                   ("Orchard Lane Studios", "owned_by", "Meridian Media Group"),
                   ("Orchard Lane Studios", "founded_by", "Tamsin Achterberg"),
                   ("Orchard Lane Studios", "founded_by", "Rafael Delacroix-Moyo"),
                   ("Sundial Records", "founded_by", "Wendell Marsh"),
                   ("Brightwater Records", "founded_by", "Marta Quell"),
                   ("Brightwater Records", "headquarters_location", "Regina")]:
        n_docs, _, contested = fact(con, *triple)
        assert n_docs >= 1 and not contested


def test_publication_date_comes_from_metadata_not_body(con):
    dates = dict(rows(con, "SELECT site, CAST(published_date AS VARCHAR) FROM documents WHERE site IS NOT NULL"))
    assert dates["Film Ledger"] == "2025-11-20"  # the body also says "March 3, 2023"


def test_no_author_or_boilerplate_entities(con):
    names = {r[0] for r in rows(con, "SELECT name FROM entities")}
    assert not names & {"Lena Oduya", "Dorothea Vance", "Callum Ferreira"}  # bylines and bios are metadata


def test_every_column_is_documented(con):
    undocumented = rows(con, "SELECT table_name, column_name FROM duckdb_columns() WHERE comment IS NULL "
                             "AND NOT internal AND table_name IN (SELECT table_name FROM duckdb_tables())")
    assert undocumented == []


def test_cli_facts_about_and_failure_message(sample_warehouse, capsys, tmp_path):
    from assets.cli import main
    assert main(["facts", "--about", "tides of glass", "--warehouse", str(sample_warehouse)]) == 0
    out = capsys.readouterr().out
    assert "Jonah Reyes" in out and "CONTESTED" in out and "Harbor Review" in out
    assert main(["run", "--inbox", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_entity_facts_holds_every_fact_under_its_subject_and_entity_object(con):
    missing = rows(con, """
        SELECT f.fact_id FROM facts f WHERE NOT EXISTS (
            SELECT 1 FROM entity_facts e WHERE e.fact_id = f.fact_id AND e.entity_id = f.subject_id)
        OR f.object_id IS NOT NULL AND f.object_id <> f.subject_id AND NOT EXISTS (
            SELECT 1 FROM entity_facts e WHERE e.fact_id = f.fact_id AND e.entity_id = f.object_id)""")
    assert missing == []
    assert rows(con, "SELECT count(*) FROM entity_facts WHERE name_hash <> md5_number_lower(lower(entity))") == [(0,)]


def test_facts_about_an_entity_name_answers_as_the_scan_of_all_facts(con):
    from warehouse.queries import FACTS_MATCHING, FactFilter, facts
    by_name = facts(con, FactFilter(about="tides of glass"))
    scanned = rows(con, FACTS_MATCHING.format(filters="AND (lower(f.subject) = ? OR lower(f.object) = ?)"),
                   "tides of glass", "tides of glass")
    assert by_name.columns[:3] == ["subject", "predicate", "object"] and by_name.height and by_name.rows() == scanned
    # not an entity's name: the substring search of subjects and objects
    assert facts(con, FactFilter(about="tides of")).rows() == rows(con, FACTS_MATCHING.format(
        filters="AND (f.subject ILIKE ? OR f.object ILIKE ?)"), "%tides of%", "%tides of%")


def test_failed_publish_leaves_previous_warehouse_and_no_temp_file(sample_warehouse, tmp_path):
    import polars as pl

    from pipeline.facts import aggregate_facts
    from warehouse.publish import PublishError, publish_batch
    target = tmp_path / "live.duckdb"
    target.write_bytes(sample_warehouse.read_bytes())
    before = target.read_bytes()
    with pytest.raises(PublishError, match="missing frames"):
        publish_batch("b", {"facts": pl.DataFrame({"fact_id": ["x"]})}, target, aggregate_facts)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_contract_failure_stops_the_run_and_names_the_check(tmp_path, dagster_home, monkeypatch, capsys):
    """A deliberately broken stage (a language name instead of an ISO code) fails the blocking contract check."""
    import pipeline.clean.batch
    monkeypatch.setattr(pipeline.clean.batch, "detect_language", lambda text: "English")
    target = tmp_path / "w.duckdb"
    assert run_pipeline(SAMPLE, target) == 1
    err = capsys.readouterr().err
    assert "check contract failed on cleaned_documents" in err and "language" in err
    assert not target.exists()  # nothing downstream ran, nothing was published


def test_sources_table_scores_independent_corroboration(con):
    sources = {r[0]: r[1:] for r in rows(con, "SELECT site, n_documents, n_facts, corroborated_share FROM sources")}
    # Film Ledger's copy on FilmWire is not independent: only Harbor Review (producer; the release date of its
    # fronted "Released on November 14, 2025, ...") and the Coastline interview (director) corroborate it.
    assert sources["Film Ledger"][0] == 1 and sources["Film Ledger"][2] == pytest.approx(3 / sources["Film Ledger"][1], abs=1e-4)
    assert sources["coastlinecinema.example"] == (1, 1, 1.0)
    assert sources["prairiebeat.example"][1] == 3  # a text record's site is its URL's host (founder, seat, year)
    assert sources["Écran Matin"][1] == 0 and sources["Écran Matin"][2] is None


def test_a_run_keeps_no_copy_of_the_batch_outside_the_warehouse(tmp_path, monkeypatch):
    """`webfacts run` passes outputs between steps in memory: Dagster's default IO manager would pickle every
    batch's pages under DAGSTER_HOME/storage and never delete them, a second copy of the corpus on disk."""
    home = new_dagster_home(tmp_path / "dagster_home")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    assert run_pipeline(SAMPLE, tmp_path / "w.duckdb") == 0
    stored = [p for p in (home / "storage").rglob("*") if p.is_file() and "compute_logs" not in p.parts]
    assert stored == []


def test_a_warehouse_an_older_webfacts_built_is_migrated_or_one_clear_error_never_a_silently_dropped_column():
    import duckdb as db

    from warehouse import tables

    con = db.connect()
    tables.create(con)
    con.execute("ALTER TABLE claims DROP COLUMN modality")
    assert tables.migrate(con, duckdb_file=True) == ["added claims.modality VARCHAR"]  # no rows: nothing to fill
    con.execute("ALTER TABLE claims DROP COLUMN modality")
    con.execute("INSERT INTO claims (fact_id, doc_id, subject_id, subject, predicate, object, object_kind, "
                "sentence_index, sentence, start_char, end_char, extractor, confidence) "
                "VALUES ('f', 'd', 's', 'S', 'director', 'O', 'entity', 0, 'x', 0, 1, 'r', 0.9)")
    con.execute("DELETE FROM schema_migrations")
    with pytest.raises(tables.SchemaMismatch, match="required column claims.modality with no backfill.*rebuild"):
        tables.migrate(con, duckdb_file=True)


def test_sources_are_keyed_by_the_registered_domain(tmp_path, dagster_home):
    """Two BBC hosts, each calling itself something else, are one source: bbc.co.uk."""
    import json
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    pages = [("https://news.bbc.co.uk/1/hi/entertainment/1.stm", "Marta Quell founded Brightwater Records in 2005. "
              "The label is headquartered in Regina and has released forty albums by prairie musicians."),
             ("https://www.bbc.co.uk/news/articles/2", "Elias Brandt founded Northwind Pictures in 1998. The "
              "studio is headquartered in Halifax and has produced a dozen feature films since then.")]
    (inbox / "bbc.jsonl").write_text("".join(json.dumps({"url": url, "text": f"Headline {i}\n\n{text}"}) + "\n"
                                             for i, (url, text) in enumerate(pages)))
    target = tmp_path / "w.duckdb"
    assert run_pipeline(inbox, target) == 0
    with duckdb.connect(str(target), read_only=True) as c:
        assert sorted(rows(c, "SELECT site, domain FROM documents")) == [("news.bbc.co.uk", "bbc.co.uk"),
                                                                         ("www.bbc.co.uk", "bbc.co.uk")]
        assert rows(c, "SELECT domain, n_documents FROM sources") == [("bbc.co.uk", 2)]
        assert {r[0] for r in rows(c, "SELECT domain FROM fact_sources")} == {"bbc.co.uk"}
