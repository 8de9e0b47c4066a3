"""The warehouse's tables come from the models in schemas/: a published warehouse has exactly their columns, a
column added to a model reaches a warehouse that already exists, and a change that is not additive stops the
publish with one line instead of dropping anything."""
from typing import Optional

import duckdb
import pandera.polars as pa
import polars as pl
import pytest

import schemas
from warehouse import tables

MODEL_TABLE_COLUMNS = """
    SELECT table_name, column_name, data_type, is_nullable, comment FROM duckdb_columns()
    WHERE database_name = current_database() AND table_name IN (SELECT unnest(?)) ORDER BY table_name, column_index"""


def declared_columns() -> list[tuple]:
    return sorted((t.name, c.name, c.sql_type, c.nullable, c.description)
                  for t in tables.tables().values() for c in t.columns)


def published_columns(path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        model_tables = list(schemas.WAREHOUSE_TABLES | schemas.DERIVED_TABLES)
        return sorted(con.execute(MODEL_TABLE_COLUMNS, [model_tables]).fetchall())


def test_a_published_warehouse_has_exactly_the_models_columns_types_and_descriptions(sample_warehouse):
    assert published_columns(sample_warehouse) == declared_columns()
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        keys = {t: tuple(c) for t, c in con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
        version = con.execute("SELECT version FROM schema_migrations ORDER BY applied_at DESC LIMIT 1").fetchone()[0]
    assert keys == {} and version == tables.schema_version()  # keys are checked at each publish, not declared


def test_an_older_warehouse_with_primary_keys_loses_them_and_keeps_its_rows_and_a_repeated_key_still_fails(
        sample_warehouse, tmp_path):
    """An older DuckDB file declared each model key as a PRIMARY KEY, whose whole index DuckDB writes at every
    checkpoint: the migration copies those tables without it, and the keys_unique check still refuses a
    repeated key."""
    from pipeline.facts import aggregate_facts
    from warehouse.publish import DOCUMENT_TABLES, IntegrityError, publish_batch

    live = tmp_path / "live.duckdb"
    live.write_bytes(sample_warehouse.read_bytes())
    with duckdb.connect(str(live)) as con:
        for table, key in tables.keys().items():
            con.execute(f"ALTER TABLE {table} ADD PRIMARY KEY ({', '.join(key)})")
        before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables.keys()}
        change = tables.migrate(con, duckdb_file=True)
        after = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables.keys()}
        keys = con.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
                           ).fetchone()[0]
    assert keys == 0 and after == before
    assert "entities without its primary key (the keys_unique check holds its key)" in change
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        frames = {t: con.execute(f"SELECT * FROM {t}").pl() for t in
                  ("raw_documents", "document_sources", "quarantine", "skipped_records", "entities") + DOCUMENT_TABLES}
    frames["documents"] = pl.concat([frames["documents"], frames["documents"].head(1)])  # a repeated key
    with pytest.raises(IntegrityError) as failed:
        publish_batch("again", frames, live, aggregate_facts)
    assert failed.value.results["keys_unique"][0][0] == "documents"


def test_the_documented_tables_are_the_generated_ones():
    assert tables.DOCS.read_text() == tables.markdown(), "run: .venv/bin/python -m warehouse.tables --docs"


def test_only_produced_values_are_documented():
    text = tables.create_statements()
    assert "open:" not in text and "quantity" not in text and "assets/checks.py" not in schemas.__doc__


class CleanedDocumentsWithCharCount(schemas.CleanedDocuments):
    char_count: int = pa.Field(ge=1, metadata={"backfill": "length(text)"}, description="Characters in text.")
    editor: Optional[str] = pa.Field(nullable=True, description="Editor, when the page names one.")


def publish_again_with(path, frames_from, batch_id: str) -> dict:
    """Publish one more batch of the documents frames_from holds (their rows, read back from the warehouse)."""
    from pipeline.facts import aggregate_facts
    from warehouse.publish import BATCH_TABLES, DOCUMENT_TABLES, publish_batch

    with duckdb.connect(str(frames_from), read_only=True) as con:
        frames = {t: con.execute(f"SELECT * FROM {t}").pl() for t in
                  ("raw_documents",) + BATCH_TABLES + DOCUMENT_TABLES + ("entities",)}
    frames["documents"] = frames["documents"].with_columns(char_count=pl.col("text").str.len_chars(),
                                                           editor=pl.lit("Ed Itor"))
    return publish_batch(batch_id, frames, path, aggregate_facts)


def test_a_column_added_to_a_model_reaches_an_existing_warehouse(sample_warehouse, tmp_path, monkeypatch):
    live = tmp_path / "live.duckdb"
    live.write_bytes(sample_warehouse.read_bytes())
    with duckdb.connect(str(live), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    monkeypatch.setitem(schemas.MODELS, "cleaned_documents", CleanedDocumentsWithCharCount)
    publish_again_with(live, sample_warehouse, "again")
    with duckdb.connect(str(live), read_only=True) as con:
        backfilled = con.execute("SELECT count(*) FROM documents WHERE char_count = length(text)").fetchone()[0]
        editors = con.execute("SELECT count(editor) FROM documents").fetchone()[0]
        change = con.execute("SELECT change FROM schema_migrations ORDER BY applied_at DESC LIMIT 1").fetchone()[0]
    assert backfilled == before and editors == before  # old rows backfilled, the batch's rows inserted whole
    assert "added documents.char_count BIGINT backfilled with length(text)" in change
    assert "added documents.editor VARCHAR" in change
    assert published_columns(live) == declared_columns()  # NOT NULL and comments included


def test_a_required_column_without_backfill_or_a_removed_column_is_one_clear_line(sample_warehouse, tmp_path,
                                                                                   monkeypatch):
    from warehouse.publish import PublishError

    class FactsWithRequiredColumn(schemas.Facts):
        reviewer: str = pa.Field(description="Who reviewed it.")

    live = tmp_path / "live.duckdb"
    live.write_bytes(sample_warehouse.read_bytes())
    before = live.read_bytes()
    monkeypatch.setitem(schemas.MODELS, "facts", FactsWithRequiredColumn)
    with pytest.raises(PublishError, match=r"required column facts.reviewer with no backfill.*not an additive") as exc:
        publish_again_with(live, sample_warehouse, "again")
    assert "\n" not in str(exc.value) and live.read_bytes() == before
    monkeypatch.undo()
    with duckdb.connect(str(live)) as con:
        con.execute("ALTER TABLE claims ADD COLUMN legacy VARCHAR")
    with pytest.raises(PublishError, match="claims has column.*legacy.*no longer declares"):
        publish_again_with(live, sample_warehouse, "again")


def test_a_warehouse_built_before_migrations_is_migrated_in_place(sample_warehouse, tmp_path):
    """An older webfacts created no schema_migrations or publish_log, and no stored column comments drift away."""
    live = tmp_path / "live.duckdb"
    live.write_bytes(sample_warehouse.read_bytes())
    with duckdb.connect(str(live)) as con:
        con.execute("DROP TABLE schema_migrations; DROP TABLE publish_log")
        con.execute("COMMENT ON COLUMN facts.object_kind IS 'entity, date, quantity or string.'")
    publish_again_with(live, sample_warehouse, "again")
    with duckdb.connect(str(live), read_only=True) as con:
        assert con.execute("SELECT change FROM schema_migrations").fetchall() == [("created publish_log",)]
        assert con.execute("SELECT batch_id, facts_computed_by FROM publish_log").fetchall() == [("again", "publish")]
    assert published_columns(live) == declared_columns()


def test_a_warehouse_built_before_documents_had_a_domain_is_filled_from_url_and_keys_sources_by_it(
        sample_warehouse, tmp_path):
    """documents.domain came after warehouses were built: the migration fills it with the function cleaning uses,
    the run's preflight lets such a warehouse through, and its next publish keys sources by domain."""
    from pipeline.domains import registered_domain

    live = tmp_path / "live.duckdb"
    live.write_bytes(sample_warehouse.read_bytes())
    with duckdb.connect(str(live)) as con:
        con.execute("ALTER TABLE documents DROP COLUMN domain")
        con.execute("CREATE OR REPLACE TABLE sources AS SELECT coalesce(site, 'unknown') AS site, "
                    "count(*) AS n_documents FROM documents GROUP BY 1")  # keyed by site, as it was
        assert tables.mismatches(con) == []  # additive: nothing for `webfacts run` to refuse
        change = tables.migrate(con, duckdb_file=True)
        rows = con.execute("SELECT url, domain FROM documents").fetchall()
    assert "added documents.domain VARCHAR backfilled with registered_domain(url)" in change
    assert change[-1] == "rebuilt domain_facts, domain_sites, sources, entity_facts"  # sources was keyed by site
    assert rows and all(domain == registered_domain(url) for url, domain in rows)
    assert any(domain for _, domain in rows)

    publish_again_with(live, sample_warehouse, "again")
    with duckdb.connect(str(live), read_only=True) as con:
        columns = [r[0] for r in con.execute("DESCRIBE sources").fetchall()]
        keys = con.execute("SELECT count(*), count(DISTINCT domain) FROM sources").fetchone()
    assert columns[:2] == ["domain", "site"] and keys[0] == keys[1]
    assert published_columns(live) == declared_columns()


def test_a_warehouse_built_before_the_band_table_gets_it_from_its_signatures_and_its_derived_tables_rebuilt(
        sample_warehouse, tmp_path):
    """document_bands, domain_facts and domain_sites came after warehouses were built, and sources gained its claim
    counts: the migration cuts the bands from the stored signatures and rebuilds the derived tables whole, to what
    the publishes had made them."""
    live = tmp_path / "live.duckdb"
    live.write_bytes(sample_warehouse.read_bytes())
    kept = ("document_bands",) + tuple(tables.derived_tables())
    with duckdb.connect(str(live)) as con:
        published = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in kept}
        con.execute("DROP TABLE document_bands; DROP TABLE domain_facts; DROP TABLE domain_sites")
        con.execute("CREATE OR REPLACE TABLE sources AS SELECT domain, site, n_documents, n_facts, "
                    "corroborated_share, contested_share FROM sources")  # as an older webfacts derived it
        change = tables.migrate(con, duckdb_file=True)
        migrated = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in kept}
    assert "created document_bands filled from the other tables" in change and "created sources" in change
    assert published["document_bands"] and migrated == published
    assert published_columns(live) == declared_columns()
