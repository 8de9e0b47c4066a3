CREATE OR REPLACE VIEW fact_sources AS
SELECT f.fact_id, f.subject, f.predicate, f.object, f.contested, f.n_documents, f.n_independent, f.confidence,
       e.doc_id, d.site, d.domain, coalesce(d.url, s.source_uri) AS source, e.sentence, e.extractor
FROM facts f
JOIN fact_evidence e USING (fact_id)
JOIN documents d USING (doc_id)
LEFT JOIN (SELECT doc_id, min(source_uri) AS source_uri FROM document_sources GROUP BY doc_id) s USING (doc_id);
COMMENT ON VIEW fact_sources IS 'Each fact beside every document and sentence that asserts it.';

CREATE OR REPLACE VIEW contested_facts AS
SELECT fs.subject, fs.predicate, fs.object,
       (SELECT list(DISTINCT o.object ORDER BY o.object) FROM facts o JOIN facts f2 ON f2.fact_id = fs.fact_id
         WHERE o.subject_id = f2.subject_id AND o.predicate = f2.predicate AND o.contested
           AND o.fact_id <> fs.fact_id) AS competing_objects,
       fs.n_documents, fs.n_independent, fs.confidence, fs.site, fs.source, fs.sentence, fs.fact_id, fs.doc_id
FROM fact_sources fs
WHERE fs.contested;
COMMENT ON VIEW contested_facts IS 'Contested facts beside the competing objects for the same subject and predicate, with their evidence.';
