import pgvector from 'pgvector';
import type { Queryable } from '../store/index.js';
import type { KnowledgeChunk } from './chunk.js';
import type { Embedder } from './embedder.js';
import type { KnowledgeDocument } from './markdown-document.js';

/** The tables one index lives in: the live ones, or a side index being built (side-index.ts). */
export interface IndexTables {
  documents: string;
  chunks: string;
  lexemes: string;
  postings: string;
}

export const LIVE_TABLES: IndexTables = {
  documents: 'kb_documents',
  chunks: 'kb_chunks',
  lexemes: 'kb_lexemes',
  postings: 'kb_postings',
};

/** A parsed, chunked article ready to be written. */
export interface PreparedDocument {
  document: KnowledgeDocument;
  contentHash: string;
  chunks: KnowledgeChunk[];
}

/** What an embedder is given for a chunk: its heading path carries the article's title. */
export const chunkText = (chunk: { heading: string; content: string }) => `${chunk.heading}\n${chunk.content}`;

/** Texts per embedder call: Gemini's batch limit, and a bound on memory for local embedders. */
export const EMBED_BATCH = 100;

/** Rows per multi-row INSERT: each vector is ~8 KB of text, so 250 rows stay around 2 MB. */
const ROWS_PER_INSERT = 250;

/** Embeds texts in batches of EMBED_BATCH. */
export async function embedInBatches(embedder: Embedder, texts: string[]): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += EMBED_BATCH) {
    vectors.push(...(await embedder.embed(texts.slice(start, start + EMBED_BATCH), 'document')));
  }
  return vectors;
}

/** Multi-row INSERTs of rows given as value arrays; `casts` holds a cast per column ('' for none). */
export async function insertRows<Row>(
  db: Queryable,
  into: string,
  columns: string[],
  casts: string[],
  rows: unknown[][],
  returning = '',
): Promise<Row[]> {
  const returned: Row[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const params: unknown[] = [];
    const values = rows.slice(start, start + ROWS_PER_INSERT).map((row) => {
      const placeholders = row.map((value, j) => {
        params.push(value);
        return `$${params.length}${casts[j] ?? ''}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    const { rows: out } = await db.query<Row>(
      `INSERT INTO ${into} (${columns.join(', ')}) VALUES ${values.join(', ')}${returning ? ` RETURNING ${returning}` : ''}`,
      params,
    );
    returned.push(...out);
  }
  return returned;
}

/**
 * Writes documents and their chunks with multi-row INSERTs, then their search columns. Embeddings
 * are one per chunk in document order, or undefined when the store has no vector column.
 * Returns the new document ids in the same order.
 */
export async function insertDocuments(
  db: Queryable,
  tables: IndexTables,
  source: string,
  documents: PreparedDocument[],
  embeddings: number[][] | undefined,
): Promise<number[]> {
  if (!documents.length) return [];
  const inserted = await insertRows<{ id: string | number; path: string }>(
    db,
    tables.documents,
    ['source', 'path', 'title', 'summary', 'tags', 'content_hash'],
    ['', '', '', '', '::text[]', ''],
    documents.map(({ document, contentHash }) => [
      source,
      document.path,
      document.title,
      document.summary,
      document.tags,
      contentHash,
    ]),
    'id, path',
  );
  const idByPath = new Map(inserted.map((row) => [row.path, Number(row.id)]));
  const ids = documents.map(({ document }) => idByPath.get(document.path) as number);
  const chunkRows: unknown[][] = [];
  let next = 0;
  documents.forEach(({ chunks }, i) => {
    for (const chunk of chunks) {
      const row: unknown[] = [ids[i], chunk.ordinal, chunk.heading, chunk.content];
      if (embeddings) row.push(pgvector.toSql(embeddings[next]));
      next++;
      chunkRows.push(row);
    }
  });
  const columns = ['document_id', 'ordinal', 'heading', 'content'];
  if (embeddings) columns.push('embedding');
  await insertRows(db, tables.chunks, columns, ['::bigint', '::int', '', '', '::vector'], chunkRows);
  await refreshSearchColumns(db, tables, ids);
  return ids;
}

/**
 * The documents' weighted full-text column (sql/004, kb_document_search_vector) and their small
 * title-summary-headings column, from their chunks, in one statement.
 */
export async function refreshSearchColumns(db: Queryable, tables: IndexTables, ids: number[]): Promise<void> {
  await db.query(
    `UPDATE ${tables.documents} d
     SET search = kb_document_search_vector(d.title, d.summary, c.headings, c.body),
         head_search = to_tsvector('english', d.title || ' ' || d.summary || ' ' || coalesce(c.headings, ''))
     FROM (
       SELECT document_id, string_agg(heading, ' ' ORDER BY ordinal) AS headings,
              string_agg(content, ' ' ORDER BY ordinal) AS body
       FROM ${tables.chunks} WHERE document_id = ANY($1::bigint[]) GROUP BY document_id
     ) c
     WHERE d.id = c.document_id`,
    [ids],
  );
  await refreshPostings(db, tables, ids);
}

/**
 * BM25F's statistics (for new document ids: nothing to delete first) (sql/006): each lexeme's frequency in each field of the documents — title,
 * summary, section headings (the heading path without the title), body — and the fields' lengths.
 */
async function refreshPostings(db: Queryable, tables: IndexTables, ids: number[]): Promise<void> {
  const tf = 'array_length(u.positions, 1)';
  await db.query(
    `INSERT INTO ${tables.postings} (document_id, lexeme, title_tf, summary_tf, heading_tf, body_tf)
     SELECT document_id, lexeme,
            coalesce(sum(tf) FILTER (WHERE field = 0), 0), coalesce(sum(tf) FILTER (WHERE field = 1), 0),
            coalesce(sum(tf) FILTER (WHERE field = 2), 0), coalesce(sum(tf) FILTER (WHERE field = 3), 0)
     FROM (
       SELECT d.id AS document_id, 0 AS field, u.lexeme, ${tf} AS tf
       FROM ${tables.documents} d, unnest(to_tsvector('english', d.title)) u WHERE d.id = ANY($1::bigint[])
       UNION ALL
       SELECT d.id, 1, u.lexeme, ${tf}
       FROM ${tables.documents} d, unnest(to_tsvector('english', d.summary)) u WHERE d.id = ANY($1::bigint[])
       UNION ALL
       SELECT h.document_id, 2, u.lexeme, ${tf}
       FROM (SELECT DISTINCT document_id, substr(heading, length(split_part(heading, ' › ', 1)) + 1) AS heading
             FROM ${tables.chunks} WHERE document_id = ANY($1::bigint[])) h,
            unnest(to_tsvector('english', h.heading)) u
       UNION ALL
       SELECT c.document_id, 3, u.lexeme, ${tf}
       FROM ${tables.chunks} c, unnest(to_tsvector('english', c.content)) u WHERE c.document_id = ANY($1::bigint[])
     ) t
     GROUP BY document_id, lexeme`,
    [ids],
  );
  await db.query(
    `UPDATE ${tables.documents} d
     SET title_length = p.title, summary_length = p.summary, heading_length = p.heading, body_length = p.body
     FROM (
       SELECT document_id, sum(title_tf) AS title, sum(summary_tf) AS summary,
              sum(heading_tf) AS heading, sum(body_tf) AS body
       FROM ${tables.postings} WHERE document_id = ANY($1::bigint[]) GROUP BY document_id
     ) p
     WHERE d.id = p.document_id`,
    [ids],
  );
}

/**
 * Adds (+1) or removes (-1) the documents' lexemes to the document frequencies search uses to pick
 * its candidates. Call with -1 before deleting documents and +1 after writing them.
 */
export async function countLexemes(db: Queryable, tables: IndexTables, ids: number[], sign: 1 | -1): Promise<void> {
  if (!ids.length) return;
  const counted = `SELECT lexeme, count(*)::int AS documents
     FROM ${tables.documents}, unnest(tsvector_to_array(search)) AS lexeme
     WHERE id = ANY($1::bigint[]) GROUP BY lexeme`;
  await db.query(
    sign === 1
      ? `INSERT INTO ${tables.lexemes} AS l (lexeme, documents) ${counted}
         ON CONFLICT (lexeme) DO UPDATE SET documents = l.documents + excluded.documents`
      : `UPDATE ${tables.lexemes} l SET documents = greatest(0, l.documents - c.documents)
         FROM (${counted}) c WHERE l.lexeme = c.lexeme`,
    [ids],
  );
}

/** Records the embedder and moves the version search caches key on (cached-search.ts). */
export async function bumpIndexVersion(db: Queryable, embedderId: string, dimensions: number): Promise<void> {
  await db.query(
    `INSERT INTO kb_index (embedder, dimensions, version) VALUES ($1, $2, 1)
     ON CONFLICT (singleton) DO UPDATE SET embedder = $1, dimensions = $2,
       version = kb_index.version + 1, updated_at = now()`,
    [embedderId, dimensions],
  );
}
