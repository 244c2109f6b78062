import { describe, expect, it } from 'vitest';
import { summarizeOutcome } from './tool-summary.js';

const record = (outcome: 'done' | 'failed' | 'not_allowed', error?: string) => ({
  name: 'x',
  arguments: {},
  outcome,
  ms: 3,
  ...(error ? { error } : {}),
});
const call = (name: string) => ({ id: '1', name, args: {} });

describe('tool card summaries', () => {
  it('says what a knowledge search and a log analysis found', () => {
    expect(
      summarizeOutcome(call('search_knowledge'), record('done'), { results: [{ title: 'VPN error codes' }, {}] }),
    ).toBe('2 articles, best: VPN error codes');
    expect(
      summarizeOutcome(call('analyze_log'), record('done'), {
        signatures: [{ value: 'error 809' }, { value: '0x800704C9' }],
        articles: [{ title: 'VPN error codes' }],
      }),
    ).toBe('found error 809, 0x800704C9; best article: VPN error codes');
  });

  it('says why a call did not run', () => {
    expect(summarizeOutcome(call('create_ticket'), record('not_allowed', 'the user said no.'))).toBe(
      'not allowed: the user said no.',
    );
  });
});
