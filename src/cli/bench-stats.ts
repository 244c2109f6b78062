/** Latency summaries and synthetic data for `itbot bench`. */

/** What helpdesk text is about, for synthetic tickets and articles. */
export const IT_SUBJECTS = [
  'vpn',
  'printer',
  'outlook',
  'password',
  'laptop',
  'wifi',
  'teams',
  'onedrive',
  'monitor',
  'bitlocker',
  'sharepoint',
  'dock',
  'mfa',
  'browser',
  'certificate',
] as const;
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  /** Sequential operations per second (one client, one call at a time). */
  perSecond: number;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function summarize(latencies: number[]): LatencySummary {
  const total = latencies.reduce((sum, value) => sum + value, 0);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    count: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    perSecond: total > 0 ? Math.round((latencies.length / total) * 1000) : 0,
  };
}

export async function timed<T>(run: () => Promise<T>, into: number[]): Promise<T> {
  const started = performance.now();
  const result = await run();
  into.push(performance.now() - started);
  return result;
}
