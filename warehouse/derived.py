"""The derived tables (domain_facts, domain_sites, sources, entity_facts), kept current for what a publish changed.

A publish leaves what its batch changed in temp tables of its connection (CHANGES), and `update` brings the derived
tables up to date from them: the rows of the facts whose support changed are computed again, and the per-domain
counts move by the difference those rows and the added and removed documents make. Nothing reads a domain's other
facts, so a publish costs its batch, not the warehouse. `rebuild` computes every derived table from the other tables
with the same SQL, everything counted as new (a migration; the test that compares the two).
"""
from __future__ import annotations

from schemas import DERIVED_TABLES

# What update reads: relations of the connection, temp tables made by the publish (or views over everything).
CHANGES = {
    "group_claims": "claims of the (subject_id, predicate) groups whose facts were computed again, as they are now",
    "group_documents": "doc_id, cluster_id, domain, site, url, first_source (min source_uri) of their documents",
    "old_facts": "fact_id, subject_id, object_id of the facts those groups had before",
    "current_entities": "entity_id, name before the publish of the entities whose mentions changed",
    "new_facts": "the facts rows those groups have now",
    "gone_documents": "doc_id, domain, site of the documents rows removed",
    "new_documents": "doc_id, domain, site of the documents rows inserted",
    "resourced_documents": "doc_id of documents that stay, whose document_sources rows changed",
    "renamed_entities": "entity_id of the entities whose name changed",
}

# A fact's rows per domain: how many of the domain's asserted claims assert it, and whether another domain does
# from another near-duplicate cluster (syndicated copies do not corroborate).
NEW_DOMAIN_FACTS = """
CREATE OR REPLACE TEMP TABLE new_domain_facts AS
WITH asserted AS (
    SELECT coalesce(d.domain, 'unknown') AS domain, d.cluster_id, c.fact_id
    FROM group_claims c JOIN group_documents d USING (doc_id)
    WHERE c.modality = 'asserted' AND c.fact_id IN (SELECT fact_id FROM new_facts)
), clusters AS (
    SELECT DISTINCT domain, cluster_id, fact_id FROM asserted
)
SELECT a.domain, a.fact_id, count(*) AS n_claims,
       bool_or(EXISTS (SELECT 1 FROM clusters o WHERE o.fact_id = a.fact_id AND o.domain <> a.domain
                                                   AND o.cluster_id <> a.cluster_id)) AS corroborated,
       any_value(f.contested) AS contested
FROM asserted a JOIN new_facts f USING (fact_id)
GROUP BY a.domain, a.fact_id"""

REPLACE_DOMAIN_FACTS = """
CREATE OR REPLACE TEMP TABLE old_domain_facts AS
    SELECT * FROM domain_facts WHERE fact_id IN (SELECT fact_id FROM old_facts);
DELETE FROM domain_facts WHERE fact_id IN (SELECT fact_id FROM old_facts);
INSERT INTO domain_facts (domain, fact_id, n_claims, corroborated, contested)
    SELECT domain, fact_id, n_claims, corroborated, contested FROM new_domain_facts"""

# Documents per (domain, site name): one more for each document inserted, one less for each removed.
UPDATE_DOMAIN_SITES = """
CREATE OR REPLACE TEMP TABLE site_counts AS
WITH changes AS (
    SELECT coalesce(domain, 'unknown') AS domain, site, sum(n) AS n FROM (
        SELECT domain, site, 1 AS n FROM new_documents UNION ALL SELECT domain, site, -1 FROM gone_documents)
    WHERE site IS NOT NULL GROUP BY ALL HAVING sum(n) <> 0
)
SELECT c.domain, c.site, coalesce(s.n_documents, 0) + c.n AS n_documents
FROM changes c LEFT JOIN domain_sites s USING (domain, site);
DELETE FROM domain_sites WHERE (domain, site) IN (SELECT domain, site FROM site_counts);
INSERT INTO domain_sites (domain, site, n_documents)
    SELECT domain, site, n_documents FROM site_counts WHERE n_documents > 0"""

# A domain's counts move by what its added and removed documents and domain_facts rows add up to.
SOURCE_COUNTS = """
CREATE OR REPLACE TEMP TABLE source_counts AS
WITH changes AS (
    SELECT domain, sum(documents) AS documents, sum(facts) AS facts, sum(claims) AS claims,
           sum(corroborated) AS corroborated, sum(contested) AS contested
    FROM (
        SELECT coalesce(domain, 'unknown') AS domain, 1 AS documents, 0 AS facts, 0 AS claims, 0 AS corroborated,
               0 AS contested FROM new_documents
        UNION ALL SELECT coalesce(domain, 'unknown'), -1, 0, 0, 0, 0 FROM gone_documents
        UNION ALL SELECT domain, 0, 1, n_claims, CASE WHEN corroborated THEN n_claims ELSE 0 END,
                         CASE WHEN contested THEN n_claims ELSE 0 END FROM new_domain_facts
        UNION ALL SELECT domain, 0, -1, -n_claims, CASE WHEN corroborated THEN -n_claims ELSE 0 END,
                         CASE WHEN contested THEN -n_claims ELSE 0 END FROM old_domain_facts)
    GROUP BY domain
)
SELECT c.domain, coalesce(s.n_documents, 0) + c.documents AS n_documents, coalesce(s.n_facts, 0) + c.facts AS n_facts,
       coalesce(s.n_claims, 0) + c.claims AS n_claims,
       coalesce(s.n_corroborated, 0) + c.corroborated AS n_corroborated,
       coalesce(s.n_contested, 0) + c.contested AS n_contested
FROM changes c LEFT JOIN sources s USING (domain)"""

REPLACE_SOURCES = """
DELETE FROM sources WHERE domain IN (SELECT domain FROM source_counts);
INSERT INTO sources (domain, site, n_documents, n_facts, corroborated_share, contested_share, n_claims,
                     n_corroborated, n_contested)
SELECT c.domain, coalesce(t.site, c.domain), c.n_documents, c.n_facts,
       CASE WHEN c.n_claims > 0 THEN round(c.n_corroborated / c.n_claims, 4) END,
       CASE WHEN c.n_claims > 0 THEN round(c.n_contested / c.n_claims, 4) END,
       c.n_claims, c.n_corroborated, c.n_contested
FROM source_counts c
LEFT JOIN (SELECT domain, first(site ORDER BY n_documents DESC, site) AS site FROM domain_sites
           WHERE domain IN (SELECT domain FROM source_counts) GROUP BY domain) t USING (domain)
WHERE c.n_documents > 0
ORDER BY c.n_facts DESC, c.domain"""

# entity_facts rows change with their fact, with the name of an entity in it, and with the first input of a
# document asserting it (the sources column names a document without site or URL by it). The facts of the groups
# computed again bring their rows and evidence (their asserted claims) along; only the others are read from the
# warehouse, and those are few (none when no entity was renamed and no remaining document changed sources).
REFRESHED_FACTS = """
CREATE OR REPLACE TEMP TABLE other_refreshed_facts AS
SELECT fact_id FROM fact_evidence WHERE doc_id IN (SELECT doc_id FROM resourced_documents)
UNION SELECT fact_id FROM entity_facts WHERE entity_id IN (SELECT entity_id FROM renamed_entities)
EXCEPT SELECT fact_id FROM new_facts;
CREATE OR REPLACE TEMP TABLE refreshed_facts AS
SELECT * FROM new_facts
UNION ALL BY NAME SELECT * FROM facts WHERE fact_id IN (SELECT fact_id FROM other_refreshed_facts);
CREATE OR REPLACE TEMP TABLE other_evidence AS
SELECT DISTINCT fact_id, doc_id FROM fact_evidence WHERE fact_id IN (SELECT fact_id FROM other_refreshed_facts);
CREATE OR REPLACE TEMP TABLE refreshed_evidence AS
SELECT DISTINCT c.fact_id, c.doc_id, d.site, d.url, d.first_source
FROM group_claims c JOIN group_documents d USING (doc_id)
WHERE c.modality = 'asserted' AND c.fact_id IN (SELECT fact_id FROM new_facts)
UNION ALL
SELECT e.fact_id, e.doc_id, d.site, d.url, s.first_source FROM other_evidence e
JOIN (SELECT doc_id, site, url FROM documents WHERE doc_id IN (SELECT doc_id FROM other_evidence)) d USING (doc_id)
LEFT JOIN (SELECT doc_id, min(source_uri) AS first_source FROM document_sources
           WHERE doc_id IN (SELECT doc_id FROM other_evidence) GROUP BY doc_id) s USING (doc_id)"""

# The rows replaced are found by name first (entity_facts is kept in name_hash order: tables.CLUSTERED_BY): each was
# written with its entity's name then, which is its name before this publish (a rename refreshes the entity's rows),
# so the names of the old and refreshed facts' entities before the publish (current_entities for the entities whose
# mentions changed) hold every name_hash the rows can have.
REPLACE_ENTITY_FACTS = """
CREATE OR REPLACE TEMP TABLE refreshed_sides AS
SELECT subject_id AS entity_id, 'subject' AS role, fact_id FROM refreshed_facts
UNION ALL
SELECT object_id, 'object', fact_id FROM refreshed_facts WHERE object_id IS NOT NULL AND object_id <> subject_id;
CREATE OR REPLACE TEMP TABLE all_sides AS
SELECT entity_id FROM refreshed_sides UNION SELECT subject_id FROM old_facts UNION SELECT object_id FROM old_facts;
CREATE OR REPLACE TEMP TABLE side_entities AS
SELECT entity_id, name FROM entities WHERE entity_id IN (SELECT entity_id FROM all_sides);
CREATE OR REPLACE TEMP TABLE replaced_names AS
SELECT DISTINCT md5_number_lower(lower(name)) AS name_hash FROM (
    SELECT entity_id, name FROM current_entities WHERE entity_id IN (SELECT entity_id FROM all_sides)
    UNION ALL
    SELECT entity_id, name FROM side_entities WHERE entity_id NOT IN (SELECT entity_id FROM current_entities));
DELETE FROM entity_facts WHERE name_hash IN (SELECT name_hash FROM replaced_names)
    AND fact_id IN (SELECT fact_id FROM old_facts UNION SELECT fact_id FROM refreshed_facts);
INSERT INTO entity_facts (name_hash, entity, entity_id, role, fact_id, subject, predicate, object, n_documents,
                          n_independent, confidence, contested, sources)
WITH fact_sites AS (
    SELECT fact_id, string_agg(DISTINCT coalesce(site, url, first_source), '; '
                               ORDER BY coalesce(site, url, first_source)) AS sources
    FROM refreshed_evidence GROUP BY fact_id
)
SELECT md5_number_lower(lower(n.name)) AS name_hash, n.name AS entity, s.entity_id, s.role, f.fact_id, f.subject,
       f.predicate, f.object, f.n_documents, f.n_independent, f.confidence, f.contested, fs.sources
FROM refreshed_sides s
JOIN side_entities n USING (entity_id)
JOIN refreshed_facts f USING (fact_id)
LEFT JOIN fact_sites fs USING (fact_id)
ORDER BY name_hash, s.entity_id, f.subject, f.predicate, f.object"""

WORK_TABLES = ("new_domain_facts", "old_domain_facts", "site_counts", "source_counts", "other_refreshed_facts",
               "refreshed_facts", "other_evidence", "refreshed_evidence", "refreshed_sides", "side_entities",
               "all_sides", "replaced_names")

# rebuild: every relation of CHANGES over the whole warehouse, with nothing before.
EVERYTHING = {
    "group_claims": "SELECT * FROM claims",
    "group_documents": """SELECT d.doc_id, d.cluster_id, d.domain, d.site, d.url, s.source_uri AS first_source
                          FROM documents d LEFT JOIN (SELECT doc_id, min(source_uri) AS source_uri
                                                      FROM document_sources GROUP BY doc_id) s USING (doc_id)""",
    "old_facts": "SELECT fact_id, subject_id, object_id FROM facts WHERE false",
    "current_entities": "SELECT entity_id, name FROM entities WHERE false",
    "new_facts": "SELECT * FROM facts",
    "gone_documents": "SELECT doc_id, domain, site FROM documents WHERE false",
    "new_documents": "SELECT doc_id, domain, site FROM documents",
    "resourced_documents": "SELECT doc_id FROM documents WHERE false",
    "renamed_entities": "SELECT entity_id FROM entities WHERE false",
}


def update(con) -> None:
    """Bring the derived tables up to date with the changes CHANGES names (temp relations of `con`). The work
    tables stay until `drop_work_tables`: the publish's integrity checks read what was written from them."""
    for statement in (NEW_DOMAIN_FACTS, REPLACE_DOMAIN_FACTS, UPDATE_DOMAIN_SITES, SOURCE_COUNTS, REPLACE_SOURCES,
                      REFRESHED_FACTS, REPLACE_ENTITY_FACTS):
        con.execute(statement)


def drop_work_tables(con) -> None:
    for table in WORK_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")


def rebuild(con) -> None:
    """Every derived table computed again from the other tables (a migration that adds or changes one)."""
    for table in DERIVED_TABLES:
        con.execute(f"DELETE FROM {table}")
    for name, sql in EVERYTHING.items():
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
    update(con)
    drop_work_tables(con)
    for name in EVERYTHING:
        con.execute(f"DROP VIEW {name}")
