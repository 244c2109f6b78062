import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BM25_BASELINE_TUNING,
  createHashedEmbedder,
  evaluateRetrieval,
  readLabelledQueries,
  reindexKnowledgeBase,
} from '../src/knowledge/index.js';
import { packageRoot } from '../src/paths.js';
import { openEmbeddedStore, type Store } from '../src/store/index.js';
import { makeSeededDataDir } from './helpers/data-dir.js';

// A real, external IT knowledge base (Microsoft support articles, CC BY 4.0) with labelled
// development queries. It lives outside the repo, so the test skips, saying why, when it is absent.
const CORPUS = path.resolve(packageRoot(), '..', 'shared', 'corpora', 'ms-support');
const present = fs.existsSync(path.join(CORPUS, 'queries.dev.jsonl'));
if (!present) process.stderr.write(`corpus retrieval test skipped: ${CORPUS} is not there\n`);

describe.skipIf(!present)('retrieval on the ms-support corpus', () => {
  let store: Store;
  let cleanup: () => void;
  const embedder = createHashedEmbedder();

  beforeAll(async () => {
    const data = makeSeededDataDir();
    cleanup = data.cleanup;
    store = await openEmbeddedStore({ dataDir: data.dir, lockWaitMs: 0, purpose: 'test' });
    const summary = await reindexKnowledgeBase(store, { sourceDir: CORPUS, sourceName: 'ms-support', embedder });
    expect(summary.documents).toBeGreaterThan(200);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    cleanup?.();
  });

  // Floors a little under the measured figures (docs/RETRIEVAL.md), to catch regressions, and the
  // rule of issue 12: the shipped ranking never scores below plain BM25 on any set. The dev sets
  // live beside the corpus; the labelled sets written for issue 12 are fixtures (tune: tuned on;
  // heldout: measured once at the end).
  const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);
  it.each([
    ['queries.dev.jsonl (dev)', path.join(CORPUS, 'queries.dev.jsonl'), 0.91, 0.85],
    ['queries.hard.dev.jsonl (dev, everyday words)', path.join(CORPUS, 'queries.hard.dev.jsonl'), 0.55, 0.4],
    ['ms-own-words.tune.jsonl', fixture('ms-own-words.tune.jsonl'), 0.98, 0.95],
    ['ms-everyday.tune.jsonl', fixture('ms-everyday.tune.jsonl'), 0.82, 0.66],
    // Held out: measured once, after the ranking was final (1.000 / 0.992 and 0.835 / 0.708).
    // Regression guards only: never tune on them.
    ['ms-own-words.heldout.jsonl', fixture('ms-own-words.heldout.jsonl'), 0.98, 0.95],
    ['ms-everyday.heldout.jsonl', fixture('ms-everyday.heldout.jsonl'), 0.8, 0.68],
  ])('%s: recall@5 at least %s, MRR at least %s, and never below plain BM25', async (name, file, floor, mrrFloor) => {
    const queries = readLabelledQueries(file);
    const report = await evaluateRetrieval(store, embedder, queries, { sources: ['ms-support'] });
    const bm25 = await evaluateRetrieval(store, embedder, queries, {
      sources: ['ms-support'],
      tuning: BM25_BASELINE_TUNING,
    });
    process.stdout.write(
      `${name}: recall@5 ${report.recallAt5} MRR ${report.mrr} (plain BM25 ${bm25.recallAt5} / ${bm25.mrr})\n`,
    );
    expect(report.recallAt5).toBeGreaterThanOrEqual(floor);
    expect(report.mrr).toBeGreaterThanOrEqual(mrrFloor);
    expect(report.recallAt5).toBeGreaterThanOrEqual(bm25.recallAt5);
    expect(report.mrr).toBeGreaterThanOrEqual(bm25.mrr);
  });
});
