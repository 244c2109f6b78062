import pgvector from 'pgvector';
import type { Store } from '../store/index.js';
import type { Embedder } from './embedder.js';
import {
  bumpIndexVersion,
  chunkText,
  EMBED_BATCH,
  embedInBatches,
  type IndexTables,
  insertDocuments,
  insertRows,
  type PreparedDocument,
} from './index-writes.js';

/** The points a side build passes; a crash before 'swapped' leaves the old index serving. */
export type SideBuildStep = 'created' | 'copied' | 'loaded' | 'indexed' | 'swapped';

export interface SideBuildPlan {
  /** Recorded in kb_index when the new index goes live. */
  embedderId: string;
  /** Width of the new embedding column; 0 for a full-text-only store. */
  dimensions: number;
  /** Live documents not carried over (replaced or removed by this reindex). */
  dropDocumentIds: number[];
  /** Re-embed carried-over chunks with this embedder (the embedder changed); else copy vectors. */
  reembedWith?: Embedder;
  /** New documents and the embedder for their chunks. */
  add: { source: string; documents: PreparedDocument[]; embedder: Embedder };
  onStep?: (step: SideBuildStep) => void | Promise<void>;
  /** After each batch of new documents is written: how many documents and chunks so far. */
  onLoaded?: (documents: number, chunks: number) => void;
}

export interface SideBuildResult {
  /** Carried-over chunks that were re-embedded. */
  reembedded: number;
  /** Chunks written for the new documents. */
  chunks: number;
}

const SIDE: IndexTables = {
  documents: 'kb_documents_next',
  chunks: 'kb_chunks_next',
  lexemes: 'kb_lexemes_next',
  postings: 'kb_postings_next',
};

/**
 * HNSW builds fast only when the graph fits in maintenance_work_mem: at 20k × 768 the 64 MB default
 * doubled the build time (README, "Knowledge search at scale").
 */
const HNSW_BUILD_MEMORY = '1GB';

/** Side-index object names and the names the migrations gave the live ones. */
const INDEX_RENAMES: [string, string][] = [
  ['kb_documents_next_pkey', 'kb_documents_pkey'],
  ['kb_documents_next_source_path_key', 'kb_documents_source_path_key'],
  ['kb_documents_next_search_idx', 'kb_documents_search_idx'],
  ['kb_documents_next_head_search_idx', 'kb_documents_head_search_idx'],
  ['kb_chunks_next_pkey', 'kb_chunks_pkey'],
  ['kb_chunks_next_document_idx', 'kb_chunks_document_idx'],
  ['kb_chunks_next_search_idx', 'kb_chunks_search_idx'],
  ['kb_lexemes_next_pkey', 'kb_lexemes_pkey'],
  ['kb_postings_next_pkey', 'kb_postings_pkey'],
];
const EMBEDDING_INDEX_RENAME: [string, string] = ['kb_chunks_next_embedding_idx', 'kb_chunks_embedding_idx'];

/** Side tables a build left when it died before its swap. */
export async function dropSideTables(store: Store): Promise<void> {
  await store.exec('DROP TABLE IF EXISTS kb_postings_next, kb_chunks_next, kb_documents_next, kb_lexemes_next');
}

async function createSideTables(store: Store, dimensions: number): Promise<void> {
  await store.exec(`
    CREATE TABLE kb_documents_next (LIKE kb_documents INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS);
    CREATE TABLE kb_chunks_next (LIKE kb_chunks INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED);
    CREATE TABLE kb_lexemes_next (LIKE kb_lexemes INCLUDING ALL);
    CREATE TABLE kb_postings_next (LIKE kb_postings INCLUDING DEFAULTS);
    ${dimensions ? `ALTER TABLE kb_chunks_next ALTER COLUMN embedding TYPE vector(${dimensions});` : ''}`);
}

/** Live documents carried over, with their ids (chunks refer to them); chunks copied or re-embedded. */
async function copyLiveDocuments(store: Store, plan: SideBuildPlan): Promise<number> {
  await store.query(
    'INSERT INTO kb_documents_next OVERRIDING SYSTEM VALUE SELECT * FROM kb_documents WHERE id <> ALL($1::bigint[])',
    [plan.dropDocumentIds],
  );
  // New documents get ids above every live one, so an id never names two different articles.
  await store.query(
    `SELECT setval(pg_get_serial_sequence('kb_documents_next', 'id'),
       greatest((SELECT max(id) FROM kb_documents), (SELECT max(id) FROM kb_documents_next), 1))`,
  );
  await store.query(
    'INSERT INTO kb_postings_next SELECT * FROM kb_postings WHERE document_id IN (SELECT id FROM kb_documents_next)',
  );
  const withVectors = plan.dimensions > 0;
  if (!plan.reembedWith || !withVectors) {
    await store.query(
      `INSERT INTO kb_chunks_next (document_id, ordinal, heading, content${withVectors ? ', embedding' : ''})
       SELECT document_id, ordinal, heading, content${withVectors ? ', embedding' : ''} FROM kb_chunks
       WHERE document_id IN (SELECT id FROM kb_documents_next)`,
    );
    return 0;
  }
  // Re-embedded from the text already in the index, so every source is covered, not just the
  // directory being reindexed.
  let reembedded = 0;
  let after = 0;
  for (;;) {
    const { rows } = await store.query<{
      id: string;
      document_id: string;
      ordinal: number;
      heading: string;
      content: string;
    }>(
      `SELECT id, document_id, ordinal, heading, content FROM kb_chunks
       WHERE id > $1 AND document_id IN (SELECT id FROM kb_documents_next) ORDER BY id LIMIT ${EMBED_BATCH * 5}`,
      [after],
    );
    if (!rows.length) break;
    const vectors = await embedInBatches(plan.reembedWith, rows.map(chunkText));
    await insertRows(
      store,
      SIDE.chunks,
      ['document_id', 'ordinal', 'heading', 'content', 'embedding'],
      ['::bigint', '::int', '', '', '::vector'],
      rows.map((row, i) => [row.document_id, row.ordinal, row.heading, row.content, pgvector.toSql(vectors[i])]),
    );
    reembedded += rows.length;
    after = Number(rows[rows.length - 1]?.id);
  }
  return reembedded;
}

async function loadNewDocuments(store: Store, plan: SideBuildPlan): Promise<number> {
  const { source, documents, embedder } = plan.add;
  const withVectors = plan.dimensions > 0;
  let chunks = 0;
  // A batch of documents at a time: embedding calls stay full, memory stays bounded.
  for (let start = 0; start < documents.length; ) {
    const batch: PreparedDocument[] = [];
    let texts = 0;
    while (start < documents.length && (texts < EMBED_BATCH * 5 || !batch.length)) {
      const next = documents[start++] as PreparedDocument;
      batch.push(next);
      texts += next.chunks.length;
    }
    const embeddings = withVectors
      ? await embedInBatches(
          embedder,
          batch.flatMap((prepared) => prepared.chunks.map(chunkText)),
        )
      : undefined;
    await insertDocuments(store, SIDE, source, batch, embeddings);
    chunks += texts;
    plan.onLoaded?.(start, chunks);
  }
  return chunks;
}

/** Constraints, full-text indexes, document frequencies and, last, HNSW over the loaded rows. */
async function buildIndexes(store: Store, withVectors: boolean): Promise<void> {
  await store.exec(`
    ALTER TABLE kb_documents_next ADD CONSTRAINT kb_documents_next_pkey PRIMARY KEY (id);
    ALTER TABLE kb_documents_next ADD CONSTRAINT kb_documents_next_source_path_key UNIQUE (source, path);
    CREATE INDEX kb_documents_next_search_idx ON kb_documents_next USING gin (search);
    CREATE INDEX kb_documents_next_head_search_idx ON kb_documents_next USING gin (head_search);
    ALTER TABLE kb_chunks_next ADD CONSTRAINT kb_chunks_next_pkey PRIMARY KEY (id);
    ALTER TABLE kb_chunks_next ADD CONSTRAINT kb_chunks_next_document_id_fkey
      FOREIGN KEY (document_id) REFERENCES kb_documents_next (id) ON DELETE CASCADE;
    CREATE INDEX kb_chunks_next_document_idx ON kb_chunks_next (document_id);
    CREATE INDEX kb_chunks_next_search_idx ON kb_chunks_next USING gin (search);
    ALTER TABLE kb_postings_next ADD CONSTRAINT kb_postings_next_pkey PRIMARY KEY (document_id, lexeme);
    ALTER TABLE kb_postings_next ADD CONSTRAINT kb_postings_next_document_id_fkey
      FOREIGN KEY (document_id) REFERENCES kb_documents_next (id) ON DELETE CASCADE;
    INSERT INTO kb_lexemes_next (lexeme, documents)
      SELECT lexeme, count(*) FROM kb_documents_next, unnest(tsvector_to_array(search)) AS lexeme GROUP BY lexeme;
    -- Fresh tables have no statistics: without them the planner scans every vector instead of HNSW.
    ANALYZE kb_documents_next, kb_chunks_next, kb_lexemes_next, kb_postings_next;`);
  if (!withVectors) return;
  // SET LOCAL needs a transaction, which also keeps a pooled connection for the build.
  await store.transaction(async (tx) => {
    await tx.query(`SET LOCAL maintenance_work_mem = '${HNSW_BUILD_MEMORY}'`);
    await tx.query(
      'CREATE INDEX kb_chunks_next_embedding_idx ON kb_chunks_next USING hnsw (embedding vector_cosine_ops)',
    );
  });
}

/** One short transaction: the old index serves until it commits, the new one from then on. */
async function swapIn(store: Store, plan: SideBuildPlan): Promise<void> {
  const renames = plan.dimensions ? [...INDEX_RENAMES, EMBEDDING_INDEX_RENAME] : INDEX_RENAMES;
  await store.transaction(async (tx) => {
    const { rows } = await tx.query<{ documents: string | null; chunks: string | null }>(
      `SELECT pg_get_serial_sequence('kb_documents_next', 'id') AS documents,
              pg_get_serial_sequence('kb_chunks_next', 'id') AS chunks`,
    );
    await tx.exec(`
      DROP TABLE kb_postings, kb_chunks, kb_documents, kb_lexemes;
      ALTER TABLE kb_documents_next RENAME TO kb_documents;
      ALTER TABLE kb_chunks_next RENAME TO kb_chunks;
      ALTER TABLE kb_lexemes_next RENAME TO kb_lexemes;
      ALTER TABLE kb_postings_next RENAME TO kb_postings;
      ALTER TABLE kb_chunks RENAME CONSTRAINT kb_chunks_next_document_id_fkey TO kb_chunks_document_id_fkey;
      ALTER TABLE kb_postings RENAME CONSTRAINT kb_postings_next_document_id_fkey TO kb_postings_document_id_fkey;
      ${renames.map(([from, to]) => `ALTER INDEX ${from} RENAME TO ${to};`).join('\n')}
      ${rows[0]?.documents ? `ALTER SEQUENCE ${rows[0].documents} RENAME TO kb_documents_id_seq;` : ''}
      ${rows[0]?.chunks ? `ALTER SEQUENCE ${rows[0].chunks} RENAME TO kb_chunks_id_seq;` : ''}`);
    await bumpIndexVersion(tx, plan.embedderId, plan.dimensions);
  });
}

/**
 * Builds a whole new index beside the live one — carried-over documents, new documents, bulk
 * loaded with no index but primary keys missing, then full-text and HNSW indexes built over the
 * loaded rows — and swaps it in with one short transaction. Until the swap commits, searches use
 * the old index; a crash at any point before leaves side tables that the next reindex drops.
 * The caller holds the build lease (build-lease.ts).
 */
export async function buildSideIndex(store: Store, plan: SideBuildPlan): Promise<SideBuildResult> {
  await dropSideTables(store);
  await createSideTables(store, plan.dimensions);
  await plan.onStep?.('created');
  const reembedded = await copyLiveDocuments(store, plan);
  await plan.onStep?.('copied');
  const chunks = await loadNewDocuments(store, plan);
  await plan.onStep?.('loaded');
  await buildIndexes(store, plan.dimensions > 0);
  await plan.onStep?.('indexed');
  await swapIn(store, plan);
  await plan.onStep?.('swapped');
  return { reembedded, chunks };
}
