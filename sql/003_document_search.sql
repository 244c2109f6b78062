-- Documents get their own weighted full-text column: title (A), summary (B), headings (C) and body
-- (D). Ranking whole articles this way beat ranking single chunks on both retrieval dev sets
-- (README, "Retrieval"). Reindex keeps it up to date; this fills it for what is indexed already.

ALTER TABLE kb_documents ADD COLUMN search tsvector;

UPDATE kb_documents d
SET search = setweight(to_tsvector('english', d.title), 'A')
          || setweight(to_tsvector('english', d.summary), 'B')
          || setweight(to_tsvector('english', chunks.headings), 'C')
          || setweight(to_tsvector('english', chunks.body), 'D')
FROM (
  SELECT document_id, string_agg(heading, ' ' ORDER BY ordinal) AS headings, string_agg(content, ' ' ORDER BY ordinal) AS body
  FROM kb_chunks GROUP BY document_id
) chunks
WHERE chunks.document_id = d.id;

CREATE INDEX kb_documents_search_idx ON kb_documents USING gin (search);
