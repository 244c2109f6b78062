import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHashedEmbedder, reindexKnowledgeBase, searchKnowledge } from '../knowledge/index.js';
import { migrateToLatest, openEmbeddedStore } from '../store/index.js';
import { IT_SUBJECTS, type LatencySummary, summarize, timed } from './bench-stats.js';

export interface SearchBenchOptions {
  chunks: number;
  queries: number;
}

export interface SearchBenchResult {
  chunks: number;
  documents: number;
  reindexSeconds: number;
  chunksPerSecond: number;
  noChangeReindexSeconds: number;
  search: LatencySummary;
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
function writeCorpus(dir: string, chunks: number): number {
  const next = random(42);
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

/** `itbot bench search`: reindex throughput and search latency on synthetic articles, embedded store. */
export async function benchSearch(options: SearchBenchOptions): Promise<SearchBenchResult> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-bench-search-'));
  try {
    const corpus = path.join(scratch, 'corpus');
    fs.mkdirSync(corpus);
    const documents = writeCorpus(corpus, options.chunks);
    const store = await openEmbeddedStore({
      dataDir: path.join(scratch, 'data'),
      lockWaitMs: 0,
      purpose: 'itbot bench search',
    });
    try {
      await migrateToLatest(store);
      const embedder = createHashedEmbedder();
      const first = await reindexKnowledgeBase(store, { sourceDir: corpus, sourceName: 'bench', embedder });
      const again = await reindexKnowledgeBase(store, { sourceDir: corpus, sourceName: 'bench', embedder });
      const next = random(7);
      const latencies: number[] = [];
      for (let i = 0; i < options.queries; i++) {
        const query = `${pick(IT_SUBJECTS, next)} ${pick(VERBS, next)} ${pick(PLACES, next)}`;
        await timed(() => searchKnowledge(store, embedder, query, { limit: 5 }), latencies);
      }
      return {
        chunks: first.chunks,
        documents,
        reindexSeconds: Math.round(first.elapsedMs / 100) / 10,
        chunksPerSecond: Math.round((first.chunks / first.elapsedMs) * 1000),
        noChangeReindexSeconds: Math.round(again.elapsedMs / 100) / 10,
        search: summarize(latencies),
      };
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatSearchBench(result: SearchBenchResult): string {
  return [
    `knowledge search, embedded store, ${result.chunks.toLocaleString('en')} chunks in ${result.documents.toLocaleString('en')} synthetic articles:`,
    `  reindex               ${result.reindexSeconds} s (${result.chunksPerSecond} chunks/s)`,
    `  reindex, no change    ${result.noChangeReindexSeconds} s`,
    `  search (${result.search.count} queries)   p50 ${result.search.p50Ms} ms   p95 ${result.search.p95Ms} ms`,
    '',
  ].join('\n');
}
