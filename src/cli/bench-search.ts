import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pgvector from 'pgvector';
import { UsageError } from '../errors.js';
import { createHashedEmbedder, reindexKnowledgeBase, searchKnowledge } from '../knowledge/index.js';
import { migrateToLatest, openEmbeddedStore, openServerStore, type Store } from '../store/index.js';
import { compareWithExact, EXACT_ROUNDS, type ExactComparison, RECALL_SETTINGS } from './bench-search-exact.js';
import { IT_SUBJECTS, type LatencySummary, summarize, timed } from './bench-stats.js';

export interface SearchBenchResult {
  store: string;
  hnsw: boolean;
  chunks: number;
  documents: number;
  reindexSeconds: number;
  /** When each side-build step ended, in ms from the start of the first reindex. */
  reindexStepsMs?: Record<string, number>;
  chunksPerSecond: number;
  noChangeReindexSeconds: number;
  search: LatencySummary;
  /** Searches of the small collection alone; meanResults counts what the vector side returned. */
  filtered: Record<'iterativeScan' | 'withoutIterativeScan', LatencySummary & { meanResults: number }>;
  /** With --compare-exact: the same queries without the HNSW index, and HNSW's recall against them. */
  exact?: ExactComparison;
}

const VERBS = [
  'fails',
  'disconnects',
  'freezes',
  'asks again',
  'shows an error',
  'is slow',
  'will not start',
  'loses settings',
];
const PLACES = [
  'at home',
  'in the office',
  'after an update',
  'on monday mornings',
  'on the guest network',
  'for new starters',
];
const SECTIONS = 10;

/** A small deterministic PRNG, so every run indexes the same synthetic articles. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

/** Writes articles of SECTIONS headed sections each: one chunk per section. */
function writeCorpus(dir: string, chunks: number, seed = 42): number {
  const next = random(seed);
  const documents = Math.ceil(chunks / SECTIONS);
  for (let d = 0; d < documents; d++) {
    const subject = pick(IT_SUBJECTS, next);
    const sections = Array.from({ length: SECTIONS }, (_, s) => {
      const sentences = Array.from(
        { length: 4 },
        () =>
          `The ${pick(IT_SUBJECTS, next)} ${pick(VERBS, next)} ${pick(PLACES, next)} (case ${d}-${s}-${Math.floor(next() * 1e6)}).`,
      );
      return `## Step ${s + 1}: ${subject} ${pick(VERBS, next)}\n\n${sentences.join(' ')}`;
    });
    fs.writeFileSync(
      path.join(dir, `article-${d}.md`),
      `---\ntitle: ${subject} article ${d}\n---\n# ${subject} article ${d}\n\n${sections.join('\n\n')}\n`,
    );
  }
  return documents;
}

/** A second, small collection: filtered searches ask for it alone (HNSW's hardest case). */
const FILTERED_SOURCE_DOCUMENTS = 20;

export interface SearchBenchOptions {
  chunks: number;
  queries: number;
  /** Over the PostgreSQL wire protocol: `pg` + pgvector to a PGlite socket server (dev dependency). */
  wire?: boolean;
  /** Drop the HNSW index before searching: exact vector search. */
  hnsw?: boolean;
  /** After the HNSW measurements, drop the index and time the same searches exactly; report recall. */
  compareExact?: boolean;
}

interface BenchStore {
  store: Store;
  close(): Promise<void>;
}

async function openBenchStore(dataDir: string, wire: boolean): Promise<BenchStore> {
  if (!wire) {
    const store = await openEmbeddedStore({ dataDir, lockWaitMs: 0, purpose: 'itbot bench search' });
    return { store, close: () => store.close() };
  }
  const [{ PGlite }, { vector }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
    import('@electric-sql/pglite-socket').catch(() => {
      throw new UsageError('--wire needs the dev dependency @electric-sql/pglite-socket (npm ci in a checkout).');
    }),
  ]);
  const db = await PGlite.create({ dataDir, extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  // The socket server serves one connection at a time: a pool of one.
  const store = await openServerStore({
    databaseUrl: `postgres://postgres@${server.getServerConn()}/postgres`,
    poolMax: 1,
  });
  return {
    store,
    async close() {
      await store.close();
      await server.stop();
      await db.close();
    },
  };
}

/**
 * `itbot bench search`: reindex throughput and search latency on synthetic articles, in a
 * throwaway store (embedded, or over the wire), plus searches filtered to a small collection.
 */
export async function benchSearch(options: SearchBenchOptions): Promise<SearchBenchResult> {
  if (options.compareExact && options.hnsw === false) {
    throw new UsageError('--compare-exact needs the HNSW index: leave out --no-hnsw.');
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-bench-search-'));
  try {
    const corpus = path.join(scratch, 'corpus');
    const small = path.join(scratch, 'small');
    fs.mkdirSync(corpus);
    fs.mkdirSync(small);
    const documents = writeCorpus(corpus, options.chunks);
    writeCorpus(small, FILTERED_SOURCE_DOCUMENTS * SECTIONS, 99);
    const bench = await openBenchStore(path.join(scratch, 'data'), options.wire === true);
    const { store } = bench;
    try {
      await migrateToLatest(store);
      const embedder = createHashedEmbedder();
      const first = await reindexKnowledgeBase(store, { sourceDir: corpus, sourceName: 'bench', embedder });
      const again = await reindexKnowledgeBase(store, { sourceDir: corpus, sourceName: 'bench', embedder });
      await reindexKnowledgeBase(store, { sourceDir: small, sourceName: 'small', embedder });
      if (options.hnsw === false) await store.query('DROP INDEX kb_chunks_embedding_idx');
      const next = random(7);
      const query = () => `${pick(IT_SUBJECTS, next)} ${pick(VERBS, next)} ${pick(PLACES, next)}`;
      const queries = Array.from({ length: options.queries }, query);
      const latencies: number[] = [];
      for (const text of queries) {
        await timed(() => searchKnowledge(store, embedder, text, { limit: 5 }), latencies);
      }
      const filtered = async () => {
        const times: number[] = [];
        let returned = 0;
        for (let i = 0; i < Math.ceil(options.queries / 4); i++) {
          const text = query();
          await timed(() => searchKnowledge(store, embedder, text, { limit: 5, sources: ['small'] }), times);
          // What the vector side gets back of the 40 nearest chunks it asks for (search.ts).
          const { rows } = await store.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM (
               SELECT 1 FROM kb_chunks c WHERE c.document_id IN (SELECT id FROM kb_documents WHERE source = 'small')
               ORDER BY c.embedding <=> $1::vector LIMIT 40) nearest`,
            [pgvector.toSql((await embedder.embed([text], 'query'))[0])],
          );
          returned += rows[0]?.n ?? 0;
        }
        return { ...summarize(times), meanResults: Math.round((returned / times.length) * 10) / 10 };
      };
      // Session settings: the embedded store is one session, the wire bench a pool of one.
      await store.query("SET hnsw.iterative_scan = 'relaxed_order'");
      const filteredIterative = await filtered();
      await store.query("SET hnsw.iterative_scan = 'off'");
      const filteredPlain = await filtered();
      // Last: it drops the index the measurements above use.
      const exact = options.compareExact
        ? await compareWithExact(store, embedder, queries, async (db, text) =>
            (await searchKnowledge(db, embedder, text, { limit: 5 })).map((hit) => `${hit.path}#${hit.heading}`),
          )
        : undefined;
      return {
        store: options.wire ? 'wire (pg → pglite-socket)' : 'embedded',
        hnsw: options.hnsw !== false,
        chunks: first.chunks,
        documents,
        reindexSeconds: Math.round(first.elapsedMs / 100) / 10,
        reindexStepsMs: first.stepsMs,
        chunksPerSecond: Math.round((first.chunks / first.elapsedMs) * 1000),
        noChangeReindexSeconds: Math.round(again.elapsedMs / 100) / 10,
        search: summarize(latencies),
        filtered: { iterativeScan: filteredIterative, withoutIterativeScan: filteredPlain },
        ...(exact ? { exact } : {}),
      };
    } finally {
      await bench.close();
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatSearchBench(result: SearchBenchResult): string {
  const { iterativeScan, withoutIterativeScan } = result.filtered;
  return [
    `knowledge search, ${result.store} store${result.hnsw ? '' : ' without HNSW (exact vectors)'}, ${result.chunks.toLocaleString('en')} chunks in ${result.documents.toLocaleString('en')} synthetic articles:`,
    `  reindex               ${result.reindexSeconds} s (${result.chunksPerSecond} chunks/s)`,
    ...(result.reindexStepsMs
      ? [
          `    side build steps ended at (s): ${Object.entries(result.reindexStepsMs)
            .map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)}`)
            .join(', ')}`,
        ]
      : []),
    `  reindex, no change    ${result.noChangeReindexSeconds} s`,
    `  search (${result.search.count} queries)   p50 ${result.search.p50Ms} ms   p95 ${result.search.p95Ms} ms`,
    `  filtered to a ${FILTERED_SOURCE_DOCUMENTS}-article source (${iterativeScan.count} queries):`,
    `    hnsw.iterative_scan relaxed_order   p50 ${iterativeScan.p50Ms} ms   p95 ${iterativeScan.p95Ms} ms   vector side returns ${iterativeScan.meanResults} of 40`,
    `    hnsw.iterative_scan off             p50 ${withoutIterativeScan.p50Ms} ms   p95 ${withoutIterativeScan.p95Ms} ms   vector side returns ${withoutIterativeScan.meanResults} of 40`,
    ...(result.exact ? formatExact(result.exact) : []),
    '',
  ].join('\n');
}

function formatExact(exact: ExactComparison): string[] {
  return [
    `  with HNSW vs without (index dropped in a rolled-back transaction), ${EXACT_ROUNDS} alternating rounds of the same queries:`,
    ...exact.rounds.map(
      (r, i) =>
        `    round ${i + 1}: HNSW p50 ${r.hnsw.p50Ms} ms p95 ${r.hnsw.p95Ms} ms   exact p50 ${r.exact.p50Ms} ms p95 ${r.exact.p95Ms} ms`,
    ),
    `    top 5 results with HNSW also in the exact top 5: ${exact.resultRecall}`,
    `  vector side alone, recall against exact (${RECALL_SETTINGS.length} settings):`,
    ...exact.vector.map(
      (v) =>
        `    nearest ${v.k} at ef_search ${String(v.efSearch).padEnd(3)}  recall ${v.recall.toFixed(3)}   p50 ${v.latency.p50Ms} ms   p95 ${v.latency.p95Ms} ms${v.usedIndex ? '' : '   (plan did not use the index)'}`,
    ),
  ];
}
