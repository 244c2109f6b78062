/**
 * Fits the answer confidence (src/knowledge/answer-confidence.ts): a logistic regression over the
 * first search result's features, labelled 1 when it is a relevant article of an answerable
 * question, 0 otherwise (a wrong first article, or any unanswerable question). Prints the weights
 * and, per threshold, the share of answerable questions answered (with the right article) and of
 * unanswerable ones told "no good match". Fit on the tuning split only.
 *
 *   node dist/bench/fit-answer-confidence.js ANSWERABLE.jsonl UNANSWERABLE.jsonl [DATA_DIR] [--full-text]
 *
 * --full-text fits the model used where the index has no vectors (PostgreSQL without pgvector):
 * the scratch store's index is marked full-text-only, so search runs exactly as it does there
 * and the similarity feature is 0.
 *
 * Without DATA_DIR it searches a copy of the prepared store (the bundled knowledge base alone);
 * with one, that store's bundled articles (the shipped weights were fitted over a store that also
 * held the ms-support corpus, whose articles shift the document frequencies: docs/RETRIEVAL.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHashedEmbedder, FULL_TEXT_ONLY, searchKnowledge } from '../src/knowledge/index.js';
import { bundledPaths } from '../src/paths.js';
import { openEmbeddedStore } from '../src/store/index.js';

const fullText = process.argv.includes('--full-text');
const [answerableFile, unanswerableFile, dataDir] = process.argv.slice(2).filter((arg) => arg !== '--full-text');
if (!answerableFile || !unanswerableFile) {
  throw new Error('usage: node dist/bench/fit-answer-confidence.js ANSWERABLE.jsonl UNANSWERABLE.jsonl');
}
const read = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { id: string; query: string; relevant?: string[] });

interface Example {
  x: number[];
  label: 0 | 1;
  answerable: boolean;
  found: boolean;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-fit-'));
if (!dataDir) fs.cpSync(bundledPaths.templateDatabase(), path.join(scratch, 'pgdata'), { recursive: true });
const store = await openEmbeddedStore({ dataDir: dataDir ?? scratch, lockWaitMs: 0, purpose: 'fit answer confidence' });
const embedder = createHashedEmbedder();
if (fullText) {
  if (dataDir) throw new Error('--full-text works on a scratch copy of the prepared store: give no DATA_DIR');
  await store.query('UPDATE kb_index SET embedder = $1', [FULL_TEXT_ONLY]);
}
const examples: Example[] = [];
try {
  for (const [file, answerable] of [
    [answerableFile, true],
    [unanswerableFile, false],
  ] as const) {
    for (const question of read(file)) {
      const hits = await searchKnowledge(store, embedder, question.query, { limit: 5, sources: ['bundled'] });
      const [first, second] = hits;
      const right = !!first && (question.relevant ?? []).includes(first.path);
      examples.push({
        // The same features, in the same order, as answerConfidence: coverage, similarity, lead, section coverage.
        x: first
          ? [first.coverage, first.similarity, first.score - (second?.score ?? 0), first.sectionCoverage]
          : [0, 0, 0, 0],
        label: right ? 1 : 0,
        answerable,
        found: !!first,
      });
    }
  }
} finally {
  await store.close();
  fs.rmSync(scratch, { recursive: true, force: true });
}

// Batch gradient descent with a little L2 on the weights (not the intercept).
const weights = [0, 0, 0, 0, 0];
const predict = (x: number[]) =>
  1 / (1 + Math.exp(-(weights[0] as number) - x.reduce((s, v, i) => s + v * (weights[i + 1] as number), 0)));
for (let step = 0; step < 6000; step++) {
  const gradient = [0, 0, 0, 0, 0];
  for (const e of examples) {
    const error = predict(e.x) - e.label;
    gradient[0] = (gradient[0] as number) + error;
    e.x.forEach((v, i) => {
      gradient[i + 1] = (gradient[i + 1] as number) + error * v;
    });
  }
  weights.forEach((w, i) => {
    weights[i] = w - ((gradient[i] as number) / examples.length + (i ? 1e-3 * w : 0));
  });
}
process.stdout.write(
  `weights: intercept ${weights[0]?.toFixed(3)}, coverage ${weights[1]?.toFixed(3)}, similarity ${weights[2]?.toFixed(3)}, lead ${weights[3]?.toFixed(3)}, section coverage ${weights[4]?.toFixed(3)}\n`,
);
const answerable = examples.filter((e) => e.answerable);
const unanswerable = examples.filter((e) => !e.answerable);
for (let threshold = 0.4; threshold <= 0.8; threshold += 0.02) {
  const answered = answerable.filter((e) => e.found && predict(e.x) >= threshold);
  const right = answered.filter((e) => e.label === 1);
  const refused = unanswerable.filter((e) => !e.found || predict(e.x) < threshold);
  process.stdout.write(
    `threshold ${threshold.toFixed(2)}: answered ${(answered.length / answerable.length).toFixed(3)}, right ${(right.length / answerable.length).toFixed(3)}; unanswerable told "no good match" ${(refused.length / unanswerable.length).toFixed(3)}\n`,
  );
}
