import type { AssertionOutcome, MeasuredOperation } from './assertions.js';
import type { LatencyRecord } from './latency.js';
import type { TicketVerification } from './ticket-ledger.js';

export interface LoadReport {
  target: string;
  scenario: string;
  /** "closed loop, 16 workers" or "open model, 40 calls/s (at most 16 in flight)". */
  model: string;
  durationS: number;
  total: MeasuredOperation & { calls: number };
  operations: Record<string, MeasuredOperation & { calls: number }>;
  failures: { message: string; count: number }[];
  tickets?: TicketVerification;
  thresholds?: { text: string; actual: number | null; passed: boolean }[];
  notes: string[];
}

export function measure(record: LatencyRecord, elapsedMs: number): MeasuredOperation & { calls: number } {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    calls: record.count,
    rps: round(record.count / (elapsedMs / 1000)),
    p50: round(record.percentileMs(50)),
    p95: round(record.percentileMs(95)),
    p99: round(record.percentileMs(99)),
    max: round(record.maxMs),
    mean: round(record.meanMs),
    errors: record.count === 0 ? 0 : record.errors / record.count,
  };
}

export function thresholdsForReport(outcomes: AssertionOutcome[]): LoadReport['thresholds'] {
  return outcomes.map(({ assertion, actual, passed }) => ({ text: assertion.text, actual: actual ?? null, passed }));
}

const ms = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));
const percent = (fraction: number) => `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.001 ? 3 : 1)} %`;

function row(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
}

export function formatLoadReport(report: LoadReport): string {
  const lines = [
    `itbot bench load: ${report.scenario} scenario, ${report.model}, ${report.durationS} s, against ${report.target}`,
    ...report.notes.map((note) => `  ${note}`),
    '',
  ];
  const widths = [10, 7, 7, 8, 8, 8, 8, 7];
  lines.push(row(['operation', 'calls', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'], widths));
  const line = (name: string, m: MeasuredOperation & { calls: number }) =>
    row([name, String(m.calls), String(m.rps), ...[m.p50, m.p95, m.p99, m.max].map(ms), percent(m.errors)], widths);
  for (const [name, m] of Object.entries(report.operations)) lines.push(line(name, m));
  if (Object.keys(report.operations).length > 1) lines.push(line('all', report.total));
  if (report.failures.length > 0) {
    lines.push('', 'failures (most frequent first):');
    for (const { message, count } of report.failures.slice(0, 5)) lines.push(`  ${count} × ${message}`);
  }
  if (report.tickets) {
    const t = report.tickets;
    lines.push(
      '',
      `tickets: ${t.attempted} creates sent, ${t.confirmed} confirmed${t.unsettled ? `, ${t.unsettled} still in doubt` : ''}; ` +
        `${t.present} on the server: ${t.lost} lost, ${t.duplicated} duplicated`,
    );
  }
  if (report.thresholds) {
    lines.push('', 'thresholds:');
    for (const { text, actual, passed } of report.thresholds) {
      const shown =
        actual === null
          ? 'not measured'
          : /errors/.test(text)
            ? percent(actual)
            : /rps/.test(text)
              ? `${actual}/s`
              : `${ms(actual)} ms`;
      lines.push(`  ${passed ? '✓' : '✗'} ${text}   (${shown})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The one-line live view: rewritten in place on a terminal, a line every 10 s otherwise. */
export function progressLine(elapsedMs: number, durationMs: number, calls: number, errors: number, inFlight: number) {
  const seconds = Math.min(elapsedMs, durationMs) / 1000;
  return `  ${seconds.toFixed(0)}/${(durationMs / 1000).toFixed(0)} s  ${calls} calls  ${(calls / Math.max(seconds, 0.001)).toFixed(0)}/s  ${errors} errors  ${inFlight} in flight`;
}
