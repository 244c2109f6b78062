import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pgvector from 'pgvector';
import { UsageError } from '../errors.js';
import type { Queryable, Store } from '../store/index.js';
import { chunkDocument, type KnowledgeChunk } from './chunk.js';
import type { Embedder } from './embedder.js';
import { parseMarkdownDocument } from './markdown-document.js';
import { reembedIndex } from './reembed.js';
import { FULL_TEXT_ONLY, storeHasVectors } from './vector-support.js';

export interface ReindexOptions {
  sourceDir: string;
  /** Names the collection; a reindex only removes documents of its own source. */
  sourceName: string;
  embedder: Embedder;
  /** Drop every document (all sources) and rebuild with this embedder, in one transaction. */
  rebuild?: boolean;
  onProgress?: (progress: ReindexProgress) => void;
}

export interface ReindexProgress {
  documentsDone: number;
  documentsTotal: number;
  chunks: number;
}

export interface ReindexSummary {
  source: string;
  embedder: string;
  documents: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  chunks: number;
  /** Chunks re-embedded because the index was built by another embedder (0 when it was not). */
  reembedded: number;
  /** The embedder the index was built with before, when this run replaced it. */
  replacedEmbedder?: string;
  elapsedMs: number;
}

/** Rows per multi-row INSERT: large enough to cut round trips, small enough for the parameter limit. */
const INSERT_BATCH = 100;

function listMarkdownFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(md|markdown)$/i.test(entry.name))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function indexedWith(db: Queryable): Promise<string | undefined> {
  const { rows } = await db.query<{ embedder: string }>('SELECT embedder FROM kb_index');
  return rows[0]?.embedder;
}

/** Multi-row inserts; embeddings is undefined when the store has no vector column. */
async function insertChunks(
  db: Queryable,
  documentId: number,
  chunks: KnowledgeChunk[],
  embeddings: number[][] | undefined,
) {
  const columns = embeddings
    ? 'document_id, ordinal, heading, content, embedding'
    : 'document_id, ordinal, heading, content';
  for (let start = 0; start < chunks.length; start += INSERT_BATCH) {
    const params: unknown[] = [];
    const values = chunks.slice(start, start + INSERT_BATCH).map((chunk, i) => {
      const row: unknown[] = [documentId, chunk.ordinal, chunk.heading, chunk.content];
      if (embeddings) row.push(pgvector.toSql(embeddings[start + i]));
      const placeholders = row.map((_, j) => `$${params.length + j + 1}${j === 4 ? '::vector' : ''}`);
      params.push(...row);
      return `(${placeholders.join(', ')})`;
    });
    await db.query(`INSERT INTO kb_chunks (${columns}) VALUES ${values.join(', ')}`, params);
  }
}

/**
 * Brings the index in line with a directory of Markdown articles. Each document is replaced in its
 * own transaction, so a crash midway leaves every document either at its old or its new version and
 * search keeps working; unchanged documents (same content hash) are skipped.
 */
export async function reindexKnowledgeBase(store: Store, options: ReindexOptions): Promise<ReindexSummary> {
  const started = performance.now();
  const { sourceDir, sourceName, embedder } = options;
  if (!fs.existsSync(sourceDir) || !fs.statSync(sourceDir).isDirectory()) {
    throw new UsageError(`The knowledge source ${sourceDir} is not a directory.`);
  }
  const files = listMarkdownFiles(sourceDir);
  const summary: ReindexSummary = {
    source: sourceName,
    embedder: embedder.id,
    documents: files.length,
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    chunks: 0,
    reembedded: 0,
    elapsedMs: 0,
  };

  // Without pgvector the index is full-text only, and says so.
  const withVectors = await storeHasVectors(store);
  const embedderId = withVectors ? embedder.id : FULL_TEXT_ONLY;
  summary.embedder = embedderId;

  // A changed embedder re-embeds the whole index first (all sources), so it is never mixed.
  const previousEmbedder = options.rebuild ? undefined : await indexedWith(store);
  if (previousEmbedder && previousEmbedder !== embedderId) {
    summary.reembedded = await reembedIndex(store, embedder);
    summary.replacedEmbedder = previousEmbedder;
  }

  const run = async (db: Queryable) => {
    if (options.rebuild) {
      await db.query('DELETE FROM kb_documents');
      await db.query('DELETE FROM kb_index');
    }
    const { rows: existing } = await db.query<{ id: number; path: string; content_hash: string }>(
      'SELECT id, path, content_hash FROM kb_documents WHERE source = $1',
      [sourceName],
    );
    const known = new Map(existing.map((row) => [row.path, row]));
    const seen = new Set<string>();

    for (const [index, file] of files.entries()) {
      const text = fs.readFileSync(path.join(sourceDir, file), 'utf8');
      const document = parseMarkdownDocument(file, text);
      seen.add(document.path);
      const hash = createHash('sha256').update(text).digest('hex');
      const previous = known.get(document.path);
      if (previous?.content_hash === hash) {
        summary.unchanged++;
      } else {
        const chunks = chunkDocument(document);
        const embeddings = withVectors
          ? await embedder.embed(
              chunks.map((chunk) => `${chunk.heading}\n${chunk.content}`),
              'document',
            )
          : undefined;
        const replace = async (tx: Queryable) => {
          if (previous) await tx.query('DELETE FROM kb_documents WHERE id = $1', [previous.id]);
          const { rows } = await tx.query<{ id: number }>(
            `INSERT INTO kb_documents (source, path, title, summary, tags, content_hash)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
            [sourceName, document.path, document.title, document.summary, document.tags, hash],
          );
          await insertChunks(tx, Number(rows[0]?.id), chunks, embeddings);
          // The document's weighted full-text column, from its title, summary and chunks (sql/003).
          await tx.query('SELECT kb_refresh_document_search($1)', [rows[0]?.id]);
        };
        await (options.rebuild ? replace(db) : store.transaction(replace));
        summary.chunks += chunks.length;
        if (previous) summary.updated++;
        else summary.added++;
      }
      options.onProgress?.({ documentsDone: index + 1, documentsTotal: files.length, chunks: summary.chunks });
    }

    const gone = existing.filter((row) => !seen.has(row.path)).map((row) => row.id);
    if (gone.length) await db.query('DELETE FROM kb_documents WHERE id = ANY($1::bigint[])', [gone]);
    summary.removed = gone.length;

    if (summary.added || summary.updated || summary.removed || options.rebuild) {
      await db.query(
        `INSERT INTO kb_index (embedder, dimensions, version) VALUES ($1, $2, 1)
         ON CONFLICT (singleton) DO UPDATE SET embedder = $1, dimensions = $2,
           version = kb_index.version + 1, updated_at = now()`,
        [embedderId, withVectors ? embedder.dimensions : 0],
      );
    }
  };

  // A rebuild swaps the whole index at once: until it commits, the old index keeps serving.
  await (options.rebuild ? store.transaction(run) : run(store));
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}
