"""The warehouse's integrity checks: each query returns violating rows, and a publish commits only if none does.

Each check reads the whole warehouse (`webfacts doctor`, the report) or, inside a publish, only the rows that
publish wrote or could have broken (`after_publish`): those are named by the temp tables the publish leaves on its
connection (warehouse/publish.py and warehouse/derived.py), so checking costs the batch, not the warehouse. A
warehouse that passed every check before a publish passes them after it exactly when the narrowed checks find
nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from pathlib import Path

from warehouse import tables
from warehouse.store import Warehouse, as_warehouse

# Rows a publish wrote, per keyed table: where its keys could now be repeated.
WRITTEN = {
    "raw_documents": "doc_id IN (SELECT doc_id FROM written_raw_documents)",
    "document_sources": "(doc_id, input_uri) IN (SELECT doc_id, input_uri FROM written_document_sources)",
    "skipped_records": "input_uri IN (SELECT input_uri FROM written_skipped_records)",
    "documents": "doc_id IN (SELECT doc_id FROM batch_docs)",
    "document_signatures": "doc_id IN (SELECT doc_id FROM batch_docs)",
    "entities": "entity_id IN (SELECT entity_id FROM touched_entities)",
    "facts": "fact_id IN (SELECT fact_id FROM new_facts)",
    "sources": "domain IN (SELECT domain FROM source_counts)",
    "domain_sites": "(domain, site) IN (SELECT domain, site FROM site_counts)",
}


@dataclass(frozen=True)
class Check:
    sql: str  # the violating rows; {scope} narrows them
    publish_scope: str  # what a publish wrote or removed that these rows could involve

    def everywhere(self) -> str:
        return self.sql.format(scope="true")

    def after_publish(self) -> str:
        return self.sql.format(scope=self.publish_scope)


def _duplicate_keys(names: list[str]) -> Check:
    keys = tables.keys()
    part = ("SELECT '{t}' AS table_name, concat_ws(' | ', {k}) AS key, count(*) AS n FROM {t} WHERE {{scope_{t}}} "
            "GROUP BY ALL HAVING count(*) > 1")
    sql = " UNION ALL ".join(part.format(t=t, k=", ".join(keys[t])) for t in names)
    return _PerTableCheck(sql, "", tuple(names))


@dataclass(frozen=True)
class _PerTableCheck(Check):
    """A check that is a union over tables, each narrowed to its own written rows."""
    names: tuple[str, ...] = ()

    def everywhere(self) -> str:
        return self.sql.format(**{f"scope_{t}": "true" for t in self.names})

    def after_publish(self) -> str:
        return self.sql.format(**{f"scope_{t}": WRITTEN[t] for t in self.names})


def checks() -> dict[str, Check]:
    keyed = [t for t in tables.keys() if t != "facts"]
    return {
        "fact_id_unique": _duplicate_keys(["facts"]),
        "keys_unique": _duplicate_keys(keyed),
        "facts_reference_entities": Check("""
            SELECT f.fact_id, f.subject_id, f.object_id FROM facts f
            WHERE ({scope}) AND (f.subject_id NOT IN (SELECT entity_id FROM entities)
               OR (f.object_id IS NOT NULL AND f.object_id NOT IN (SELECT entity_id FROM entities)))""",
            "f.fact_id IN (SELECT fact_id FROM new_facts) OR f.subject_id IN (SELECT entity_id FROM removed_entities)"
            " OR f.object_id IN (SELECT entity_id FROM removed_entities)"),
        "evidence_references_facts_and_documents": Check("""
            SELECT e.fact_id, e.doc_id FROM fact_evidence e
            WHERE ({scope}) AND (e.fact_id NOT IN (SELECT fact_id FROM facts)
               OR e.doc_id NOT IN (SELECT doc_id FROM documents))""",
            "e.fact_id IN (SELECT fact_id FROM old_facts) OR e.doc_id IN (SELECT doc_id FROM batch_docs) "
            "OR e.doc_id IN (SELECT doc_id FROM gone_documents)"),
        "mentions_reference_entities_and_documents": Check("""
            SELECT m.doc_id, m.entity_id, m.surface FROM mentions m
            WHERE ({scope}) AND (m.entity_id NOT IN (SELECT entity_id FROM entities)
               OR m.doc_id NOT IN (SELECT doc_id FROM documents))""",
            "m.doc_id IN (SELECT doc_id FROM batch_docs) OR m.doc_id IN (SELECT doc_id FROM gone_documents) "
            "OR m.entity_id IN (SELECT entity_id FROM removed_entities)"),
        "sources_reference_raw_documents": Check("""
            SELECT s.doc_id, s.input_uri FROM document_sources s
            WHERE ({scope}) AND s.doc_id NOT IN (SELECT doc_id FROM raw_documents)""",
            "s.doc_id IN (SELECT doc_id FROM written_document_sources)"),
    }


# Each check's whole-warehouse query, by name: the asset checks describe themselves with it.
INTEGRITY_CHECKS = {name: check.everywhere() for name, check in checks().items()}


def check_integrity(con, after_publish: bool = False) -> dict[str, list[tuple]]:
    """Up to 20 violating rows per check: everywhere, or (inside a publish) among what it wrote."""
    return {name: con.execute((check.after_publish() if after_publish else check.everywhere()) + " LIMIT 20")
            .fetchall() for name, check in checks().items()}


def integrity_report(warehouse: "Warehouse | str | Path") -> dict[str, list[tuple]]:
    """Every check on the whole published warehouse, read-only."""
    with as_warehouse(warehouse).connect(read_only=True) as con:
        return check_integrity(con)
