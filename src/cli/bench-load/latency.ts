import * as hdr from 'hdr-histogram-js';

/**
 * Latencies of one operation, kept in an HDR histogram (microsecond resolution, three significant
 * digits), so p99 of a million calls costs no more memory than p99 of a hundred.
 */
export class LatencyRecord {
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
  ok = 0;
  errors = 0;
  /** The distinct failure messages seen, with how often, for the report (a few, not every one). */
  readonly failures = new Map<string, number>();

  recordSuccess(ms: number): void {
    this.ok += 1;
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  recordFailure(ms: number, message: string): void {
    this.errors += 1;
    // A failure's time counts too: a request that hung 30 s before failing is a 30 s request.
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
    if (this.failures.size < 20 || this.failures.has(message)) {
      this.failures.set(message, (this.failures.get(message) ?? 0) + 1);
    }
  }

  get count(): number {
    return this.ok + this.errors;
  }

  /** The latency below which `percent` of the calls (successful or not) finished, in ms. */
  percentileMs(percent: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(percent) / 1000;
  }

  get maxMs(): number {
    return this.count === 0 ? 0 : this.histogram.maxValue / 1000;
  }

  get meanMs(): number {
    return this.count === 0 ? 0 : this.histogram.mean / 1000;
  }

  addTo(total: LatencyRecord): void {
    total.histogram.add(this.histogram);
    total.ok += this.ok;
    total.errors += this.errors;
    for (const [message, n] of this.failures) total.failures.set(message, (total.failures.get(message) ?? 0) + n);
  }

  destroy(): void {
    this.histogram.destroy();
  }
}
