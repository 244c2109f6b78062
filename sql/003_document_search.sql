-- Documents get their own weighted full-text column: title (A), summary (B), headings (C) and body
-- (D). Ranking whole articles this way beat ranking single chunks on both retrieval dev sets
-- (README, "Retrieval"). Reindex calls kb_refresh_document_search after writing a document's
-- chunks; here it fills the column for what is indexed already.

ALTER TABLE kb_documents ADD COLUMN search tsvector;

CREATE FUNCTION kb_refresh_document_search(document bigint) RETURNS void LANGUAGE sql AS $$
  UPDATE kb_documents d
  SET search = setweight(to_tsvector('english', d.title), 'A')
            || setweight(to_tsvector('english', d.summary), 'B')
            || setweight(to_tsvector('english', coalesce(chunks.headings, '')), 'C')
            || setweight(to_tsvector('english', coalesce(chunks.body, '')), 'D')
  FROM (
    SELECT string_agg(heading, ' ' ORDER BY ordinal) AS headings, string_agg(content, ' ' ORDER BY ordinal) AS body
    FROM kb_chunks WHERE document_id = document
  ) chunks
  WHERE d.id = document;
$$;

SELECT kb_refresh_document_search(id) FROM kb_documents;

CREATE INDEX kb_documents_search_idx ON kb_documents USING gin (search);
