"""What the batch steps read of the published warehouse, in one place.

Batch assets carry only their batch's rows; the warehouse holds what every batch so far adds up to. A batch step
that needs the aggregate (which documents are known, the signatures to compare new texts with, the entities new
names may join, the claims facts are aggregated over) reads it here, through the `published` resource the assets
declare (assets/resources.py), so the asset graph shows the read. Every read is read-only and answers as if the
warehouse were empty before the first publish.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from schemas import polars_columns, polars_schema
from warehouse.store import Warehouse, read_frame

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


@dataclass(frozen=True)
class PublishedState:
    warehouse: Warehouse

    def known_documents(self) -> pl.DataFrame:
        """doc_id of every raw document published: the batch ingests only new ones."""
        return read_frame(self.warehouse, "SELECT doc_id FROM raw_documents",
                          schema=polars_columns("raw_documents", "doc_id"))

    def signatures(self, schema: dict) -> pl.DataFrame:
        """(doc_id, cluster_id, signature) of every published document, for near-duplicate clusters."""
        return read_frame(self.warehouse, PRIOR_SIGNATURES, schema=schema)

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

    def claims(self) -> pl.DataFrame:
        return read_frame(self.warehouse, "SELECT * FROM claims", schema=polars_schema("claims"))

    def fact_documents(self) -> pl.DataFrame:
        return read_frame(self.warehouse, FACT_DOCUMENTS, schema=FACT_DOCUMENT_SCHEMA)

    def table_counts(self, tables: tuple[str, ...]) -> dict[str, int]:
        """Row counts of the live warehouse (empty when there is none yet)."""
        union = " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in tables)
        try:
            frame = read_frame(self.warehouse, union)
        except duckdb.CatalogException:  # a table an older warehouse lacks: the publish adds it
            return {}
        return dict(frame.iter_rows()) if frame is not None and frame.height else {}
