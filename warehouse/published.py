"""What the batch steps read of the published warehouse, in one place.

Batch assets carry only their batch's rows; the warehouse holds what every batch so far adds up to. A batch step
that needs the aggregate (which documents are known, the earlier documents new texts may duplicate, the entities
new names may join, the claims of the fact groups a batch touches) reads it here, through the `published`
resource the assets declare (assets/resources.py), so the asset graph shows the read. Every read is read-only and
answers as if the warehouse were empty before the first publish.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from schemas import polars_columns, polars_schema
from warehouse.store import Warehouse, read_frame, rows_by_rowid

# What aggregate_facts needs of each document (the publish reads the same when it aggregates facts itself), and
# the site and URL the facts asset's preview names a fact's first source by (not the domain: a warehouse built
# before that column is read here before its next publish migrates it).
FACT_DOCUMENTS = ("SELECT d.doc_id, d.cluster_id, r.first_seen_at, d.published_date, d.site, d.url FROM documents d "
                  "JOIN raw_documents r USING (doc_id)")
FACT_DOCUMENT_SCHEMA = polars_columns("cleaned_documents", "doc_id", "cluster_id", "first_seen_at", "published_date",
                                      "site", "url")
PUBLISH_COUNT = "SELECT count(*) AS n FROM publish_log"
PRIOR_SIGNATURES = """SELECT s.doc_id, d.cluster_id, s.signature
                      FROM document_signatures s JOIN documents d USING (doc_id)"""
# Earlier documents sharing a band with the batch's (band, band_hash) pairs, in one layout: the only ones an LSH
# index of the batch and every earlier document could make candidates; then their signatures and clusters.
BAND_CANDIDATES = ("""CREATE OR REPLACE TEMP TABLE batch_bands AS
                      SELECT unnest(?::BIGINT[]) AS band, unnest(?::UBIGINT[]) AS band_hash""",
                   """CREATE OR REPLACE TEMP TABLE hits AS SELECT DISTINCT b.doc_id FROM document_bands b
                      JOIN batch_bands USING (band, band_hash) WHERE b.layout = ?""",
                   *rows_by_rowid("hit_signatures", "document_signatures", "doc_id, signature",
                                  "doc_id IN (SELECT doc_id FROM hits)"),
                   *rows_by_rowid("hit_clusters", "documents", "doc_id, cluster_id",
                                  "doc_id IN (SELECT doc_id FROM hits)"))
# The claims of some (subject_id, predicate) groups, in the order they were inserted (a fact's names are its first
# claim's, as when every claim is read).
GROUP_CLAIMS = ("""CREATE OR REPLACE TEMP TABLE groups AS
                   SELECT unnest(?::VARCHAR[]) AS subject_id, unnest(?::VARCHAR[]) AS predicate""",
                *rows_by_rowid("group_claims", "claims", "*",
                               "(subject_id, predicate) IN (SELECT subject_id, predicate FROM groups)"))


@dataclass(frozen=True)
class PublishedState:
    warehouse: Warehouse

    def known_documents(self) -> pl.DataFrame:
        """doc_id of every raw document published: the batch ingests only new ones."""
        return read_frame(self.warehouse, "SELECT doc_id FROM raw_documents",
                          schema=polars_columns("raw_documents", "doc_id"))

    def signatures(self, schema: dict) -> pl.DataFrame:
        """(doc_id, cluster_id, signature) of every published document: what near-duplicate clusters need when the
        band table cannot answer (near_duplicate_candidates)."""
        return read_frame(self.warehouse, PRIOR_SIGNATURES, schema=schema)

    def near_duplicate_candidates(self, bands: pl.DataFrame, schema: dict) -> pl.DataFrame | None:
        """(doc_id, cluster_id, signature) of the published documents that share an LSH band with `bands` (the
        batch's document_bands rows, one layout); None when the band table cannot say: a warehouse built before it
        (its next publish fills it) or whose bands were cut for another near-duplicate threshold (its next publish
        cuts them again)."""
        if not bands.height:
            return pl.DataFrame(schema=schema)
        try:
            stored = read_frame(self.warehouse, "SELECT layout FROM document_bands LIMIT 1")
        except duckdb.CatalogException:
            return None
        if stored is not None and stored.height and stored["layout"][0] != bands["layout"][0]:
            return None
        setup = [(BAND_CANDIDATES[0], [bands["band"].to_list(), bands["band_hash"].to_list()]),
                 (BAND_CANDIDATES[1], [bands["layout"][0]])] + [(sql, []) for sql in BAND_CANDIDATES[2:]]
        return read_frame(self.warehouse, "SELECT doc_id, cluster_id, signature FROM hit_signatures JOIN hit_clusters "
                                          "USING (doc_id)", schema=schema, setup=setup)

    def texts(self, doc_ids: list[str]) -> dict[str, str]:
        found = read_frame(self.warehouse, "SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?))",
                           [doc_ids], schema=polars_columns("cleaned_documents", "doc_id", "text"))
        return dict(found.iter_rows())

    def entity_names(self) -> pl.DataFrame:
        """(type, name) of every published entity: a bare surname may join a full name of an earlier batch."""
        return read_frame(self.warehouse, "SELECT type, name FROM entities",
                          schema=polars_columns("entities", "type", "name"))

    def publish_count(self) -> int:
        """How many publishes the warehouse has seen (0 before the first, or before publish_log existed)."""
        try:
            frame = read_frame(self.warehouse, PUBLISH_COUNT)
        except duckdb.CatalogException:  # built before publish_log: its next publish migrates it
            return 0
        return int(frame["n"][0]) if frame is not None else 0

    def claims_of_groups(self, groups: pl.DataFrame) -> pl.DataFrame:
        """Every published claim of these (subject_id, predicate) groups: a group's facts depend on its claims
        alone, so a batch's facts need no other."""
        if not groups.height:
            return pl.DataFrame(schema=polars_schema("claims"))
        setup = [(GROUP_CLAIMS[0], [groups["subject_id"].to_list(), groups["predicate"].to_list()])] + [
            (sql, []) for sql in GROUP_CLAIMS[1:]]
        return read_frame(self.warehouse, "SELECT * FROM group_claims ORDER BY rowid", schema=polars_schema("claims"),
                          setup=setup)

    def fact_documents(self, doc_ids: list[str]) -> pl.DataFrame:
        """What aggregate_facts needs of these published documents."""
        if not doc_ids:
            return pl.DataFrame(schema=FACT_DOCUMENT_SCHEMA)
        return read_frame(self.warehouse, f"{FACT_DOCUMENTS} WHERE d.doc_id IN (SELECT unnest(?::VARCHAR[]))",
                          [doc_ids], schema=FACT_DOCUMENT_SCHEMA)

    def table_counts(self, tables: tuple[str, ...]) -> dict[str, int]:
        """Row counts of the live warehouse (empty when there is none yet)."""
        union = " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in tables)
        try:
            frame = read_frame(self.warehouse, union)
        except duckdb.CatalogException:  # a table an older warehouse lacks: the publish adds it
            return {}
        return dict(frame.iter_rows()) if frame is not None and frame.height else {}
