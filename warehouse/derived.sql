-- Tables derived from the others, rebuilt at every publish (inside its transaction).
-- One row per registered domain: a site's name is a label pages choose (Reuters calls itself "U.S."), the domain
-- is what identifies the publisher. Documents without a URL (local text dumps) are the domain 'unknown'.
CREATE OR REPLACE TABLE sources AS
WITH domain_docs AS (
    SELECT doc_id, cluster_id, coalesce(domain, 'unknown') AS domain, site FROM documents
), domain_claims AS (
    SELECT DISTINCT s.domain, s.cluster_id, c.fact_id FROM claims c JOIN domain_docs s USING (doc_id)
    WHERE c.modality = 'asserted'
), per_fact AS (
    -- corroborated: another domain, in another near-duplicate cluster, asserts the same fact
    SELECT s.domain, s.fact_id,
           bool_or(EXISTS (SELECT 1 FROM domain_claims o WHERE o.fact_id = s.fact_id AND o.domain <> s.domain
                                                        AND o.cluster_id <> s.cluster_id)) AS corroborated
    FROM domain_claims s GROUP BY s.domain, s.fact_id
)
SELECT d.domain,
       coalesce(mode(d.site), d.domain) AS site,
       count(DISTINCT d.doc_id) AS n_documents,
       count(DISTINCT p.fact_id) AS n_facts,
       round(avg(p.corroborated::INTEGER), 4) AS corroborated_share,
       round(avg(f.contested::INTEGER), 4) AS contested_share
FROM domain_docs d
LEFT JOIN claims c ON c.doc_id = d.doc_id AND c.modality = 'asserted'
LEFT JOIN per_fact p ON p.domain = d.domain AND p.fact_id = c.fact_id
LEFT JOIN facts f ON f.fact_id = p.fact_id
GROUP BY d.domain
ORDER BY n_facts DESC, d.domain;
COMMENT ON TABLE sources IS 'Per-publisher agreement, in the spirit of Knowledge-Based Trust: how often a domain''s facts are corroborated by independent sources.';
COMMENT ON COLUMN sources.domain IS 'documents.domain, the registered domain (the key); unknown for documents without a URL.';
COMMENT ON COLUMN sources.site IS 'The site name its documents give most often (documents.site), else the domain: a display label.';
COMMENT ON COLUMN sources.n_documents IS 'Documents from the domain.';
COMMENT ON COLUMN sources.n_facts IS 'Distinct facts the domain asserts.';
COMMENT ON COLUMN sources.corroborated_share IS 'Share of those facts also asserted by another domain in another near-duplicate cluster (syndicated copies do not corroborate); NULL without facts.';
COMMENT ON COLUMN sources.contested_share IS 'Share of those facts that are contested.';

-- Facts about one entity, answered from a fresh connection without scanning the fact table: one row per
-- (entity, fact it is the subject or object of), with the fact's sources already aggregated, stored in order of a
-- hash of the entity's lower-cased name. DuckDB keeps min/max per row group, so a lookup by name_hash reads one
-- row group whatever the size of the table (string statistics hold 8-byte prefixes only, too coarse for names).
CREATE OR REPLACE TABLE entity_facts AS
WITH fact_sites AS (
    SELECT e.fact_id, string_agg(DISTINCT coalesce(d.site, d.url, s.source_uri), '; '
                                  ORDER BY coalesce(d.site, d.url, s.source_uri)) AS sources
    FROM fact_evidence e
    JOIN documents d USING (doc_id)
    LEFT JOIN (SELECT doc_id, min(source_uri) AS source_uri FROM document_sources GROUP BY doc_id) s USING (doc_id)
    GROUP BY e.fact_id
), sides AS (
    SELECT subject_id AS entity_id, 'subject' AS role, fact_id FROM facts
    UNION ALL
    SELECT object_id, 'object', fact_id FROM facts WHERE object_id IS NOT NULL AND object_id <> subject_id
)
SELECT md5_number_lower(lower(n.name)) AS name_hash, n.name AS entity, s.entity_id, s.role, f.fact_id, f.subject,
       f.predicate, f.object, f.n_documents, f.n_independent, f.confidence, f.contested, fs.sources
FROM sides s
JOIN entities n USING (entity_id)
JOIN facts f USING (fact_id)
LEFT JOIN fact_sites fs USING (fact_id)
ORDER BY name_hash, s.entity_id, f.subject, f.predicate, f.object;
COMMENT ON TABLE entity_facts IS 'Every fact about an entity (as subject or object) with its sources, ordered for lookup by entity name: WHERE name_hash = md5_number_lower(lower(''Name'')).';
COMMENT ON COLUMN entity_facts.name_hash IS 'md5_number_lower(lower(entity)): the lookup key the table is ordered by.';
COMMENT ON COLUMN entity_facts.entity IS 'entities.name of the entity the fact is about.';
COMMENT ON COLUMN entity_facts.entity_id IS 'entities.entity_id.';
COMMENT ON COLUMN entity_facts.role IS 'subject or object: where the entity stands in the fact.';
COMMENT ON COLUMN entity_facts.fact_id IS 'facts.fact_id.';
COMMENT ON COLUMN entity_facts.subject IS 'facts.subject.';
COMMENT ON COLUMN entity_facts.predicate IS 'facts.predicate.';
COMMENT ON COLUMN entity_facts.object IS 'facts.object.';
COMMENT ON COLUMN entity_facts.n_documents IS 'facts.n_documents.';
COMMENT ON COLUMN entity_facts.n_independent IS 'facts.n_independent.';
COMMENT ON COLUMN entity_facts.confidence IS 'facts.confidence.';
COMMENT ON COLUMN entity_facts.contested IS 'facts.contested.';
COMMENT ON COLUMN entity_facts.sources IS 'Sites (else URLs) of the documents asserting the fact, separated by "; ".';
