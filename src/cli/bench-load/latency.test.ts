import { describe, expect, it } from 'vitest';
import { LatencyRecord } from './latency.js';

describe('LatencyRecord', () => {
  it('gives percentiles over successes and failures alike, within the histogram precision', () => {
    const record = new LatencyRecord();
    for (let ms = 1; ms <= 100; ms += 1) record.recordSuccess(ms);
    record.recordFailure(5000, 'timed out');
    expect(record.count).toBe(101);
    expect(record.percentileMs(50)).toBeCloseTo(51, 0);
    expect(record.percentileMs(99)).toBeCloseTo(100, 0);
    expect(record.maxMs).toBeGreaterThanOrEqual(4995);
    expect(record.failures.get('timed out')).toBe(1);
    record.destroy();
  });

  it('adds records together for the all-operations line', () => {
    const [a, b, total] = [new LatencyRecord(), new LatencyRecord(), new LatencyRecord()];
    a.recordSuccess(10);
    b.recordFailure(30, 'refused');
    a.addTo(total);
    b.addTo(total);
    expect([total.ok, total.errors, total.count]).toEqual([1, 1, 2]);
    expect(total.percentileMs(100)).toBeCloseTo(30, 0);
    for (const record of [a, b, total]) record.destroy();
  });
});
