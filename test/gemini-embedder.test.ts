import { ApiError } from '@google/genai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCache } from '../src/cache/index.js';
import {
  combineLimiters,
  createGeminiClient,
  createMemoryRateLimiter,
  createRedisRateLimiter,
} from '../src/gemini/index.js';
import { createGeminiEmbedder } from '../src/knowledge/gemini-embedder.js';
import { type FakeGemini, fakeReply, startFakeGemini } from './helpers/fake-gemini-server.js';
import { redisAvailable, startTestRedis, type TestRedis } from './helpers/redis-server.js';

// The real @google/genai SDK against a loopback fake of the Gemini REST API.
const MODEL = 'gemini-embedding-001';
let fake: FakeGemini;
beforeEach(async () => {
  fake = await startFakeGemini();
});
afterEach(async () => fake.close());

function embedder(options: { retries?: number } = {}) {
  const retries: string[] = [];
  const instance = createGeminiEmbedder({
    client: createGeminiClient('test-key', fake.baseUrl),
    model: MODEL,
    dimensions: 768,
    limiter: createMemoryRateLimiter(6_000),
    cache: createCache({ namespace: 'test', warn: () => {} }),
    retry: {
      retries: options.retries ?? 4,
      minTimeoutMs: 10,
      onRetry: ({ reason, waitMs }) => retries.push(`${reason} ${waitMs}`),
    },
  });
  return { instance, retries };
}

interface EmbedRequest {
  taskType: string;
  outputDimensionality: number;
}
const embedCalls = () => fake.requests.filter((r) => r.endpoint === 'batchEmbedContents');
const requestsOf = (call: { body: unknown } | undefined) =>
  (call?.body as { requests: EmbedRequest[] } | undefined)?.requests ?? [];
const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

describe('Gemini embeddings', () => {
  it('embeds 250 texts in batches of at most 100, at 768 normalised dimensions, with the task type', async () => {
    const { instance } = embedder();
    const texts = Array.from({ length: 250 }, (_, i) => `chunk number ${i} about vpn`);
    const vectors = await instance.embed(texts, 'document');
    expect(vectors).toHaveLength(250);
    expect(vectors.every((v) => v.length === 768 && Math.abs(norm(v) - 1) < 1e-6)).toBe(true);
    expect(new Set(vectors.map((v) => v.slice(0, 4).join())).size).toBe(250);
    const sizes = embedCalls().map((call) => requestsOf(call).length);
    expect(sizes.sort((a, b) => b - a)).toEqual([100, 100, 50]);
    const first = requestsOf(embedCalls()[0])[0];
    expect(first).toMatchObject({ taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 768 });
    expect(embedCalls()[0]?.headers['x-goog-api-key']).toBe('test-key');
    expect(instance.id).toBe('gemini:gemini-embedding-001@768');
  });

  it('serves repeated texts from the cache without calling the API', async () => {
    const { instance } = embedder();
    const first = await instance.embed(['reset my password'], 'query');
    const second = await instance.embed(['reset my password', 'new text'], 'query');
    expect(second[0]).toEqual(first[0]);
    expect(embedCalls().map((call) => requestsOf(call).length)).toEqual([1, 1]);
  });

  it('waits the delay a 429 asks for, then succeeds', async () => {
    fake.enqueueEmbedding(fakeReply.rateLimited(1));
    const { instance, retries } = embedder();
    const vectors = await instance.embed(['outlook'], 'query');
    expect(vectors[0]).toHaveLength(768);
    // The 1 s the server asked for was read and waited before the second call.
    expect(retries).toEqual(['rate limited 1000']);
    expect(embedCalls()).toHaveLength(2);
  });

  it('retries 503s and dropped connections with backoff', async () => {
    fake.enqueueEmbedding(fakeReply.unavailable(), fakeReply.drop(), fakeReply.unavailable());
    const { instance, retries } = embedder();
    expect((await instance.embed(['printer'], 'document'))[0]).toHaveLength(768);
    // Backoff from 10 ms doubling per attempt, each wait jittered between half and all of its step.
    const [first, second, third] = retries.map((line) => Number(line.split(' ').at(-1)));
    expect(retries.map((line) => line.replace(/ \d+$/, ''))).toEqual([
      'model overloaded (503)',
      'connection lost',
      'model overloaded (503)',
    ]);
    expect([first, second, third].map((wait, i) => (wait ?? -1) >= 5 * 2 ** i && (wait ?? -1) <= 10 * 2 ** i)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('never retries a 400, and gives up after the retry budget', async () => {
    fake.enqueueEmbedding(fakeReply.error(400, 'Request contains an invalid argument.'));
    const { instance } = embedder();
    await expect(instance.embed(['x'], 'query')).rejects.toBeInstanceOf(ApiError);
    expect(embedCalls()).toHaveLength(1);

    fake.enqueueEmbedding(fakeReply.unavailable(), fakeReply.unavailable(), fakeReply.unavailable());
    const limited = embedder({ retries: 2 });
    await expect(limited.instance.embed(['y'], 'query')).rejects.toMatchObject({ status: 503 });
    expect(embedCalls()).toHaveLength(4);
  });
});

describe('request rate limit', () => {
  it('hands out the per-minute budget, then says how long to wait', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(await limiter.tryAcquire()).toBe(0);
    expect(await limiter.tryAcquire()).toBe(1_000);
    now += 1_000;
    expect(await limiter.tryAcquire()).toBe(0);
  });

  it('budgets tokens per minute beside requests: a call takes one request and its tokens', async () => {
    let now = 0;
    const limiter = combineLimiters(
      createMemoryRateLimiter(100, () => now),
      createMemoryRateLimiter(1_000, () => now),
    );
    expect(await limiter.tryAcquire(600)).toBe(0);
    // 400 tokens left of 1000 a minute: 700 more wait for 300 to refill, 18 s.
    expect(await limiter.tryAcquire(700)).toBe(18_000);
    now += 18_000;
    expect(await limiter.tryAcquire(700)).toBe(0);
    // A call larger than the whole budget waits for a full bucket rather than for ever.
    now += 60_000;
    expect(await limiter.tryAcquire(5_000)).toBe(0);
  });

  describe.skipIf(!redisAvailable().ok)('shared through Redis', () => {
    let redis: TestRedis;
    beforeEach(async () => {
      redis = await startTestRedis();
    });
    afterEach(async () => redis?.stop());

    it('is one budget for several processes, and falls back to a local one when Redis is down', async () => {
      const warnings: string[] = [];
      const options = {
        url: redis.url,
        key: 'itbot:test:rpm',
        requestsPerMinute: 3,
        warn: (w: string) => warnings.push(w),
      };
      const a = await createRedisRateLimiter(options);
      const b = await createRedisRateLimiter(options);
      const results = [await a.tryAcquire(), await b.tryAcquire(), await a.tryAcquire(), await b.tryAcquire()];
      expect(results.slice(0, 3)).toEqual([0, 0, 0]);
      expect(results[3]).toBeGreaterThan(0);
      await redis.stop();
      expect(await a.tryAcquire()).toBe(0);
      expect(warnings).toHaveLength(1);
      await Promise.all([a.close(), b.close()]);
    });

    it('shares the tokens-per-minute bucket between processes too', async () => {
      const options = { url: redis.url, key: 'itbot:test:tpm', requestsPerMinute: 1_000, warn: () => {} };
      const a = await createRedisRateLimiter(options);
      const b = await createRedisRateLimiter(options);
      expect(await a.tryAcquire(600)).toBe(0);
      expect(await b.tryAcquire(300)).toBe(0);
      expect(await a.tryAcquire(300)).toBeGreaterThan(0);
      await Promise.all([a.close(), b.close()]);
    });
  });
});
