import { createClient } from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { fakeReply, startFakeGemini } from './helpers/fake-gemini-server.js';
import { redisAvailable, startTestRedis, type TestRedis } from './helpers/redis-server.js';
import { runItbot } from './helpers/run-itbot.js';

describe.skipIf(!redisAvailable().ok)('itbot ask with REDIS_URL', () => {
  let redis: TestRedis;
  let dataDir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    redis = await startTestRedis();
    ({ dir: dataDir, cleanup } = makeSeededDataDir());
  });
  afterAll(async () => {
    await redis?.stop();
    cleanup?.();
  });

  it('caches knowledge search results in Redis, shared by later processes', async () => {
    const env = { ITBOT_DATA_DIR: dataDir, REDIS_URL: redis.url };
    const first = await runItbot(['ask', '--json', 'wifi keeps dropping'], { env });
    expect(first.code).toBe(0);
    const client = createClient({ url: redis.url });
    await client.connect();
    const keys = await client.keys('itbot*search:*');
    await client.quit();
    expect(keys).toHaveLength(1);
    const second = await runItbot(['ask', '--json', 'wifi keeps dropping'], { env });
    expect(JSON.parse(second.stdout).citations).toEqual(JSON.parse(first.stdout).citations);
  });

  it('draws every Gemini call from the request budget shared in Redis', async () => {
    const fake = await startFakeGemini();
    try {
      fake.enqueue(fakeReply.functionCall('search_knowledge', { query: 'wifi' }), 'Forget the network and rejoin.');
      const run = await runItbot(['ask', '--no-cache', 'wifi keeps dropping'], {
        env: {
          ITBOT_DATA_DIR: dataDir,
          REDIS_URL: redis.url,
          GEMINI_API_KEY: 'test-key',
          GOOGLE_GEMINI_BASE_URL: fake.baseUrl,
          ITBOT_GEMINI_RPM: '6',
        },
      });
      expect(run.code, run.stderr).toBe(0);
      const client = createClient({ url: redis.url });
      await client.connect();
      const tokens = Number(await client.hGet('itbot:gemini:rpm', 'tokens'));
      await client.quit();
      // Two model calls taken from a full bucket of 6, plus the refill (0.1 a second) between them.
      expect(tokens).toBeGreaterThanOrEqual(4);
      expect(tokens).toBeLessThan(4.5);
    } finally {
      await fake.close();
    }
  });

  it('says it is waiting when the shared budget is spent, then answers', async () => {
    const fake = await startFakeGemini();
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      // Other processes have spent the whole budget of 60 a minute (stamped ahead, so it stays spent
      // until this process asks): the next token is 1 s away.
      await client.hSet('itbot:gemini:rpm', { tokens: '0', updated: String(Date.now() + 60_000) });
      fake.enqueue('Restart the router.');
      const run = await runItbot(['ask', '--no-cache', 'wifi is slow'], {
        env: {
          ITBOT_DATA_DIR: dataDir,
          REDIS_URL: redis.url,
          GEMINI_API_KEY: 'test-key',
          GOOGLE_GEMINI_BASE_URL: fake.baseUrl,
          ITBOT_GEMINI_RPM: '60',
        },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/itbot: waiting 1 s \(request budget, ITBOT_GEMINI_RPM\/TPM\)/);
      expect(run.stdout).toContain('Restart the router.');
    } finally {
      await client.quit();
      await fake.close();
    }
  });

  it('still answers, with one warning, when Redis is unreachable', async () => {
    // A question the knowledge base answers with confidence: the point is that Redis being away changes nothing.
    const run = await runItbot(['ask', 'my print job is stuck in the queue'], {
      env: { ITBOT_DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:9' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Source: /);
    expect(run.stderr.match(/cache unavailable/g)).toHaveLength(1);
  });
});
