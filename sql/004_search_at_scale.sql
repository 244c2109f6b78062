-- Search at scale (README, "Knowledge search at scale").
--
-- 1. One definition of a document's weighted search vector, as a pure function, so a bulk load into
--    a side index computes it for every document in one statement.
-- 2. kb_documents.head_search: title, summary and headings only. Small enough that matching it is
--    cheap; when every article mentions a query's words, the ones that are *about* them come first.
-- 3. kb_lexemes: in how many documents each lexeme occurs. Search builds its candidate set from the
--    query's rarest words and ranks only that bounded set, instead of every document that shares
--    a common word with the question.

CREATE FUNCTION kb_document_search_vector(title text, summary text, headings text, body text)
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
  SELECT setweight(to_tsvector('english', title), 'A')
      || setweight(to_tsvector('english', summary), 'B')
      || setweight(to_tsvector('english', coalesce(headings, '')), 'C')
      || setweight(to_tsvector('english', coalesce(body, '')), 'D')
$$;

ALTER TABLE kb_documents ADD COLUMN head_search tsvector;

CREATE OR REPLACE FUNCTION kb_refresh_document_search(document bigint) RETURNS void LANGUAGE sql AS $$
  UPDATE kb_documents d
  SET search = kb_document_search_vector(d.title, d.summary, chunks.headings, chunks.body),
      head_search = to_tsvector('english', d.title || ' ' || d.summary || ' ' || coalesce(chunks.headings, ''))
  FROM (
    SELECT string_agg(heading, ' ' ORDER BY ordinal) AS headings, string_agg(content, ' ' ORDER BY ordinal) AS body
    FROM kb_chunks WHERE document_id = document
  ) chunks
  WHERE d.id = document;
$$;

SELECT kb_refresh_document_search(id) FROM kb_documents;

CREATE INDEX kb_documents_head_search_idx ON kb_documents USING gin (head_search);

CREATE TABLE kb_lexemes (
  lexeme     text PRIMARY KEY,
  documents  integer NOT NULL CHECK (documents >= 0)
);

INSERT INTO kb_lexemes (lexeme, documents)
SELECT lexeme, count(*) FROM kb_documents, unnest(tsvector_to_array(search)) AS lexeme GROUP BY lexeme;

-- 4. Ticket embeddings, by the same embedder as the knowledge index, for similar tickets and
--    triage. Kept beside the tickets (not a column of theirs) so embedding never touches a
--    ticket's version or timeline; text_hash says which title and description were embedded.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    CREATE TABLE ticket_embeddings (
      ticket_id  bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
      embedder   text NOT NULL,
      text_hash  text NOT NULL,
      embedding  vector(768) NOT NULL
    );
    CREATE INDEX ticket_embeddings_embedding_idx ON ticket_embeddings USING hnsw (embedding vector_cosine_ops);
  END IF;
END
$$;
