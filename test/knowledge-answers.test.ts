import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAnswers, readQuestions } from '../src/cli/eval-answers.js';
import { createHashedEmbedder, searchKnowledge } from '../src/knowledge/index.js';
import { correctSpelling, editDistance } from '../src/knowledge/spelling.js';
import { openEmbeddedStore, type Store } from '../src/store/index.js';
import { makeSeededDataDir } from './helpers/data-dir.js';

// Labelled knowledge-base questions written by helpers who never saw the ranking code
// (docs/RETRIEVAL.md): the tuning split the answer confidence was fitted on.
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);

describe('honest knowledge answers on the bundled knowledge base', () => {
  let store: Store;
  let cleanup: () => void;
  const embedder = createHashedEmbedder();

  beforeAll(async () => {
    const data = makeSeededDataDir();
    cleanup = data.cleanup;
    store = await openEmbeddedStore({ dataDir: data.dir, lockWaitMs: 0, purpose: 'test' });
  });
  afterAll(async () => {
    await store?.close();
    cleanup?.();
  });

  it('puts misspelt words right against the index, and leaves known words, stop words and numbers alone', async () => {
    expect(editDistance('pasword', 'password', 2)).toBe(1);
    expect(editDistance('emial', 'email', 1)).toBe(1);
    expect(editDistance('printer', 'scanner', 2)).toBe(3);
    expect(await correctSpelling(store, 'printers out of tonner')).toBe('printers out of toner');
    expect(await correctSpelling(store, 'how do i unsend an emial')).toBe('how do i unsend an email');
    const clean = 'vpn error 809 when connecting from home';
    expect(await correctSpelling(store, clean)).toBe(clean);
    // A misspelt question finds what the well-spelt one finds, as confidently.
    const [misspelt] = await searchKnowledge(store, embedder, 'how do i unsend an emial', { limit: 2 });
    const [spelt] = await searchKnowledge(store, embedder, 'how do i unsend an email', { limit: 2 });
    expect(misspelt?.path).toBe(spelt?.path);
    expect(misspelt?.confidence).toBe(spelt?.confidence);
  });

  // Floors a little under the measured figures, to catch regressions (answered / with the right
  // article / "no good match"): first round tuning 0.909 / 0.870 / 0.911, held out 0.848 / 0.826 /
  // 0.951; second round tuning 0.634 / 0.628 / 0.922, held out (measured once, after the weights and
  // threshold were final; never tune on it) 0.712 / 0.681 / 0.922.
  it.each([
    ['tune', 0.85, 0.88],
    ['heldout', 0.8, 0.92],
    ['v2.tune', 0.6, 0.9],
    ['v2.heldout', 0.66, 0.9],
  ])(
    '%s: answers with the right article at least %s, says "no good match" to at least %s of the rest',
    async (split, rightFloor, noMatchFloor) => {
      const questions = [
        ...readQuestions(fixture(`kb-answerable.${split}.jsonl`), true),
        ...readQuestions(fixture(`kb-unanswerable.${split}.jsonl`), false),
      ];
      const report = await evaluateAnswers(store, embedder, questions);
      process.stdout.write(
        `answered ${report.answered}, right ${report.answeredRight}, no good match ${report.noGoodMatch}\n`,
      );
      expect(report.answeredRight).toBeGreaterThanOrEqual(rightFloor);
      expect(report.noGoodMatch).toBeGreaterThanOrEqual(noMatchFloor);
      // The rule before confidences answered everything; it must stay the worse one at saying no.
      expect(report.noGoodMatch).toBeGreaterThan(report.before.noGoodMatch);
    },
    120_000,
  );

  it.each(['?!...', '   ', 'what is the capital of france'])('scores nothing as an answer for %j', async (query) => {
    const hits = await searchKnowledge(store, embedder, query);
    expect(hits.every((hit) => hit.confidence < 0.2)).toBe(true);
  });
});
