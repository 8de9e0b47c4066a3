-- Tables derived from the others, rebuilt at every publish (inside its transaction).
CREATE OR REPLACE TABLE sources AS
WITH site_docs AS (
    SELECT doc_id, cluster_id, coalesce(site, 'unknown') AS site FROM documents
), site_claims AS (
    SELECT DISTINCT s.site, s.cluster_id, c.fact_id FROM claims c JOIN site_docs s USING (doc_id)
), per_fact AS (
    -- corroborated: another site, in another near-duplicate cluster, asserts the same fact
    SELECT s.site, s.fact_id,
           bool_or(EXISTS (SELECT 1 FROM site_claims o WHERE o.fact_id = s.fact_id AND o.site <> s.site
                                                      AND o.cluster_id <> s.cluster_id)) AS corroborated
    FROM site_claims s GROUP BY s.site, s.fact_id
)
SELECT d.site,
       count(DISTINCT d.doc_id) AS n_documents,
       count(DISTINCT p.fact_id) AS n_facts,
       round(avg(p.corroborated::INTEGER), 4) AS corroborated_share,
       round(avg(f.contested::INTEGER), 4) AS contested_share
FROM site_docs d
LEFT JOIN claims c USING (doc_id)
LEFT JOIN per_fact p ON p.site = d.site AND p.fact_id = c.fact_id
LEFT JOIN facts f ON f.fact_id = p.fact_id
GROUP BY d.site
ORDER BY n_facts DESC, d.site;
COMMENT ON TABLE sources IS 'Per-site agreement, in the spirit of Knowledge-Based Trust: how often a site''s facts are corroborated by independent sources.';
COMMENT ON COLUMN sources.site IS 'documents.site (site name or host); unknown when a document has none.';
COMMENT ON COLUMN sources.n_documents IS 'Documents from the site.';
COMMENT ON COLUMN sources.n_facts IS 'Distinct facts the site asserts.';
COMMENT ON COLUMN sources.corroborated_share IS 'Share of those facts also asserted by another site in another near-duplicate cluster (syndicated copies do not corroborate); NULL without facts.';
COMMENT ON COLUMN sources.contested_share IS 'Share of those facts that are contested.';
