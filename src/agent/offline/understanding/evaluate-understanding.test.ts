import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../paths.js';
import { evaluateUnderstanding, readLabelledUtterances, routeOf } from './evaluate-understanding.js';
import { intentOfLabel, KNOWLEDGE_SETS } from './training-corpus.js';
import { understand } from './understand.js';

const fixture = (name: string) => path.join(packageRoot(), 'test', 'fixtures', name);

/**
 * Regression guards at the figures docs/UNDERSTANDING.md reports. The first and third rounds'
 * held-out splits were each measured once (193 and 75; 161 and 67 right) and trained on since.
 * The second round's (`v2.heldout`, measured once at 215 and 88) is not in the training corpus,
 * nor is the fourth's (`v4.heldout`, measured once at 206 and 85).
 */
describe.each([
  // [set, right tool and values, knowledge-vs-ticket routing]
  ['understanding.heldout.ticket-work.jsonl', 240, 242],
  ['understanding.heldout.routing-mix.jsonl', 88, 42],
  ['understanding.tune.ticket-work.jsonl', 203, 203],
  ['understanding.tune.routing-mix.jsonl', 90, 54],
  ['understanding.v2.tune.ticket-work.jsonl', 242, 242],
  ['understanding.v2.tune.routing-mix.jsonl', 89, 77],
  ['understanding.v2.heldout.ticket-work.jsonl', 222, 235],
  ['understanding.v2.heldout.routing-mix.jsonl', 90, 76],
  ['understanding.v3.tune.ticket-work.jsonl', 214, 214],
  ['understanding.v3.tune.routing-mix.jsonl', 77, 57],
  ['understanding.v3.heldout.ticket-work.jsonl', 186, 206],
  ['understanding.v3.heldout.routing-mix.jsonl', 74, 59],
  ['understanding.v4.tune.ticket-work.jsonl', 242, 261],
  ['understanding.v4.tune.routing-mix.jsonl', 85, 80],
  ['understanding.v4.heldout.ticket-work.jsonl', 207, 255],
  ['understanding.v4.heldout.routing-mix.jsonl', 85, 74],
])('understanding on %s', (file, correct, routed) => {
  it(`gets at least ${correct} right (tool and key values) and routes at least ${routed} to the right side`, async () => {
    const report = await evaluateUnderstanding(readLabelledUtterances(fixture(file)));
    const wrong = report.results
      .filter((result) => !result.valuesRight)
      .map(
        (result) =>
          `${result.item.tool} ${JSON.stringify(result.item.args)} → ${result.got.tool}: ${result.item.utterance}`,
      );
    expect(report.correct, `misread:\n${wrong.join('\n')}`).toBeGreaterThanOrEqual(correct);
    expect(report.routing.correct).toBeGreaterThanOrEqual(routed);
  });
});

describe('knowledge vs ticket routing on the older routing sets, through the whole understanding', () => {
  it.each([
    ['routing.labelled.jsonl', 111],
    ['routing.heldout.jsonl', 70],
    ['routing.blind.jsonl', 78],
    ['routing.ticket-ops.jsonl', 110],
  ])('%s: at least %i routed to the right side', async (file, minimum) => {
    const lines = fs.readFileSync(fixture(file), 'utf8').trim().split('\n');
    let right = 0;
    for (const line of lines) {
      const label = JSON.parse(line) as { utterance: string; intent: string };
      const want = intentOfLabel(label) === 'knowledge' ? 'knowledge' : 'ticket';
      const got = (await understand(label.utterance)).tool;
      if (routeOf(got) === want) right++;
    }
    expect(right).toBeGreaterThanOrEqual(minimum);
  });
});

/** The knowledge questions of a retrieval set that the understanding sends anywhere but the knowledge base. */
async function misroutedQuestions(file: string): Promise<string[]> {
  const lines = fs.readFileSync(fixture(file), 'utf8').trim().split('\n');
  const misrouted: string[] = [];
  for (const line of lines) {
    const { query } = JSON.parse(line) as { query: string };
    const got = (await understand(query)).tool;
    if (got !== 'knowledge' && got !== 'analyze_log') misrouted.push(`${got}: ${query}`);
  }
  return misrouted;
}

describe('knowledge questions stay with the knowledge base', () => {
  // The classifier learns from these: a rule before it must not take any of them away.
  it.each(KNOWLEDGE_SETS)('%s: every question is answered from the knowledge base (or read as a log)', async (file) => {
    expect(await misroutedQuestions(file)).toEqual([]);
  });

  // Never learned from: the figures docs/UNDERSTANDING.md reports for the fourth round (518 of 528).
  it.each([
    ['kb-answerable.heldout.jsonl', 2],
    ['kb-unanswerable.heldout.jsonl', 0],
    ['kb-answerable.v2.heldout.jsonl', 1],
    ['kb-unanswerable.v2.heldout.jsonl', 2],
    ['ms-everyday.heldout.jsonl', 0],
    ['ms-own-words.heldout.jsonl', 5],
  ])('%s: at most %i questions sent elsewhere', async (file, most) => {
    const misrouted = await misroutedQuestions(file);
    expect(misrouted.length, misrouted.join('\n')).toBeLessThanOrEqual(most);
  });
});
