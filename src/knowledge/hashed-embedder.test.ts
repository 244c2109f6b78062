import { describe, expect, it } from 'vitest';
import { createHashedEmbedder } from './hashed-embedder.js';

const cosine = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);

describe('hashed embedder', () => {
  const embedder = createHashedEmbedder();

  it('gives 768-dim unit vectors, the same for the same text in any process', async () => {
    const [a, b] = await embedder.embed(['VPN will not connect', 'VPN will not connect'], 'query');
    expect(a).toHaveLength(768);
    expect(Math.sqrt(cosine(a as number[], a as number[]))).toBeCloseTo(1, 6);
    expect(a).toEqual(b);
    expect(embedder.id).toBe('hashed-ngram-v1@768');
  });

  it('puts related texts closer than unrelated ones, including word variants', async () => {
    const [query, related, unrelated] = await embedder.embed(
      ['printer is printing blank pages', 'Printers print blank or empty pages', 'Reset your MFA phone number'],
      'document',
    );
    expect(cosine(query as number[], related as number[])).toBeGreaterThan(
      cosine(query as number[], unrelated as number[]) + 0.2,
    );
  });

  it('gives distinct vectors for distinct texts (HNSW merges identical ones)', async () => {
    const [a, b] = await embedder.embed(['outlook password prompt', 'outlook password prompts'], 'document');
    expect(a).not.toEqual(b);
  });
});
