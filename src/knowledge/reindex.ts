import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Queryable, Store } from '../store/index.js';
import { acquireBuildLease } from './build-lease.js';
import { chunkDocument } from './chunk.js';
import type { Embedder } from './embedder.js';
import {
  bumpIndexVersion,
  chunkText,
  countLexemes,
  embedInBatches,
  insertDocuments,
  LIVE_TABLES,
  type PreparedDocument,
} from './index-writes.js';
import { parseMarkdownDocument } from './markdown-document.js';
import { buildSideIndex, dropSideTables, type SideBuildStep } from './side-index.js';
import { FULL_TEXT_ONLY, storeHasVectors } from './vector-support.js';

export interface ReindexOptions {
  sourceDir: string;
  /** Names the collection; a reindex only removes documents of its own source. */
  sourceName: string;
  embedder: Embedder;
  /**
   * Rebuild this source from scratch, beside the live index; other sources are carried over
   * (re-embedded if the embedder changed), never dropped.
   */
  rebuild?: boolean;
  onProgress?: (progress: ReindexProgress) => void;
  /** Each step of a side build (a crash before 'swapped' leaves the old index serving). */
  onBuildStep?: (step: SideBuildStep) => void | Promise<void>;
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
  /** Whether a whole new index was built beside the live one and swapped in. */
  sideBuild: boolean;
  /** For a side build: milliseconds from the start of the run to the end of each step. */
  stepsMs?: Partial<Record<SideBuildStep, number>>;
  elapsedMs: number;
}

/**
 * A reindex that writes at least this many chunks, and at least as many as the live index holds,
 * builds a new index beside the live one instead of inserting into it: bulk loads without indexes
 * and an HNSW build after the load beat row-by-row inserts into a live HNSW graph (README).
 */
const SIDE_BUILD_MIN_CHUNKS = 1000;

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

async function liveChunkCount(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_chunks');
  return rows[0]?.n ?? 0;
}

interface ChangedDocument extends PreparedDocument {
  previousId?: number;
}

/** Replaces one document in one transaction, keeping the document frequencies in step. */
async function replaceDocument(store: Store, sourceName: string, changed: ChangedDocument, embeddings?: number[][]) {
  await store.transaction(async (tx) => {
    if (changed.previousId !== undefined) {
      await countLexemes(tx, LIVE_TABLES, [changed.previousId], -1);
      await tx.query('DELETE FROM kb_documents WHERE id = $1', [changed.previousId]);
    }
    const ids = await insertDocuments(tx, LIVE_TABLES, sourceName, [changed], embeddings);
    await countLexemes(tx, LIVE_TABLES, ids, 1);
  });
}

/**
 * Brings the index in line with a directory of Markdown articles; unchanged documents (same
 * content hash) are skipped. Small changes replace each document in its own transaction, so a
 * crash midway leaves every document at its old or its new version. A changed embedder, --rebuild,
 * or a change as large as the index builds a whole new index beside the live one and swaps it in
 * when complete (side-index.ts): until then the old index keeps serving. One reindex changes the
 * index at a time (build-lease.ts), and each clears what a build that died before its swap left.
 */
export async function reindexKnowledgeBase(store: Store, options: ReindexOptions): Promise<ReindexSummary> {
  const { sourceDir } = options;
  if (!fs.existsSync(sourceDir) || !fs.statSync(sourceDir).isDirectory()) {
    throw new UsageError(`The knowledge source ${sourceDir} is not a directory.`);
  }
  const lease = await acquireBuildLease(store);
  try {
    await dropSideTables(store);
    return await reindexUnderLease(store, options);
  } finally {
    await lease.release().catch(() => {});
  }
}

async function reindexUnderLease(store: Store, options: ReindexOptions): Promise<ReindexSummary> {
  const started = performance.now();
  const { sourceDir, sourceName, embedder } = options;
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
    sideBuild: false,
    elapsedMs: 0,
  };

  // Without pgvector the index is full-text only, and says so.
  const withVectors = await storeHasVectors(store);
  const embedderId = withVectors ? embedder.id : FULL_TEXT_ONLY;
  const dimensions = withVectors ? embedder.dimensions : 0;
  summary.embedder = embedderId;
  const previousEmbedder = await indexedWith(store);
  const embedderChanged = previousEmbedder !== undefined && previousEmbedder !== embedderId;

  const { rows: existing } = await store.query<{ id: string; path: string; content_hash: string }>(
    'SELECT id, path, content_hash FROM kb_documents WHERE source = $1',
    [sourceName],
  );
  const known = new Map(existing.map((row) => [row.path, row]));
  const seen = new Set<string>();
  const changed: ChangedDocument[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(sourceDir, file), 'utf8');
    const documentPath = file.split(path.sep).join('/');
    seen.add(documentPath);
    const contentHash = createHash('sha256').update(text).digest('hex');
    const previous = known.get(documentPath);
    // Unchanged articles are not even parsed: a no-change reindex is reading and hashing.
    if (!options.rebuild && previous?.content_hash === contentHash) {
      summary.unchanged++;
      continue;
    }
    const document = parseMarkdownDocument(file, text);
    changed.push({
      document,
      contentHash,
      chunks: chunkDocument(document),
      previousId: options.rebuild || !previous ? undefined : Number(previous.id),
    });
  }
  const gone = existing.filter((row) => !seen.has(row.path)).map((row) => Number(row.id));
  const changedChunks = changed.reduce((sum, doc) => sum + doc.chunks.length, 0);

  summary.sideBuild =
    options.rebuild === true ||
    embedderChanged ||
    (changedChunks >= SIDE_BUILD_MIN_CHUNKS && changedChunks >= (await liveChunkCount(store)));

  if (summary.sideBuild) {
    // A rebuild drops this source's documents only: `reindex --rebuild --source X` must not
    // take the other sources (the bundled articles, say) out of the index.
    const dropDocumentIds = options.rebuild
      ? existing.map((row) => Number(row.id))
      : [...changed.flatMap((doc) => (doc.previousId === undefined ? [] : [doc.previousId])), ...gone];
    const result = await buildSideIndex(store, {
      embedderId,
      dimensions,
      dropDocumentIds,
      reembedWith: embedderChanged ? embedder : undefined,
      add: { source: sourceName, documents: changed, embedder },
      onStep: (step) => {
        summary.stepsMs = { ...summary.stepsMs, [step]: Math.round(performance.now() - started) };
        return options.onBuildStep?.(step);
      },
      onLoaded: (documents, chunks) =>
        options.onProgress?.({ documentsDone: summary.unchanged + documents, documentsTotal: files.length, chunks }),
    });
    summary.reembedded = result.reembedded;
    if (embedderChanged) summary.replacedEmbedder = previousEmbedder;
  } else {
    for (const [index, doc] of changed.entries()) {
      const embeddings = withVectors ? await embedInBatches(embedder, doc.chunks.map(chunkText)) : undefined;
      await replaceDocument(store, sourceName, doc, embeddings);
      summary.chunks += doc.chunks.length;
      options.onProgress?.({
        documentsDone: summary.unchanged + index + 1,
        documentsTotal: files.length,
        chunks: summary.chunks,
      });
    }
    if (gone.length) {
      await store.transaction(async (tx) => {
        await countLexemes(tx, LIVE_TABLES, gone, -1);
        await tx.query('DELETE FROM kb_documents WHERE id = ANY($1::bigint[])', [gone]);
      });
    }
    if (changed.length || gone.length) await bumpIndexVersion(store, embedderId, dimensions);
  }
  summary.chunks = changedChunks;
  for (const doc of changed) {
    if (doc.previousId === undefined) summary.added++;
    else summary.updated++;
  }
  summary.removed = gone.length;
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}
