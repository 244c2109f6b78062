import { UsageError } from '../../errors.js';

/**
 * `--assert 'search.p95<500ms,errors<1%'`: thresholds a CI smoke test holds the run to. Each is
 * `[operation.]measure OP value[unit]`; without an operation it is about all calls together.
 */
export type Measure = 'p50' | 'p95' | 'p99' | 'max' | 'mean' | 'errors' | 'rps';
export interface Assertion {
  text: string;
  operation: string | undefined;
  measure: Measure;
  comparison: '<' | '<=' | '>' | '>=';
  /** ms for latencies, a fraction (0.01) for errors, calls per second for rps. */
  value: number;
}

const MEASURES: readonly Measure[] = ['p50', 'p95', 'p99', 'max', 'mean', 'errors', 'rps'];
const PATTERN = /^(?:([a-z_]+)\.)?([a-z0-9]+)\s*(<=|>=|<|>)\s*([0-9.]+)\s*(ms|s|%)?$/;

function parseOne(text: string): Assertion {
  const match = PATTERN.exec(text.trim());
  const hint =
    'Write thresholds like "search.p95<500ms", "p99<2s", "errors<1%" or "rps>50", separated by commas; measures: p50, p95, p99, max, mean, errors, rps.';
  if (!match) throw new UsageError(`Cannot read the threshold "${text.trim()}".`, hint);
  const [, operation, measureText = '', comparison, number = '', unit] = match;
  if (!MEASURES.includes(measureText as Measure)) {
    throw new UsageError(`Unknown measure "${measureText}" in "${text.trim()}".`, hint);
  }
  const measure = measureText as Measure;
  const raw = Number(number);
  if (!Number.isFinite(raw)) throw new UsageError(`Cannot read the number in "${text.trim()}".`, hint);
  let value = raw;
  if (measure === 'errors') {
    if (unit !== '%') throw new UsageError(`"${text.trim()}": give the error rate in percent, e.g. errors<1%.`, hint);
    value = raw / 100;
  } else if (measure === 'rps') {
    if (unit) throw new UsageError(`"${text.trim()}": rps takes a plain number, e.g. rps>50.`, hint);
  } else {
    if (unit !== 'ms' && unit !== 's') {
      throw new UsageError(`"${text.trim()}": give a latency in ms or s, e.g. p95<500ms.`, hint);
    }
    value = unit === 's' ? raw * 1000 : raw;
  }
  return { text: text.trim(), operation, measure, comparison: comparison as Assertion['comparison'], value };
}

export function parseAssertions(text: string): Assertion[] {
  const parts = text.split(',').filter((part) => part.trim());
  if (parts.length === 0) throw new UsageError('--assert is empty.', 'Example: --assert "search.p95<500ms,errors<1%"');
  return parts.map(parseOne);
}

export interface MeasuredOperation {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  errors: number;
  rps: number;
}

export interface AssertionOutcome {
  assertion: Assertion;
  actual: number | undefined;
  passed: boolean;
}

export function checkAssertions(
  assertions: Assertion[],
  measured: { total: MeasuredOperation; operations: Record<string, MeasuredOperation> },
): AssertionOutcome[] {
  return assertions.map((assertion) => {
    const source = assertion.operation ? measured.operations[assertion.operation] : measured.total;
    // A threshold on an operation the scenario never ran fails: it cannot have been met.
    if (!source) return { assertion, actual: undefined, passed: false };
    const actual = source[assertion.measure];
    const passed =
      assertion.comparison === '<'
        ? actual < assertion.value
        : assertion.comparison === '<='
          ? actual <= assertion.value
          : assertion.comparison === '>'
            ? actual > assertion.value
            : actual >= assertion.value;
    return { assertion, actual, passed };
  });
}
