-- BM25F on the text side (docs/RETRIEVAL.md). ts_rank has no IDF and no document-length model, so
-- search scores documents by BM25F over four fields instead: title, summary, section headings and
-- body. That needs each document's term frequency per field and each field's length; document
-- frequencies are kb_lexemes (sql/004). Reindex keeps all three in step (index-writes.ts); here
-- they are filled for what is indexed already.

ALTER TABLE kb_documents
  ADD COLUMN title_length integer NOT NULL DEFAULT 0,
  ADD COLUMN summary_length integer NOT NULL DEFAULT 0,
  ADD COLUMN heading_length integer NOT NULL DEFAULT 0,
  ADD COLUMN body_length integer NOT NULL DEFAULT 0;

-- One row per document and lexeme: how often the lexeme occurs in each field.
CREATE TABLE kb_postings (
  document_id  bigint NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
  lexeme       text NOT NULL,
  title_tf     integer NOT NULL DEFAULT 0,
  summary_tf   integer NOT NULL DEFAULT 0,
  heading_tf   integer NOT NULL DEFAULT 0,
  body_tf      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (document_id, lexeme)
);

INSERT INTO kb_postings (document_id, lexeme, title_tf, summary_tf, heading_tf, body_tf)
SELECT document_id, lexeme,
       coalesce(sum(tf) FILTER (WHERE field = 0), 0), coalesce(sum(tf) FILTER (WHERE field = 1), 0),
       coalesce(sum(tf) FILTER (WHERE field = 2), 0), coalesce(sum(tf) FILTER (WHERE field = 3), 0)
FROM (
  SELECT d.id AS document_id, 0 AS field, u.lexeme, array_length(u.positions, 1) AS tf
  FROM kb_documents d, unnest(to_tsvector('english', d.title)) u
  UNION ALL
  SELECT d.id, 1, u.lexeme, array_length(u.positions, 1)
  FROM kb_documents d, unnest(to_tsvector('english', d.summary)) u
  UNION ALL
  SELECT h.document_id, 2, u.lexeme, array_length(u.positions, 1)
  FROM (SELECT DISTINCT document_id, substr(heading, length(split_part(heading, ' › ', 1)) + 1) AS heading
        FROM kb_chunks) h, unnest(to_tsvector('english', h.heading)) u
  UNION ALL
  SELECT c.document_id, 3, u.lexeme, array_length(u.positions, 1)
  FROM kb_chunks c, unnest(to_tsvector('english', c.content)) u
) t
GROUP BY document_id, lexeme;

UPDATE kb_documents d
SET title_length = p.title, summary_length = p.summary, heading_length = p.heading, body_length = p.body
FROM (
  SELECT document_id, sum(title_tf) AS title, sum(summary_tf) AS summary, sum(heading_tf) AS heading, sum(body_tf) AS body
  FROM kb_postings GROUP BY document_id
) p
WHERE d.id = p.document_id;
