import { describe, expect, it } from 'vitest';
import { consoleExamples, linesMatch } from './helpers/console-examples.js';

describe('console examples', () => {
  it('reads commands, their output and the directive before the block', () => {
    const markdown = [
      '<!-- example: continue, stdout -->',
      '```console',
      '$ itbot ask "vpn"',
      'line one',
      '',
      '$ itbot server status',
      'pid 1',
      '```',
      '```console',
      '$ itbot',
      '```',
    ].join('\n');
    expect(consoleExamples(markdown)).toEqual([
      {
        line: 2,
        dataDir: 'continue',
        stdoutOnly: true,
        skip: false,
        steps: [
          { command: 'itbot ask "vpn"', expected: ['line one'] },
          { command: 'itbot server status', expected: ['pid 1'] },
        ],
      },
      { line: 9, dataDir: 'seeded', stdoutOnly: false, skip: false, steps: [{ command: 'itbot', expected: [] }] },
    ]);
  });

  it('matches … as any lines and a trailing … as a prefix', () => {
    expect(linesMatch(['a', '…', 'z'], ['a', 'b', 'c', 'z'])).toBe(true);
    expect(linesMatch(['a', '…', 'z'], ['a', 'z'])).toBe(true);
    expect(linesMatch(['Close all apps. …'], ['Close all apps. Then restart.'])).toBe(true);
    expect(linesMatch(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(linesMatch(['a'], ['a', 'extra'])).toBe(false);
  });
});
