-- The analysts' interface. Every column is documented with COMMENT ON.
-- Shared by the DuckDB file and DuckLake, which has no PRIMARY KEY or UNIQUE: the keys are
-- publish.KEYS, declared on the DuckDB file and checked (keys_unique) on both.
CREATE TABLE raw_documents (
    doc_id VARCHAR NOT NULL, content_type VARCHAR NOT NULL, encoding VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL, first_seen_at TIMESTAMPTZ NOT NULL);
COMMENT ON TABLE raw_documents IS 'One row per distinct raw content; exact duplicates share one row.';
COMMENT ON COLUMN raw_documents.doc_id IS 'Content hash (SHA-256 prefix) of the raw bytes; the same bytes always get the same id.';
COMMENT ON COLUMN raw_documents.content_type IS 'text/html or text/plain, sniffed from the bytes, not the file name.';
COMMENT ON COLUMN raw_documents.encoding IS 'Character encoding used to decode the bytes (BOM, then <meta charset>, then detection).';
COMMENT ON COLUMN raw_documents.size_bytes IS 'Size of the raw (decompressed) content in bytes.';
COMMENT ON COLUMN raw_documents.first_seen_at IS 'When this content was first ingested, kept across re-runs.';

CREATE TABLE document_sources (
    doc_id VARCHAR NOT NULL, source_uri VARCHAR NOT NULL, input_uri VARCHAR NOT NULL, batch_id VARCHAR NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL);
COMMENT ON TABLE document_sources IS 'One row per input file or record that produced a raw document.';
COMMENT ON COLUMN document_sources.doc_id IS 'The raw document this input produced (raw_documents.doc_id).';
COMMENT ON COLUMN document_sources.source_uri IS 'Where the content came from: the page URL when known (JSON Lines url, WARC target, fetched URL), else the file URI.';
COMMENT ON COLUMN document_sources.input_uri IS 'The exact input: a file URI, with #line=N for a JSON Lines record or #record=N for a WARC record.';
COMMENT ON COLUMN document_sources.batch_id IS 'The ingestion batch that first saw this input.';
COMMENT ON COLUMN document_sources.seen_at IS 'When this input was first seen.';

CREATE TABLE quarantine (
    source_uri VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, reason VARCHAR NOT NULL, detail VARCHAR NOT NULL,
    size_bytes BIGINT, sha256 VARCHAR, seen_at TIMESTAMPTZ NOT NULL);
COMMENT ON TABLE quarantine IS 'Every rejected input, with a reason code and a readable detail. Nothing is dropped silently.';
COMMENT ON COLUMN quarantine.source_uri IS 'The rejected input: a file URI (with #line=N or #record=N inside a container) or a URL.';
COMMENT ON COLUMN quarantine.batch_id IS 'The ingestion batch that saw it.';
COMMENT ON COLUMN quarantine.reason IS 'Reason code: empty, binary, too_large, undecodable, unreadable, malformed_record, fetch_failed, no_main_content, parse_error.';
COMMENT ON COLUMN quarantine.detail IS 'What exactly was wrong, for a human.';
COMMENT ON COLUMN quarantine.size_bytes IS 'Size of the input in bytes.';
COMMENT ON COLUMN quarantine.sha256 IS 'SHA-256 of the input bytes, when they could be read.';
COMMENT ON COLUMN quarantine.seen_at IS 'When the input was seen.';

CREATE TABLE skipped_records (
    input_uri VARCHAR NOT NULL, source_uri VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, record_type VARCHAR NOT NULL,
    detail VARCHAR, seen_at TIMESTAMPTZ NOT NULL);
COMMENT ON TABLE skipped_records IS 'Archive records that are not documents by design (WARC request, revisit, metadata, non-text or redirect responses): counted, not lost.';
COMMENT ON COLUMN skipped_records.input_uri IS 'The record: archive file URI with #record=N.';
COMMENT ON COLUMN skipped_records.source_uri IS 'The record target URI when it has one.';
COMMENT ON COLUMN skipped_records.batch_id IS 'The batch that read it.';
COMMENT ON COLUMN skipped_records.record_type IS 'warc_request, warc_revisit, warc_metadata, warc_warcinfo, non_text_response, http_status_NNN.';
COMMENT ON COLUMN skipped_records.detail IS 'More about it, e.g. the MIME type of a non-text response.';
COMMENT ON COLUMN skipped_records.seen_at IS 'When it was read.';

CREATE TABLE documents (
    doc_id VARCHAR NOT NULL, url VARCHAR, site VARCHAR, domain VARCHAR, title VARCHAR, author VARCHAR,
    published_date DATE, language VARCHAR NOT NULL, text VARCHAR NOT NULL, word_count BIGINT NOT NULL, cluster_id VARCHAR NOT NULL);
COMMENT ON TABLE documents IS 'Cleaned article text and metadata, one row per raw document with main content.';
COMMENT ON COLUMN documents.doc_id IS 'raw_documents.doc_id.';
COMMENT ON COLUMN documents.url IS 'Canonical URL (link rel=canonical, og:url) or the source URL; NULL for local files without one.';
COMMENT ON COLUMN documents.site IS 'Site name (og:site_name, JSON-LD publisher) or host: a display label, not a key (see domain).';
COMMENT ON COLUMN documents.domain IS 'Registered domain of url by the public-suffix list (news.bbc.co.uk: bbc.co.uk); the host without www. under a suffix the list does not know; NULL without a URL.';
COMMENT ON COLUMN documents.title IS 'Article title.';
COMMENT ON COLUMN documents.author IS 'Article author from metadata or byline; metadata, never a fact subject.';
COMMENT ON COLUMN documents.published_date IS 'Publication date from page metadata only; NULL rather than a date from the body.';
COMMENT ON COLUMN documents.language IS 'ISO 639-1 language code; non-English documents are kept and skipped by English NLP (see stage_skips).';
COMMENT ON COLUMN documents.text IS 'Cleaned main text, NFC, paragraphs separated by blank lines.';
COMMENT ON COLUMN documents.word_count IS 'Words in text.';
COMMENT ON COLUMN documents.cluster_id IS 'Near-duplicate cluster (syndicated copies): doc_id of its earliest member; equals doc_id when it has none.';

CREATE TABLE stage_skips (doc_id VARCHAR NOT NULL, stage VARCHAR NOT NULL, reason VARCHAR NOT NULL);
COMMENT ON TABLE stage_skips IS 'Documents a stage deliberately did not process, and why (e.g. non-English text).';
COMMENT ON COLUMN stage_skips.doc_id IS 'documents.doc_id.';
COMMENT ON COLUMN stage_skips.stage IS 'The asset that skipped it.';
COMMENT ON COLUMN stage_skips.reason IS 'Why it was skipped.';

CREATE TABLE entities (
    entity_id VARCHAR NOT NULL, name VARCHAR NOT NULL, type VARCHAR NOT NULL, aliases VARCHAR[] NOT NULL,
    n_mentions BIGINT NOT NULL, n_documents BIGINT NOT NULL);
COMMENT ON TABLE entities IS 'Canonical entities across documents.';
COMMENT ON COLUMN entities.entity_id IS 'Stable id: a hash of type and normalised canonical name, the same across runs.';
COMMENT ON COLUMN entities.name IS 'Canonical (fullest) name.';
COMMENT ON COLUMN entities.type IS 'PERSON, ORG, PLACE, WORK, AWARD, EVENT or MISC, voted across all mentions in all documents.';
COMMENT ON COLUMN entities.aliases IS 'Every surface form seen for it ("Lamar", "Kendrick").';
COMMENT ON COLUMN entities.n_mentions IS 'Mentions across all documents.';
COMMENT ON COLUMN entities.n_documents IS 'Documents that mention it.';

CREATE TABLE mentions (
    doc_id VARCHAR NOT NULL, entity_id VARCHAR NOT NULL, surface VARCHAR NOT NULL, type VARCHAR NOT NULL,
    sentence_index BIGINT NOT NULL, start_char BIGINT NOT NULL, end_char BIGINT NOT NULL);
COMMENT ON TABLE mentions IS 'Every entity mention in the cleaned text.';
COMMENT ON COLUMN mentions.doc_id IS 'documents.doc_id.';
COMMENT ON COLUMN mentions.entity_id IS 'entities.entity_id it resolves to.';
COMMENT ON COLUMN mentions.surface IS 'The text as written.';
COMMENT ON COLUMN mentions.type IS 'Entity type after in-document voting.';
COMMENT ON COLUMN mentions.sentence_index IS '0-based sentence number in documents.text.';
COMMENT ON COLUMN mentions.start_char IS 'Start offset in documents.text.';
COMMENT ON COLUMN mentions.end_char IS 'End offset (exclusive) in documents.text.';

CREATE TABLE facts (
    fact_id VARCHAR NOT NULL, subject_id VARCHAR NOT NULL, subject VARCHAR NOT NULL, predicate VARCHAR NOT NULL,
    object_id VARCHAR, object VARCHAR NOT NULL, object_kind VARCHAR NOT NULL, wikidata_property VARCHAR,
    n_documents BIGINT NOT NULL, n_independent BIGINT NOT NULL, first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL, confidence DOUBLE NOT NULL, contested BOOLEAN NOT NULL);
COMMENT ON TABLE facts IS 'One row per distinct (subject, predicate, object).';
COMMENT ON COLUMN facts.fact_id IS 'Stable id: hash of subject_id, predicate and object.';
COMMENT ON COLUMN facts.subject_id IS 'entities.entity_id of the subject.';
COMMENT ON COLUMN facts.subject IS 'Canonical name of the subject.';
COMMENT ON COLUMN facts.predicate IS 'Registry predicate (snake_case Wikidata property label), or open:<verb> outside the registry.';
COMMENT ON COLUMN facts.object_id IS 'entities.entity_id when object_kind = entity, else NULL.';
COMMENT ON COLUMN facts.object IS 'Canonical name, ISO 8601 date, quantity or string.';
COMMENT ON COLUMN facts.object_kind IS 'entity, date, quantity or string.';
COMMENT ON COLUMN facts.wikidata_property IS 'Wikidata property id (P57 for director); NULL for open predicates.';
COMMENT ON COLUMN facts.n_documents IS 'Distinct documents asserting it.';
COMMENT ON COLUMN facts.n_independent IS 'Distinct near-duplicate clusters asserting it: syndicated copies count once.';
COMMENT ON COLUMN facts.first_seen_at IS 'Earliest first_seen_at of a document asserting it.';
COMMENT ON COLUMN facts.last_seen_at IS 'Latest first_seen_at of a document asserting it.';
COMMENT ON COLUMN facts.confidence IS '1 - prod(1 - c) over independent clusters, c the best extraction confidence in each.';
COMMENT ON COLUMN facts.contested IS 'Single-valued predicate: another object is asserted for the subject. Multi-valued: two independent sources assert disjoint object sets.';

CREATE TABLE claims (
    fact_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, subject_id VARCHAR NOT NULL, subject VARCHAR NOT NULL,
    predicate VARCHAR NOT NULL, object_id VARCHAR, object VARCHAR NOT NULL, object_kind VARCHAR NOT NULL,
    wikidata_property VARCHAR, sentence_index BIGINT NOT NULL, sentence VARCHAR NOT NULL, start_char BIGINT NOT NULL,
    end_char BIGINT NOT NULL, extractor VARCHAR NOT NULL, confidence DOUBLE NOT NULL, modality VARCHAR NOT NULL);
COMMENT ON TABLE claims IS 'Per-document extracted facts with evidence, before deduplication; facts aggregates these.';
COMMENT ON COLUMN claims.fact_id IS 'facts.fact_id this claim supports.';
COMMENT ON COLUMN claims.doc_id IS 'documents.doc_id making the claim.';
COMMENT ON COLUMN claims.subject_id IS 'entities.entity_id of the subject.';
COMMENT ON COLUMN claims.subject IS 'Canonical subject name.';
COMMENT ON COLUMN claims.predicate IS 'Registry predicate.';
COMMENT ON COLUMN claims.object_id IS 'entities.entity_id of an entity object, else NULL.';
COMMENT ON COLUMN claims.object IS 'Canonical object name or literal.';
COMMENT ON COLUMN claims.object_kind IS 'entity, date, quantity or string.';
COMMENT ON COLUMN claims.wikidata_property IS 'Wikidata property id.';
COMMENT ON COLUMN claims.sentence_index IS '0-based sentence number in documents.text.';
COMMENT ON COLUMN claims.sentence IS 'The evidence sentence.';
COMMENT ON COLUMN claims.start_char IS 'Sentence start offset.';
COMMENT ON COLUMN claims.end_char IS 'Sentence end offset.';
COMMENT ON COLUMN claims.extractor IS 'Rule that fired.';
COMMENT ON COLUMN claims.confidence IS 'Extraction confidence.';
COMMENT ON COLUMN claims.modality IS 'How the sentence states it: asserted, reported (hearsay: reportedly, rumours), hedged (may, expected to, plans to, future) or negated; only asserted claims support facts.';

CREATE TABLE document_signatures (
    doc_id VARCHAR NOT NULL, signature BLOB NOT NULL);
COMMENT ON TABLE document_signatures IS 'MinHash signatures of cleaned texts, kept so new documents are compared with all earlier ones without recomputing them.';
COMMENT ON COLUMN document_signatures.doc_id IS 'documents.doc_id.';
COMMENT ON COLUMN document_signatures.signature IS 'MinHash hash values (128 x uint64, little-endian) over word 3-shingles.';

CREATE TABLE fact_evidence (
    fact_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, sentence VARCHAR NOT NULL, start_char BIGINT NOT NULL,
    end_char BIGINT NOT NULL, extractor VARCHAR NOT NULL, confidence DOUBLE NOT NULL);
COMMENT ON TABLE fact_evidence IS 'Every sentence that asserted a fact.';
COMMENT ON COLUMN fact_evidence.fact_id IS 'facts.fact_id.';
COMMENT ON COLUMN fact_evidence.doc_id IS 'documents.doc_id the sentence is in.';
COMMENT ON COLUMN fact_evidence.sentence IS 'The sentence, as in documents.text.';
COMMENT ON COLUMN fact_evidence.start_char IS 'Sentence start offset in documents.text.';
COMMENT ON COLUMN fact_evidence.end_char IS 'Sentence end offset in documents.text.';
COMMENT ON COLUMN fact_evidence.extractor IS 'Rule that fired: predicate:frame:trigger, e.g. director:verb_passive:direct.';
COMMENT ON COLUMN fact_evidence.confidence IS 'Confidence of this extraction.';
