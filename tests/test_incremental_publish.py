"""A publish updates facts, entities and the derived tables only for what its batch changed, and the result is what
computing them from every row gives: after each of a sequence of batches (an exact and a near duplicate of earlier
documents, a contested fact, a file rewritten so that a fact's support moves to another group, a fuller name for an
earlier entity), on both backends. The near-duplicate candidates the band table gives are the ones reading every
signature gives."""
import shutil

import duckdb
import polars as pl
import pytest

from pipeline.facts import aggregate_facts
from tests.conftest import SAMPLE, run_pipeline
from warehouse import derived, tables
from warehouse.maintenance import maintain_file, maintain_lake
from warehouse.published import FACT_DOCUMENTS
from warehouse.store import Warehouse, extension_file

# What a publish updates rather than rebuilds, compared whole.
UPDATED = ("facts", "entities", "document_bands") + tuple(tables.derived_tables())
# The entity counts as they were computed before publishes became incremental: over every mention.
ENTITIES_FROM_ALL_MENTIONS = ("""
    UPDATE entities SET aliases = m.aliases, n_mentions = m.n, n_documents = m.d
    FROM (SELECT entity_id, list(DISTINCT surface ORDER BY surface) AS aliases, count(*) AS n,
                 count(DISTINCT doc_id) AS d FROM mentions GROUP BY entity_id) m
    WHERE entities.entity_id = m.entity_id""", """
    UPDATE entities SET type = v.type
    FROM (SELECT entity_id, type FROM (
            SELECT entity_id, type, row_number() OVER (
                PARTITION BY entity_id ORDER BY count(*) DESC,
                coalesce(list_position(['WORK', 'AWARD', 'PERSON', 'ORG', 'PLACE', 'EVENT', 'MISC'], type), 99)) AS r
            FROM mentions GROUP BY entity_id, type) WHERE r = 1) v
    WHERE entities.entity_id = v.entity_id AND entities.type <> v.type""",
    "DELETE FROM entities WHERE entity_id NOT IN (SELECT entity_id FROM mentions)")

DIRECTED = "{title}\n\n\"{title}\" was directed by {director} and released on May 2, 2026. {more}"
HARBOR_CREW = ("The film follows a ferry captain on the last crossing of the season, through fog and a storm, with a "
               "crew of four and a cargo of winter apples.")


def updated_tables(con) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in UPDATED}


def recomputed(warehouse: Warehouse) -> dict[str, list[tuple]]:
    """The updated tables computed from every row of a copy of the warehouse's other tables: facts from every claim
    (in insertion order), entity counts from every mention, bands from every signature, the derived tables whole."""
    with reference_connection(warehouse) as con:
        tables.create(con)
        for table in tables.tables():
            con.execute(f"INSERT INTO {table} SELECT * FROM source.{table} ORDER BY rowid")
        claims = con.execute("SELECT * FROM claims").pl()
        facts = aggregate_facts(claims, con.execute(FACT_DOCUMENTS).pl())
        con.execute("DELETE FROM facts")
        con.register("facts_frame", facts.select([c.name for c in tables.tables()["facts"].columns]).to_arrow())
        con.execute("INSERT INTO facts SELECT * FROM facts_frame")
        for statement in ENTITIES_FROM_ALL_MENTIONS:
            con.execute(statement)
        con.execute("DELETE FROM document_bands")
        tables.fill(con, "document_bands")
        derived.rebuild(con)
        return updated_tables(con)


def reference_connection(warehouse: Warehouse):
    """An in-memory database to compute in, with the warehouse attached read-only as `source`."""
    con = duckdb.connect()
    if warehouse.is_lake:
        con.execute(f"LOAD '{extension_file('ducklake')}'")
    con.execute(f"ATTACH '{warehouse.target}' AS source (READ_ONLY)")
    return con


def published(warehouse: Warehouse) -> dict[str, list[tuple]]:
    with warehouse.connect(read_only=True) as con:
        return updated_tables(con)


def assert_as_if_recomputed(warehouse: Warehouse, step: str) -> dict[str, list[tuple]]:
    now, reference = published(warehouse), recomputed(warehouse)
    for table in UPDATED:
        assert now[table] == reference[table], f"after {step}: {table} differs from a full recompute"
    return now


def rows_of(tables_now: dict, table: str, where=lambda row: True) -> list[tuple]:
    return [row for row in tables_now[table] if where(row)]


@pytest.fixture(params=["duckdb", "ducklake"])
def warehouse(request, tmp_path) -> Warehouse:
    if request.param == "duckdb":
        return Warehouse(str(tmp_path / "w.duckdb"))
    return Warehouse(f"ducklake:{tmp_path / 'catalog.ducklake'}")


def test_each_publish_equals_a_full_recompute(warehouse, tmp_path, dagster_home):
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox)
    assert run_pipeline(inbox, warehouse.target) == 0
    first = assert_as_if_recomputed(warehouse, "the sample")

    # An exact copy of a text dump under a file name that sorts first (a new first source of an earlier document),
    # and a near-duplicate of an earlier review on another site.
    shutil.copy(inbox / "sundial_records_dump.txt", inbox / "a_first_copy_of_the_dump.txt")
    review = (inbox / "harbor_review_tides_of_glass.html").read_text()
    (inbox / "mirror_review.html").write_text(review.replace("</p>", " Reprinted with permission.</p>", 1)
                                              .replace("harborreview", "mirrorreview"))
    assert run_pipeline(inbox, warehouse.target) == 0
    duplicates = assert_as_if_recomputed(warehouse, "the duplicates")
    assert len(duplicates["document_bands"]) > len(first["document_bands"])

    # Maintenance puts the tables in key order (a DuckDB file written again, a lake's files merged sorted): the same
    # rows, each group's claims still in their order, and the publishes after it still equal a full recompute.
    if warehouse.is_lake:
        maintain_lake(warehouse, retention_days=7)
    else:
        maintain_file(warehouse)
    assert assert_as_if_recomputed(warehouse, "maintenance") == duplicates

    # A third director for a film two sites already contest: the group's facts change for domains the batch does
    # not touch.
    (inbox / "third_director.txt").write_text(DIRECTED.format(title="Tides of Glass", director="Ilse Marken",
                                                              more=HARBOR_CREW))
    (inbox / "arrival.txt").write_text(DIRECTED.format(title="Night Harbor", director="Vera Lund", more=HARBOR_CREW))
    assert run_pipeline(inbox, warehouse.target) == 0
    contested = assert_as_if_recomputed(warehouse, "the contested fact")
    directors = {row[5]: row[13] for row in rows_of(contested, "facts", lambda r: r[3] == "director"
                                                    and r[2] == "Tides of Glass")}
    assert directors.get("Ilse Marken") is True and len(directors) == 3

    # The file rewritten: its earlier version's document is removed, and Vera Lund's fact moves from Night Harbor's
    # group to Salt Wind's.
    (inbox / "arrival.txt").write_text(DIRECTED.format(title="Salt Wind", director="Vera Lund", more=HARBOR_CREW))
    assert run_pipeline(inbox, warehouse.target) == 0
    moved = assert_as_if_recomputed(warehouse, "the rewritten file")
    subjects = {row[2] for row in rows_of(moved, "facts", lambda r: r[5] == "Vera Lund")}
    assert subjects == {"Salt Wind"}
    assert not rows_of(moved, "entities", lambda r: r[1] == "Night Harbor")

    # A fuller name for an entity of an earlier batch: the entity is renamed, and so are its rows of facts this
    # batch does not touch (Vera Lund's).
    (inbox / "review.txt").write_text("Review\n\n\"The Salt Wind\" is a ferry drama. \"The Salt Wind\" was produced "
                                      "by Harbor Lights Films and released in May 2026, the critics said.")
    assert run_pipeline(inbox, warehouse.target) == 0
    renamed = assert_as_if_recomputed(warehouse, "the fuller name")
    assert {row[1] for row in rows_of(renamed, "entity_facts", lambda r: r[6] == "director" and r[7] == "Vera Lund"
                                      )} == {"The Salt Wind", "Vera Lund"}


def test_the_band_table_gives_the_candidates_every_signature_gives(warehouse, tmp_path, dagster_home):
    from pipeline import near_duplicates
    from warehouse.published import PublishedState
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox)
    assert run_pipeline(inbox, warehouse.target) == 0
    state = PublishedState(warehouse)
    with warehouse.connect(read_only=True) as con:
        earlier = con.execute("SELECT doc_id, text, first_seen_at FROM documents JOIN raw_documents USING (doc_id)"
                              ).pl()
    # the batch: every earlier text again, lightly edited (near-duplicates of each), and one unrelated text
    batch = earlier.with_columns(doc_id=pl.col("doc_id").str.replace(r"^.", "f"),
                                 text=pl.col("text") + " Updated.")
    batch = pl.concat([batch, pl.DataFrame({"doc_id": ["e" * 16], "text": [DIRECTED.format(
        title="Dry Dock", director="Ana Pirs", more=HARBOR_CREW)], "first_seen_at": [batch["first_seen_at"][0]]})])
    batch = near_duplicates.with_signatures(batch.with_columns(signature=pl.lit(None, pl.Binary)))
    bands = near_duplicates.document_bands(batch.select("doc_id", "signature"), 0.8)
    candidates = state.near_duplicate_candidates(bands, near_duplicates.SIGNATURE_SCHEMA)
    everything = state.signatures(near_duplicates.SIGNATURE_SCHEMA)
    assert 0 < candidates.height < everything.height + 1
    assert set(candidates["doc_id"]) <= set(everything["doc_id"])
    from_bands = near_duplicates.assign_clusters(batch, candidates, 0.8, state.texts)
    from_all = near_duplicates.assign_clusters(batch, everything, 0.8, state.texts)
    assert from_bands.sort("doc_id").equals(from_all.sort("doc_id"))
    joined = from_bands.filter(pl.col("cluster_id") != pl.col("doc_id"))
    assert joined.height >= earlier.height - 1  # the edited copies join their originals' clusters
    assert from_bands.filter(pl.col("doc_id") == "e" * 16)["cluster_id"][0] == "e" * 16
