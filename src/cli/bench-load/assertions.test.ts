import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { checkAssertions, type MeasuredOperation, parseAssertions } from './assertions.js';

const measured = (overrides: Partial<MeasuredOperation> = {}): MeasuredOperation => ({
  p50: 40,
  p95: 120,
  p99: 300,
  max: 900,
  mean: 60,
  errors: 0.004,
  rps: 55,
  ...overrides,
});

describe('bench load --assert', () => {
  it('reads operation thresholds in ms and s, error rates in percent and rates as numbers', () => {
    expect(parseAssertions('search.p95<500ms, p99<=2s,errors<1%,rps>50')).toEqual([
      { text: 'search.p95<500ms', operation: 'search', measure: 'p95', comparison: '<', value: 500 },
      { text: 'p99<=2s', operation: undefined, measure: 'p99', comparison: '<=', value: 2000 },
      { text: 'errors<1%', operation: undefined, measure: 'errors', comparison: '<', value: 0.01 },
      { text: 'rps>50', operation: undefined, measure: 'rps', comparison: '>', value: 50 },
    ]);
  });

  it.each([
    ['p95<<3', 'Cannot read'],
    ['p97<3ms', 'Unknown measure'],
    ['errors<1', 'in percent'],
    ['p95<500', 'in ms or s'],
    ['rps>5%', 'plain number'],
    [' , ', 'empty'],
  ])('refuses %j with a usage error that says how to write it', (text, says) => {
    expect(() => parseAssertions(text)).toThrow(UsageError);
    expect(() => parseAssertions(text)).toThrow(says);
  });

  it('checks each against its operation, or all calls, and fails one about an operation that never ran', () => {
    const outcomes = checkAssertions(parseAssertions('search.p95<500ms,errors<0.1%,create.p50<1s,rps>=55'), {
      total: measured(),
      operations: { search: measured({ p95: 620 }) },
    });
    expect(outcomes.map((o) => [o.assertion.text, o.actual, o.passed])).toEqual([
      ['search.p95<500ms', 620, false],
      ['errors<0.1%', 0.004, false],
      ['create.p50<1s', undefined, false],
      ['rps>=55', 55, true],
    ]);
  });
});
