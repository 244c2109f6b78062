-- The knowledge index: documents, heading-sized chunks, and which embedder built it. Full-text
-- search works everywhere; embeddings and their HNSW index are added only where the vector
-- extension is available (PGlite and pgvector images have it; a stock PostgreSQL may not).

CREATE TABLE kb_documents (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Which collection the document came from ("bundled" or the directory given to reindex);
  -- a reindex only removes documents of its own source.
  source        text NOT NULL,
  path          text NOT NULL,
  title         text NOT NULL,
  summary       text NOT NULL DEFAULT '',
  tags          text[] NOT NULL DEFAULT '{}',
  content_hash  text NOT NULL,
  indexed_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, path)
);

CREATE TABLE kb_chunks (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id  bigint NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
  ordinal      integer NOT NULL,
  heading      text NOT NULL,
  content      text NOT NULL,
  search       tsvector GENERATED ALWAYS AS (
                 setweight(to_tsvector('english', heading), 'A') || to_tsvector('english', content)
               ) STORED
);

CREATE INDEX kb_chunks_document_idx ON kb_chunks (document_id);
CREATE INDEX kb_chunks_search_idx ON kb_chunks USING gin (search);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
    ALTER TABLE kb_chunks ADD COLUMN embedding vector(768);
    CREATE INDEX kb_chunks_embedding_idx ON kb_chunks USING hnsw (embedding vector_cosine_ops);
  END IF;
END
$$;

-- One row: the embedder that built the index (search refuses to mix embedders) and a version that
-- changes with every reindex that changed something (caches key on it).
CREATE TABLE kb_index (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  embedder     text NOT NULL,
  dimensions   integer NOT NULL,
  version      bigint NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
