import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../src/paths.js';
import { type FakeGemini, startFakeGemini } from './helpers/fake-gemini-server.js';
import { freeLoopbackPort } from './helpers/ports.js';
import { redisAvailable, startTestRedis, type TestRedis } from './helpers/redis-server.js';
import { runNode } from './helpers/run-itbot.js';

// Every long-lived handle is closed on every way out: each case runs the built modules in a fresh
// Node process that must end by itself once it has closed what it opened. A leaked Redis client
// (a reconnect loop against a refused port) keeps the process alive and the run times out.

const built = (file: string) => pathToFileURL(path.join(packageRoot(), 'dist', 'src', file)).href;

async function runScript(code: string, env: Record<string, string> = {}) {
  const started = Date.now();
  const run = await runNode(['--input-type=module', '-e', code], { env, timeoutMs: 15_000 });
  return { ...run, ms: Date.now() - started };
}

describe('handles are closed, so the process exits', () => {
  let refusedUrl: string;
  beforeAll(async () => {
    refusedUrl = `redis://127.0.0.1:${await freeLoopbackPort()}`;
  });

  it('the shared rate limiter against a refused Redis port: acquire falls back within its bound, close ends it', async () => {
    const run = await runScript(`
      const { createRedisRateLimiter } = await import(${JSON.stringify(built('gemini/rate-limiter.js'))});
      const limiter = await createRedisRateLimiter({ url: ${JSON.stringify(refusedUrl)}, key: 'k', requestsPerMinute: 60, warn: (m) => console.error(m) });
      const started = Date.now();
      await limiter.acquire();
      await limiter.acquire();
      console.log('acquired in', Date.now() - started);
      await limiter.close();
    `);
    expect(run.code, run.stderr).toBe(0);
    const ms = Number(/acquired in (\d+)/.exec(run.stdout)?.[1]);
    expect(ms).toBeLessThan(2_500);
    expect(run.stderr).toMatch(/shared rate limit unavailable/);
    // One warning per outage, and the second acquire does not wait out another timeout.
    expect(run.stderr.match(/shared rate limit unavailable/g)).toHaveLength(1);
  });

  it('the Gemini limiter (requests and tokens buckets) against a refused port: one warning, not one per bucket', async () => {
    const run = await runScript(
      `
      const { resolveConfig } = await import(${JSON.stringify(built('config/index.js'))});
      const { createGeminiLimiter } = await import(${JSON.stringify(built('gemini/shared-limiter.js'))});
      const limiter = await createGeminiLimiter(resolveConfig(), (m) => console.error(m));
      const started = Date.now();
      await limiter.acquire(500);
      await limiter.acquire(500);
      console.log('acquired in', Date.now() - started);
      await limiter.close();
    `,
      { REDIS_URL: refusedUrl },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(Number(/acquired in (\d+)/.exec(run.stdout)?.[1])).toBeLessThan(4_000);
    expect(run.stderr.match(/shared rate limit unavailable/g)).toHaveLength(1);
  });

  it('the cache against a refused Redis port: calls fall back, close ends the reconnect loop', async () => {
    const run = await runScript(`
      const { createCache } = await import(${JSON.stringify(built('cache/cache.js'))});
      const cache = createCache({ redisUrl: ${JSON.stringify(refusedUrl)}, namespace: 't', warn: (m) => console.error(m) });
      const started = Date.now();
      await cache.set('a', 1, 60_000);
      for (let i = 0; i < 5; i++) await cache.get('a');
      console.log('six calls in', Date.now() - started);
      await cache.close();
    `);
    expect(run.code, run.stderr).toBe(0);
    // Known down: later calls answer at once instead of each waiting out the 1 s timeout.
    expect(Number(/six calls in (\d+)/.exec(run.stdout)?.[1])).toBeLessThan(3_000);
  });

  describe('the Gemini embedder', () => {
    let fake: FakeGemini;
    let redis: TestRedis | undefined;
    beforeAll(async () => {
      fake = await startFakeGemini();
      if (redisAvailable().ok) redis = await startTestRedis();
    });
    afterAll(async () => {
      await redis?.stop();
      await fake?.close();
    });

    const embedAndClose = (redisUrl: string) =>
      runScript(
        `
        const { resolveConfig } = await import(${JSON.stringify(built('config/index.js'))});
        const { createEmbedder } = await import(${JSON.stringify(built('bootstrap.js'))});
        const embedder = createEmbedder(resolveConfig());
        const [vector] = await embedder.embed(['printer offline'], 'query');
        console.log('dimensions', vector.length);
        await embedder.close();
      `,
        {
          ITBOT_EMBEDDER: 'gemini',
          GEMINI_API_KEY: 'test-key',
          GOOGLE_GEMINI_BASE_URL: fake.baseUrl,
          REDIS_URL: redisUrl,
        },
      );

    it('with a refused Redis port', async () => {
      const run = await embedAndClose(refusedUrl);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/dimensions 768/);
    });

    it.skipIf(!redisAvailable().ok)('with a live Redis (its limiter and cache clients are closed)', async () => {
      const run = await embedAndClose(redis?.url ?? '');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/dimensions 768/);
      expect(run.stderr).toBe('');
    });
  });
});
