import { describe, expect, it } from 'vitest';
import { benchSearch } from './bench-search.js';
import { EXACT_ROUNDS, RECALL_SETTINGS, recallOf } from './bench-search-exact.js';

describe('recallOf', () => {
  it('counts the share of the true neighbours found, whatever their order', () => {
    expect(recallOf(['c', 'a', 'x', 'y'], ['a', 'b', 'c', 'd'])).toBe(0.5);
    expect(recallOf(['a'], [])).toBe(1);
    expect(recallOf([], ['a'])).toBe(0);
  });
});

describe('itbot bench search --compare-exact', () => {
  it('times the same searches without the index and reports HNSW recall against exact', async () => {
    const result = await benchSearch({ chunks: 300, queries: 4, compareExact: true });
    expect(result.hnsw).toBe(true);
    expect(result.exact?.rounds).toHaveLength(EXACT_ROUNDS);
    expect(result.exact?.rounds.every((r) => r.hnsw.count === 4 && r.exact.count === 4)).toBe(true);
    expect(result.exact?.vector.map((v) => [v.k, v.efSearch])).toEqual(RECALL_SETTINGS.map((s) => [s.k, s.efSearch]));
    // 500 chunks in all and ef_search 320: the graph walk sees nearly everything, so it agrees with exact.
    expect(result.exact?.vector.at(-1)?.recall).toBeGreaterThanOrEqual(0.9);
    expect(result.exact?.resultRecall).toBeGreaterThan(0);
    // Recall of HNSW, not of a plan that compared every vector.
    expect(result.exact?.vector.every((v) => v.usedIndex)).toBe(true);
  }, 120_000);

  it('refuses to compare when the index is dropped from the start', async () => {
    await expect(benchSearch({ chunks: 10, queries: 1, compareExact: true, hnsw: false })).rejects.toThrow(
      '--compare-exact needs the HNSW index',
    );
  });
});
