import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/data-dir.js';
import { redisAvailable, startTestRedis, type TestRedis } from '../../test/helpers/redis-server.js';
import { createCache } from './cache.js';
import { FileStore } from './file-store.js';

describe('in-memory cache', () => {
  it('stores, expires and stays bounded', async () => {
    const cache = createCache({ namespace: 't', warn: () => {}, memoryEntries: 2 });
    await cache.set('a', { n: 1 }, 60_000);
    expect(await cache.get('a')).toEqual({ n: 1 });
    await cache.set('short', 1, 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await cache.get('short')).toBeUndefined();
    await cache.set('b', 2, 60_000);
    await cache.set('c', 3, 60_000);
    expect(await cache.get('a')).toBeUndefined(); // evicted: capacity 2
    expect(cache.kind).toBe('memory');
  });
});

describe('file cache', () => {
  it('keeps entries for the next process, expires them, and drops the oldest past its bound', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const first = createCache({ namespace: 't', warn: () => {}, directory: dir });
      await first.set('answer', { text: 'restart the spooler' }, 60_000);
      await first.set('short', 1, 1);
      const next = createCache({ namespace: 't', warn: () => {}, directory: dir });
      expect(next.kind).toBe('file');
      expect(await next.get('answer')).toEqual({ text: 'restart the spooler' });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await next.get('short')).toBeUndefined();

      const store = new FileStore(path.join(dir, 'bounded'), 3);
      for (const key of ['a', 'b', 'c', 'd', 'e']) {
        await store.set(key, key);
        await new Promise((resolve) => setTimeout(resolve, 5)); // distinct modification times
      }
      expect(await Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => store.get(key)))).toEqual([
        undefined,
        undefined,
        'c',
        'd',
        'e',
      ]);
    } finally {
      cleanup();
    }
  });
});

describe.skipIf(!redisAvailable().ok)('Redis cache', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('shares entries between separate clients (processes, hosts)', async () => {
    const writer = createCache({ redisUrl: redis.url, namespace: 'itbot-test', warn: () => {} });
    const reader = createCache({ redisUrl: redis.url, namespace: 'itbot-test', warn: () => {} });
    await writer.set('shared', { answer: 42 }, 60_000);
    expect(await reader.get('shared')).toEqual({ answer: 42 });
    expect(reader.kind).toBe('redis');
    await Promise.all([writer.close(), reader.close()]);
  });

  it('degrades to misses with one warning while Redis is down, and recovers when it is back', async () => {
    const warnings: string[] = [];
    const cache = createCache({ redisUrl: redis.url, namespace: 'itbot-test', warn: (w) => warnings.push(w) });
    await cache.set('k', 'before', 60_000);
    expect(await cache.get('k')).toBe('before');

    await redis.stop();
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k2', 'during', 60_000); // must not throw or hang
    expect(await cache.get('k2')).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cache unavailable/);

    await redis.start();
    let value: unknown;
    for (let attempt = 0; attempt < 60 && value === undefined; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await cache.set('k3', 'after', 60_000);
      value = await cache.get('k3');
    }
    expect(value).toBe('after');
    await cache.close();
  });
});
