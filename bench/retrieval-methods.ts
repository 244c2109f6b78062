/**
 * Ranking methods measured over one knowledge index, on labelled query sets: recall@5 and MRR of
 * each variant of the search's tuning (src/knowledge/search.ts, SearchTuning).
 *
 *   itbot reindex --source ../shared/corpora/ms-support        (with ITBOT_DATA_DIR=DATA_DIR)
 *   node dist/bench/retrieval-methods.js DATA_DIR SOURCE QUERIES.jsonl [QUERIES.jsonl …]
 *   ONLY='idf,rrf k 20' node dist/bench/retrieval-methods.js …   (variants whose names contain these)
 */
import path from 'node:path';
import {
  createHashedEmbedder,
  evaluateRetrieval,
  type LabelledQuery,
  readLabelledQueries,
} from '../src/knowledge/index.js';
import { SHIPPED_TUNING, type SearchTuning } from '../src/knowledge/search.js';
import { openEmbeddedStore } from '../src/store/index.js';

const [dataDir, source, ...queryFiles] = process.argv.slice(2);
if (!dataDir || !source || queryFiles.length === 0) {
  throw new Error('usage: node dist/bench/retrieval-methods.js DATA_DIR SOURCE QUERIES.jsonl …');
}

const builtIn: [string, Partial<SearchTuning>][] = [
  ['shipped', {}],
  ['rrf k 10', { rrfK: 10 }],
  ['rrf k 20', { rrfK: 20 }],
  ['rrf k 100', { rrfK: 100 }],
  ['drop words in > 50% of documents', { maxDocumentShare: 0.5 }],
  ['drop words in > 25% of documents', { maxDocumentShare: 0.25 }],
  ['drop words in > 10% of documents', { maxDocumentShare: 0.1 }],
  ['idf-weighted per-word ts_rank', { textScoring: 'idf' }],
  ['idf-weighted, drop > 25%', { textScoring: 'idf', maxDocumentShare: 0.25 }],
  ['prefix match', { prefixMatch: true }],
  ['vector side: RRF over chunks', { vectorDocuments: 'chunks' }],
  ['feedback 3 docs, 10 head terms, w 0.3', { feedback: { documents: 3, terms: 10, weight: 0.3, from: 'head' } }],
  ['feedback 3 docs, 10 head terms, w 0.5', { feedback: { documents: 3, terms: 10, weight: 0.5, from: 'head' } }],
  ['feedback 3 docs, 20 terms, w 0.3', { feedback: { documents: 3, terms: 20, weight: 0.3, from: 'all' } }],
  ['feedback 5 docs, 10 head terms, w 0.3', { feedback: { documents: 5, terms: 10, weight: 0.3, from: 'head' } }],
];
// VARIANTS='[["name", {"rrfK": 20}], …]' measures those instead of the built-in list.
const variants = process.env.VARIANTS ? (JSON.parse(process.env.VARIANTS) as typeof builtIn) : builtIn;
const only = process.env.ONLY?.split(',').map((name) => name.trim());

const store = await openEmbeddedStore({ dataDir, lockWaitMs: 0, purpose: 'bench retrieval methods' });
try {
  const embedder = createHashedEmbedder();
  const sets: [string, LabelledQuery[]][] = queryFiles.map((file) => [path.basename(file), readLabelledQueries(file)]);
  const sources = [path.resolve(source)];
  process.stdout.write(`| method | ${sets.map(([name]) => `${name} R@5 | ${name} MRR`).join(' | ')} | ms/query |\n`);
  for (const [name, change] of variants) {
    if (only && !only.some((wanted) => name.includes(wanted))) continue;
    const tuning = { ...SHIPPED_TUNING, ...change };
    const cells: string[] = [];
    let elapsed = 0;
    let count = 0;
    for (const [, queries] of sets) {
      const started = performance.now();
      const report = await evaluateRetrieval(store, embedder, queries, { sources, tuning });
      elapsed += performance.now() - started;
      count += queries.length;
      cells.push(report.recallAt5.toFixed(3), report.mrr.toFixed(3));
    }
    process.stdout.write(`| ${name} | ${cells.join(' | ')} | ${(elapsed / count).toFixed(1)} |\n`);
  }
} finally {
  await store.close();
}
