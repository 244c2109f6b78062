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
import {
  BM25_BASELINE_TUNING,
  type Bm25Parameters,
  PLAIN_BM25,
  type SearchTuning,
  SHIPPED_TUNING,
  TS_RANK_TUNING,
} from '../src/knowledge/search.js';
import { openEmbeddedStore } from '../src/store/index.js';

const [dataDir, source, ...queryFiles] = process.argv.slice(2);
if (!dataDir || !source || queryFiles.length === 0) {
  throw new Error('usage: node dist/bench/retrieval-methods.js DATA_DIR SOURCE QUERIES.jsonl …');
}

/** The ranking before these methods were measured (README, the "first half" and issue-4 rows). */
const before: SearchTuning = {
  ...TS_RANK_TUNING,
  rrfK: 60,
  idfRankWeight: 0,
  idfOver: 'candidates',
  vectorDocuments: 'nearest',
  vectorCandidates: 40,
};
const chunks: SearchTuning = { ...before, vectorDocuments: 'chunks' };
const idfSide: SearchTuning = { ...chunks, idfRankWeight: 0.5 };
const feedback = (documents: number, terms: number, weight: number, from: 'head' | 'all') => ({
  ...before,
  feedback: { documents, terms, weight, from },
});

/** Issue 12: BM25 on the text side (sql/006). The plain baseline: no thesaurus, no vectors. */
const bm25: SearchTuning = BM25_BASELINE_TUNING;
/** BM25 with the thesaurus at 0.3 and the vectors' cosine added at 0.3 (fusion by scores). */
const fusedScores: SearchTuning = {
  ...bm25,
  bm25: PLAIN_BM25,
  thesaurus: true,
  expansionWeight: 0.3,
  fusion: 'scores',
  vectorWeight: 0.3,
};
const bm25f = (weights: Bm25Parameters['weights'], b: Bm25Parameters['b'], k1 = 1.2): Bm25Parameters => ({
  k1,
  weights,
  b,
  oneField: false,
});

const builtIn: [string, Partial<SearchTuning>][] = [
  ['bm25: plain BM25 (k1 1.2, b 0.75, one field)', bm25],
  ['bm25: plain + thesaurus w 1 / 0.5 / 0.3', { ...bm25, thesaurus: true }],
  ['', { ...bm25, thesaurus: true, expansionWeight: 0.5 }],
  ['', { ...bm25, thesaurus: true, expansionWeight: 0.3 }],
  ['bm25: k1 0.9 / 1.5 / 2', { ...bm25, bm25: { ...PLAIN_BM25, k1: 0.9 } }],
  ['', { ...bm25, bm25: { ...PLAIN_BM25, k1: 1.5 } }],
  ['', { ...bm25, bm25: { ...PLAIN_BM25, k1: 2 } }],
  ['bm25: b 0.5 / 0.9', { ...bm25, bm25: { ...PLAIN_BM25, b: [0.5, 0.5, 0.5, 0.5] } }],
  ['', { ...bm25, bm25: { ...PLAIN_BM25, b: [0.9, 0.9, 0.9, 0.9] } }],
  ['bm25f: weights 1,1,1,1 per-field b 0.75', { ...bm25, bm25: bm25f([1, 1, 1, 1], [0.75, 0.75, 0.75, 0.75]) }],
  ['bm25f: weights 3,2,2,1 / 5,3,2,1 / 2,1.5,1.5,1', { ...bm25, bm25: bm25f([3, 2, 2, 1], [0.75, 0.75, 0.75, 0.75]) }],
  ['', { ...bm25, bm25: bm25f([5, 3, 2, 1], [0.75, 0.75, 0.75, 0.75]) }],
  ['', { ...bm25, bm25: bm25f([2, 1.5, 1.5, 1], [0.75, 0.75, 0.75, 0.75]) }],
  ['bm25f: 3,2,2,1, title/summary b 0.3', { ...bm25, bm25: bm25f([3, 2, 2, 1], [0.3, 0.3, 0.75, 0.75]) }],
  ['bm25 vectors alone', { ...bm25, textWeight: 0, vectorWeight: 1 }],
  ['bm25 + vectors RRF w 0.25 / 0.5 / 1', { ...bm25, vectorWeight: 0.25 }],
  ['', { ...bm25, vectorWeight: 0.5 }],
  ['', { ...bm25, vectorWeight: 1 }],
  [
    'bm25 + thesaurus 0.5 + vectors RRF w 0.25 / 0.5',
    { ...bm25, thesaurus: true, expansionWeight: 0.5, vectorWeight: 0.25 },
  ],
  ['', { ...bm25, thesaurus: true, expansionWeight: 0.5, vectorWeight: 0.5 }],
  ['bm25 + vectors RRF w 0.1 / 0.2 (k 60)', { ...bm25, vectorWeight: 0.1, rrfK: 60 }],
  ['', { ...bm25, vectorWeight: 0.2, rrfK: 60 }],
  ['bm25 + vectors scores w 0.1 / 0.2 / 0.3 / 0.5', { ...bm25, fusion: 'scores', vectorWeight: 0.1 }],
  ['', { ...bm25, fusion: 'scores', vectorWeight: 0.2 }],
  ['', { ...bm25, fusion: 'scores', vectorWeight: 0.3 }],
  ['', { ...bm25, fusion: 'scores', vectorWeight: 0.5 }],
  [
    'bm25 + thesaurus 0.3 + vectors scores w 0.2 / 0.3',
    { ...bm25, thesaurus: true, expansionWeight: 0.3, fusion: 'scores', vectorWeight: 0.2 },
  ],
  ['', { ...bm25, thesaurus: true, expansionWeight: 0.3, fusion: 'scores', vectorWeight: 0.3 }],
  ['bm25 +t +v: w 0.4 / thesaurus 0.2 / thesaurus 0.4', { ...fusedScores, vectorWeight: 0.4 }],
  ['', { ...fusedScores, expansionWeight: 0.2 }],
  ['', { ...fusedScores, expansionWeight: 0.4 }],
  ['bm25 +t +v: 40 nearest chunks / 20', { ...fusedScores, vectorCandidates: 40 }],
  ['', { ...fusedScores, vectorCandidates: 20 }],
  [
    'bm25 +t +v: BM25F 2,1.5,1.5,1 / 3,2,2,1 per-field b 0.75',
    { ...fusedScores, bm25: bm25f([2, 1.5, 1.5, 1], [0.75, 0.75, 0.75, 0.75]) },
  ],
  ['', { ...fusedScores, bm25: bm25f([3, 2, 2, 1], [0.75, 0.75, 0.75, 0.75]) }],
  [
    'bm25 +t +v: BM25F 1,1,1,1 per-field b 0.75',
    { ...fusedScores, bm25: bm25f([1, 1, 1, 1], [0.75, 0.75, 0.75, 0.75]) },
  ],
  [
    'bm25 +t +v: BM25F 6,3,2,1 / 10,4,2,1 / 6,3,3,1 title b 0.3',
    { ...fusedScores, bm25: bm25f([6, 3, 2, 1], [0.75, 0.75, 0.75, 0.75]) },
  ],
  ['', { ...fusedScores, bm25: bm25f([10, 4, 2, 1], [0.75, 0.75, 0.75, 0.75]) }],
  ['', { ...fusedScores, bm25: bm25f([6, 3, 3, 1], [0.3, 0.3, 0.75, 0.75]) }],
  [
    'bm25 +t +v: one field, title counted 3 / 6 times',
    { ...fusedScores, bm25: { ...PLAIN_BM25, weights: [3, 1, 1, 1] } },
  ],
  ['', { ...fusedScores, bm25: { ...PLAIN_BM25, weights: [6, 2, 1, 1] } }],
  ['bm25 +t +v: vector side by nearest chunk', { ...fusedScores, vectorDocuments: 'nearest' }],
  [
    'bm25 k1 2 + thesaurus 0.3 + vectors scores w 0.2 / 0.3',
    {
      ...bm25,
      bm25: { ...PLAIN_BM25, k1: 2 },
      thesaurus: true,
      expansionWeight: 0.3,
      fusion: 'scores',
      vectorWeight: 0.2,
    },
  ],
  [
    '',
    {
      ...bm25,
      bm25: { ...PLAIN_BM25, k1: 2 },
      thesaurus: true,
      expansionWeight: 0.3,
      fusion: 'scores',
      vectorWeight: 0.3,
    },
  ],

  ['before', before],
  ['RRF k 10 / 20 / 100', { ...before, rrfK: 10 }],
  ['', { ...before, rrfK: 20 }],
  ['', { ...before, rrfK: 100 }],
  ['drop words in more than 50% / 25% / 10% of documents', { ...before, maxDocumentShare: 0.5 }],
  ['', { ...before, maxDocumentShare: 0.25 }],
  ['', { ...before, maxDocumentShare: 0.1 }],
  ['text ranked by IDF-weighted per-word ts_rank instead', { ...before, textScoring: 'idf' }],
  ['… and words in more than 25% dropped', { ...before, textScoring: 'idf', maxDocumentShare: 0.25 }],
  ['prefix matching', { ...before, prefixMatch: true }],
  ['feedback, 3 documents, 10 head words, w 0.3 / 0.5', feedback(3, 10, 0.3, 'head')],
  ['', feedback(3, 10, 0.5, 'head')],
  ['feedback, 3 documents, 20 words, w 0.3', feedback(3, 20, 0.3, 'all')],
  ['feedback, 5 documents, 10 head words, w 0.3', feedback(5, 10, 0.3, 'head')],
  ['vector side by chunk RRF', chunks],
  ['… RRF k 10 / 20 / 30', { ...chunks, rrfK: 10 }],
  ['', { ...chunks, rrfK: 20 }],
  ['', { ...chunks, rrfK: 30 }],
  ['… vector weight 0.4 / 0.6 / 0.75', { ...chunks, vectorWeight: 0.4 }],
  ['', { ...chunks, vectorWeight: 0.6 }],
  ['', { ...chunks, vectorWeight: 0.75 }],
  ['… text ranked by IDF instead', { ...chunks, textScoring: 'idf' }],
  [
    '… feedback, 3 documents, 20 words, w 0.3',
    { ...chunks, feedback: { documents: 3, terms: 20, weight: 0.3, from: 'all' } },
  ],
  ['… IDF ranking of all candidates as a third side, w 0.3 / 0.5 / 1', { ...chunks, idfRankWeight: 0.3 }],
  ['', idfSide],
  ['', { ...chunks, idfRankWeight: 1 }],
  ["… of the text side's 50 only, w 0.5, RRF k 10 / 20 / 30 / 60", { ...idfSide, idfOver: 'text', rrfK: 10 }],
  ['', { ...idfSide, idfOver: 'text', rrfK: 20 }],
  ['', { ...idfSide, idfOver: 'text', rrfK: 30 }],
  ['', { ...idfSide, idfOver: 'text', rrfK: 60 }],
  ['… its length normalisation 0 / 2 / 8 (RRF k 30)', { ...idfSide, idfOver: 'text', rrfK: 30, idfNormalization: 0 }],
  ['', { ...idfSide, idfOver: 'text', rrfK: 30, idfNormalization: 2 }],
  ['', { ...idfSide, idfOver: 'text', rrfK: 30, idfNormalization: 8 }],
  [
    '… (k 30) the vector side over the 20 / 60 / 80 / 120 nearest chunks',
    { ...idfSide, idfOver: 'text', rrfK: 30, vectorCandidates: 20 },
  ],
  ['', { ...idfSide, idfOver: 'text', rrfK: 30, vectorCandidates: 60 }],
  ['', { ...idfSide, idfOver: 'text', rrfK: 30, vectorCandidates: 80 }],
  ['', { ...idfSide, idfOver: 'text', rrfK: 30, vectorCandidates: 120 }],
  ['… (80 chunks) RRF k 20 / vector weight 0.4', { ...idfSide, idfOver: 'text', rrfK: 20, vectorCandidates: 80 }],
  ['', { ...idfSide, idfOver: 'text', rrfK: 30, vectorCandidates: 80, vectorWeight: 0.4 }],
  ['shipped before issue 12', TS_RANK_TUNING],
  ['shipped', SHIPPED_TUNING],
  [
    'before issue 12 + feedback 3 documents, 20 words, w 0.3',
    { feedback: { documents: 3, terms: 20, weight: 0.3, from: 'all' } },
  ],
  ['before issue 12 + prefix matching', { prefixMatch: true }],
];
// VARIANTS='[["name", {"rrfK": 20}], …]' measures those instead of the built-in list.
const variants = process.env.VARIANTS ? (JSON.parse(process.env.VARIANTS) as typeof builtIn) : builtIn;
const only = process.env.ONLY?.split(',').map((name) => name.trim());

const store = await openEmbeddedStore({ dataDir, lockWaitMs: 0, purpose: 'bench retrieval methods' });
try {
  const embedder = createHashedEmbedder();
  const sets: [string, LabelledQuery[]][] = queryFiles.map((file) => [path.basename(file), readLabelledQueries(file)]);
  // "bundled" is the knowledge base shipped with itbot (for kb-answerable sets).
  const sources = [source === 'bundled' ? source : path.resolve(source)];
  process.stdout.write(`| method | ${sets.map(([name]) => `${name} R@5 | ${name} MRR`).join(' | ')} | ms/query |\n`);
  let family = '';
  for (const [name, change] of variants) {
    family = name || family;
    if (only && !only.some((wanted) => family.includes(wanted))) continue;
    // An unnamed row continues the one above it (another value of the same knob). Rows before
    // issue 12 are changes to its ranking (TS_RANK_TUNING).
    const tuning = { ...(family.startsWith('bm25') ? SHIPPED_TUNING : TS_RANK_TUNING), ...change };
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
