"""The warehouse's integrity checks: each query returns violating rows, and a publish commits only if none does.

Each check has two forms. `everywhere` reads the whole warehouse (`webfacts doctor`, the asset checks'
descriptions). `after_publish` runs inside a publish and reads what that publish wrote, from the temp tables it
leaves on its connection (warehouse/publish.py, warehouse/derived.py), and the rows that could point at what it
removed, so checking costs the batch, not the warehouse: a warehouse that passed the checks before a publish passes
them after it exactly when the narrowed queries find nothing. Rows a publish writes replace every row of their
keys (the batch's documents, the touched groups' facts, entities and domains are deleted first; raw documents,
sources and skipped records are inserted only where absent), so a repeated key can only come from among them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warehouse import tables
from warehouse.store import Warehouse, as_warehouse

# The written rows whose keys a publish's own frames could repeat: table -> (temp table of its written keys, key).
WRITTEN_KEYS = {"facts": ("new_facts", "fact_id"), "documents": ("batch_docs", "doc_id"),
                "document_signatures": ("written_document_signatures", "doc_id")}


@dataclass(frozen=True)
class Check:
    everywhere: str  # the violating rows of the whole warehouse
    after_publish: str  # the violating rows among what a publish wrote or removed


def _duplicate_keys(names: list[str]) -> str:
    keys = tables.keys()
    return " UNION ALL ".join(f"SELECT '{t}' AS table_name, concat_ws(' | ', {', '.join(keys[t])}) AS key, "
                              f"count(*) AS n FROM {t} GROUP BY ALL HAVING count(*) > 1" for t in names)


def _duplicate_written_keys(names: list[str]) -> str:
    return " UNION ALL ".join(f"SELECT '{t}' AS table_name, {WRITTEN_KEYS[t][1]} AS key, count(*) AS n "
                              f"FROM {WRITTEN_KEYS[t][0]} GROUP BY ALL HAVING count(*) > 1" for t in names)


def checks() -> dict[str, Check]:
    keyed = [t for t in tables.keys() if t != "facts"]
    return {
        "fact_id_unique": Check(_duplicate_keys(["facts"]), _duplicate_written_keys(["facts"])),
        "keys_unique": Check(_duplicate_keys(keyed), _duplicate_written_keys(["documents", "document_signatures"])),
        "facts_reference_entities": Check("""
            SELECT f.fact_id, f.subject_id, f.object_id FROM facts f
            WHERE f.subject_id NOT IN (SELECT entity_id FROM entities)
               OR (f.object_id IS NOT NULL AND f.object_id NOT IN (SELECT entity_id FROM entities))""", """
            SELECT f.fact_id, f.subject_id, f.object_id FROM new_facts f
            WHERE f.subject_id NOT IN (SELECT entity_id FROM side_entities)
               OR (f.object_id IS NOT NULL AND f.object_id NOT IN (SELECT entity_id FROM side_entities))
            UNION ALL SELECT fact_id, subject_id, object_id FROM facts
            WHERE subject_id IN (SELECT entity_id FROM removed_entities)
            UNION ALL SELECT fact_id, subject_id, object_id FROM facts
            WHERE object_id IN (SELECT entity_id FROM removed_entities)"""),
        "evidence_references_facts_and_documents": Check("""
            SELECT e.fact_id, e.doc_id FROM fact_evidence e
            WHERE e.fact_id NOT IN (SELECT fact_id FROM facts) OR e.doc_id NOT IN (SELECT doc_id FROM documents)""",
            """
            SELECT fact_id, doc_id FROM written_fact_evidence
            WHERE fact_id NOT IN (SELECT fact_id FROM new_facts) OR doc_id NOT IN (SELECT doc_id FROM batch_docs)
            UNION ALL SELECT fact_id, doc_id FROM fact_evidence
            WHERE fact_id IN (SELECT fact_id FROM old_facts EXCEPT SELECT fact_id FROM new_facts)
            UNION ALL SELECT fact_id, doc_id FROM fact_evidence WHERE doc_id IN (SELECT doc_id FROM removed_documents)
            """),
        "mentions_reference_entities_and_documents": Check("""
            SELECT m.doc_id, m.entity_id, m.surface FROM mentions m
            WHERE m.entity_id NOT IN (SELECT entity_id FROM entities)
               OR m.doc_id NOT IN (SELECT doc_id FROM documents)""", """
            SELECT doc_id, entity_id, surface FROM written_mentions
            WHERE entity_id NOT IN (SELECT entity_id FROM merged_entities)
               OR doc_id NOT IN (SELECT doc_id FROM batch_docs)
            UNION ALL SELECT doc_id, entity_id, surface FROM mentions
            WHERE doc_id IN (SELECT doc_id FROM removed_documents)"""),
        "sources_reference_raw_documents": Check("""
            SELECT s.doc_id, s.input_uri FROM document_sources s
            WHERE s.doc_id NOT IN (SELECT doc_id FROM raw_documents)""", """
            WITH earlier AS (SELECT doc_id FROM written_document_sources
                             EXCEPT SELECT doc_id FROM written_raw_documents)
            SELECT doc_id, input_uri FROM written_document_sources
            WHERE doc_id IN (SELECT doc_id FROM earlier)
              AND doc_id NOT IN (SELECT doc_id FROM raw_documents WHERE doc_id IN (SELECT doc_id FROM earlier))"""),
    }


# Each check's whole-warehouse query, by name: the asset checks describe themselves with it.
INTEGRITY_CHECKS = {name: check.everywhere for name, check in checks().items()}


def check_integrity(con, after_publish: bool = False) -> dict[str, list[tuple]]:
    """Up to 20 violating rows per check: everywhere, or (inside a publish) among what it wrote."""
    return {name: con.execute((check.after_publish if after_publish else check.everywhere) + " LIMIT 20").fetchall()
            for name, check in checks().items()}


def integrity_report(warehouse: "Warehouse | str | Path") -> dict[str, list[tuple]]:
    """Every check on the whole published warehouse, read-only."""
    with as_warehouse(warehouse).connect(read_only=True) as con:
        return check_integrity(con)
