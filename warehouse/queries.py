"""The questions analysts ask the warehouse, as SQL: the `webfacts` commands, the report and the notebook read
through these, so one answer has one query.

Every function takes an open read-only connection (Warehouse.connect) and returns a polars frame.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from warehouse.store import arrow_frame

# One entity by its exact name (any case): a lookup in entity_facts, which the publish keeps ordered by name_hash.
FACTS_ABOUT_ENTITY = """
    SELECT DISTINCT subject, predicate, object, n_documents AS docs, n_independent AS indep,
           round(confidence, 2) AS conf, contested, sources
    FROM entity_facts
    WHERE name_hash = md5_number_lower(lower(?)) AND lower(entity) = lower(?) {filters}
    ORDER BY subject, predicate, object"""
# Anything else: facts whose subject or object contains the text, or every fact (a scan of the fact table).
FACTS_MATCHING = """
    SELECT f.subject, f.predicate, f.object, f.n_documents AS docs, f.n_independent AS indep,
           round(f.confidence, 2) AS conf, f.contested,
           string_agg(DISTINCT coalesce(fs.site, fs.source), '; ' ORDER BY coalesce(fs.site, fs.source)) AS sources
    FROM facts f JOIN fact_sources fs USING (fact_id)
    WHERE true {filters}
    GROUP BY ALL ORDER BY f.subject, f.predicate, f.object"""


@dataclass(frozen=True)
class FactFilter:
    """What `webfacts facts` narrows the fact table to; the defaults keep every fact."""
    about: str | None = None
    predicate: str | None = None
    contested: bool = False
    min_independent: int = 0

    def sql(self, prefix: str = "") -> tuple[str, list]:
        """AND-clauses on the fact columns (`prefix` names their table) and their parameters."""
        clauses, params = [], []
        if self.predicate:
            clauses.append(f"{prefix}predicate = ?")
            params.append(self.predicate)
        if self.contested:
            clauses.append(f"{prefix}contested")
        if self.min_independent:
            clauses.append(f"{prefix}n_independent >= ?")
            params.append(self.min_independent)
        return "".join(f" AND {c}" for c in clauses), params


def frame(con, sql: str, params: list | None = None) -> pl.DataFrame:
    return arrow_frame(con.execute(sql, params or []))


def facts(con, wanted: FactFilter = FactFilter()) -> pl.DataFrame:
    """The facts `wanted` asks for, with their support and sources. `about` is an entity's name when one has
    it (then the facts it is the subject or object of); else facts whose subject or object contains the text."""
    if wanted.about:
        filters, params = wanted.sql()
        try:
            found = frame(con, FACTS_ABOUT_ENTITY.format(filters=filters), [wanted.about, wanted.about, *params])
        except duckdb.CatalogException:  # published before entity_facts existed: it has one after its next publish
            found = None
        if found is not None and found.height:
            return found
    filters, params = wanted.sql("f.")
    if wanted.about:
        pattern = "%" + like_literal(wanted.about) + "%"
        filters = " AND (f.subject ILIKE ? ESCAPE '\\' OR f.object ILIKE ? ESCAPE '\\')" + filters
        params = [pattern, pattern, *params]
    return frame(con, FACTS_MATCHING.format(filters=filters), params)


def like_literal(text: str) -> str:
    """`text` matched as written by LIKE: % and _ are characters in a name, not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


ENTITIES = """
    SELECT e.name, e.type, e.n_documents AS docs, e.n_mentions AS mentions,
           count(DISTINCT ef.fact_id) AS facts, array_to_string(e.aliases, '; ') AS aliases
    FROM entities e LEFT JOIN entity_facts ef USING (entity_id)
    WHERE ? IS NULL OR e.name ILIKE ? ESCAPE '\\' OR list_contains(list_transform(e.aliases, a -> lower(a)), lower(?))
    GROUP BY ALL ORDER BY docs DESC, mentions DESC, e.name"""


def entities(con, about: str | None = None) -> pl.DataFrame:
    """Canonical entities, most documented first; with `about`, those whose name contains it or who have it as
    an alias."""
    pattern = None if about is None else "%" + like_literal(about) + "%"
    return frame(con, ENTITIES, [about, pattern, about])


def sources(con) -> pl.DataFrame:
    """The sources table as analysts read it: one row per registered domain, best-corroborated first (the claim
    counts behind the shares stay in the table)."""
    return frame(con, "SELECT domain, site, n_documents, n_facts, corroborated_share, contested_share FROM sources "
                      "ORDER BY n_facts DESC, corroborated_share DESC NULLS LAST, domain")


def top_entities(con, per_type: int = 5) -> pl.DataFrame:
    return frame(con, """
        SELECT type, name, n_documents, n_mentions FROM (
            SELECT *, row_number() OVER (PARTITION BY type ORDER BY n_documents DESC, n_mentions DESC, name) AS rank
            FROM entities) WHERE rank <= ? ORDER BY type, rank""", [per_type])


def contested_evidence(con) -> pl.DataFrame:
    """Each contested fact's object beside the documents and sentences that assert it."""
    return frame(con, """
        SELECT subject, predicate, object, n_independent, site, sentence
        FROM contested_facts ORDER BY subject, predicate, n_independent DESC, object, site, sentence""")


def facts_per_predicate(con) -> pl.DataFrame:
    return frame(con, "SELECT predicate, count(*) AS facts FROM facts GROUP BY predicate "
                      "ORDER BY facts DESC, predicate")


def facts_per_domain(con) -> pl.DataFrame:
    return frame(con, "SELECT domain, n_facts AS facts FROM sources WHERE n_facts > 0 ORDER BY facts DESC, domain")


def support_distribution(con) -> pl.DataFrame:
    """How many facts have 1, 2, 3... independent sources."""
    return frame(con, "SELECT n_independent, count(*) AS facts FROM facts GROUP BY 1 ORDER BY 1")


def contested_over_time(con) -> pl.DataFrame:
    """Contested facts by the month a source first asserted them: the earliest publication date among their
    documents, else when the warehouse first saw one."""
    return frame(con, """
        SELECT strftime(coalesce(min(d.published_date), min(f.first_seen_at)::DATE), '%Y-%m') AS month,
               count(DISTINCT f.fact_id) AS facts
        FROM facts f JOIN fact_evidence e USING (fact_id) JOIN documents d USING (doc_id)
        WHERE f.contested GROUP BY f.fact_id""").group_by("month").agg(pl.col("facts").sum()).sort("month")


def best_supported(con, limit: int = 20) -> pl.DataFrame:
    return frame(con, """
        SELECT subject, predicate, object, n_independent, n_documents, round(confidence, 2) AS confidence
        FROM facts WHERE NOT contested
        ORDER BY n_independent DESC, n_documents DESC, confidence DESC, subject, predicate, object LIMIT ?""", [limit])


def warehouse_counts(con) -> dict[str, int]:
    """The figures of the run summary and the report, over the whole warehouse."""
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    return {
        # A document a later stage rejected (no main content, a timeout) is quarantined and keeps its source row.
        "inputs": one("SELECT (SELECT count(*) FROM document_sources) + (SELECT count(*) FROM quarantine WHERE "
                      "source_uri NOT IN (SELECT input_uri FROM document_sources)) + (SELECT count(*) FROM "
                      "skipped_records)"),
        "documents": one("SELECT count(*) FROM documents"),
        "raw_documents": one("SELECT count(*) FROM raw_documents"),
        "clusters": one("SELECT count(DISTINCT cluster_id) FROM documents"),
        "domains": one("SELECT count(DISTINCT domain) FROM documents"),
        "quarantined": one("SELECT count(*) FROM quarantine"),
        "quarantined_at_ingest": one("SELECT count(*) FROM quarantine WHERE source_uri NOT IN "
                                     "(SELECT input_uri FROM document_sources)"),
        "skipped_records": one("SELECT count(*) FROM skipped_records"),
        "stage_skips": one("SELECT count(*) FROM stage_skips"),
        "entities": one("SELECT count(*) FROM entities"),
        "facts": one("SELECT count(*) FROM facts"),
        "contested": one("SELECT count(*) FROM facts WHERE contested"),
    }


def quarantine_by_reason(con) -> list[tuple[str, int]]:
    return con.execute("SELECT reason, count(*) FROM quarantine GROUP BY 1 ORDER BY 1").fetchall()


def table_names(con) -> list[str]:
    """The warehouse's tables and views, as analysts see them."""
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT internal "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal "
        "ORDER BY 1").fetchall()]
