import { Keyv } from 'keyv';
import { errorMessage } from '../errors.js';
import { FileStore } from './file-store.js';

/**
 * A best-effort cache: a miss, never a failure. With Redis it is shared between processes and
 * hosts; when Redis is down every call returns quickly (no hang, no throw) and one warning says so.
 */
export interface Cache {
  readonly kind: 'redis' | 'file' | 'memory';
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface CacheOptions {
  redisUrl?: string;
  /** Keeps itbot's keys apart from anything else in the same Redis. */
  namespace: string;
  /** Told once per outage that the cache is being skipped. */
  warn: (message: string) => void;
  /** Upper bound for one cache operation; past it the cache counts as down. */
  operationTimeoutMs?: number;
  /** Entries kept by the in-memory cache. */
  memoryEntries?: number;
  /** Without Redis, keep entries in files here (so they outlive the process) instead of in memory. */
  directory?: string;
}

/** A Map that forgets its oldest entry when full, so a long-running server cannot grow without bound. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.capacity) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface RedisKeyv {
  keyv: Keyv;
  /** Stops the client for good, its reconnect loop included (a closed port keeps it retrying). */
  destroy(): void;
  /** Still reconnecting in the background: not worth waiting a timeout for. */
  reconnecting(): boolean;
}

async function redisKeyv(url: string, namespace: string, timeoutMs: number): Promise<RedisKeyv> {
  // Loaded only when REDIS_URL is set: the Redis client is a noticeable share of start-up time.
  const { default: KeyvRedis, createClient } = await import('@keyv/redis');
  // Measured: with defaults, every get/set waits for as long as Redis is down. A connect timeout,
  // no offline queue and throwOnErrors make calls fail fast instead, and the client keeps
  // reconnecting in the background so the cache comes back by itself.
  const client = createClient({
    url,
    disableOfflineQueue: true,
    // Reconnects at most a second apart: a pending retry timer holds the process open after close().
    socket: { connectTimeout: timeoutMs, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 1_000) },
  });
  client.on('error', () => {});
  const store = new KeyvRedis(client, { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: timeoutMs });
  const keyv = new Keyv({ store, namespace, useKeyPrefix: false, throwOnErrors: true });
  keyv.on('error', () => {});
  return {
    keyv,
    destroy: () => {
      if (client.isOpen) client.destroy();
    },
    reconnecting: () => client.isOpen && !client.isReady,
  };
}

export function createCache(options: CacheOptions): Cache {
  const timeoutMs = options.operationTimeoutMs ?? 1_000;
  const local = options.directory ? new FileStore(options.directory) : new BoundedMap(options.memoryEntries ?? 1_000);
  const redis = options.redisUrl ? redisKeyv(options.redisUrl, options.namespace, timeoutMs) : undefined;
  const keyv: Promise<Keyv> = redis
    ? redis.then((r) => r.keyv)
    : Promise.resolve(new Keyv({ store: local, namespace: options.namespace }));
  let healthy = true;
  let settled: RedisKeyv | undefined;
  void redis?.then((r) => {
    settled = r;
  });

  const guard = async <T>(operation: () => Promise<T>, fallback: T): Promise<T> => {
    // Known down and still reconnecting: answer at once instead of waiting out a timeout per call.
    if (!healthy && settled?.reconnecting()) return fallback;
    try {
      const result = await withTimeout(operation(), timeoutMs);
      healthy = true;
      return result;
    } catch (error) {
      if (healthy) options.warn(`cache unavailable (${errorMessage(error)}); carrying on without it`);
      healthy = false;
      return fallback;
    }
  };

  return {
    kind: options.redisUrl ? 'redis' : options.directory ? 'file' : 'memory',
    get: <T>(key: string) => guard(async () => (await keyv).get<T>(key), undefined),
    set: (key, value, ttlMs) => guard(async () => void (await (await keyv).set(key, value, ttlMs)), undefined),
    close: async () => {
      // Redis: destroy rather than disconnect, which waits for a server that may never answer.
      if (redis) (await redis).destroy();
      else await guard(async () => (await keyv).disconnect(), undefined);
    },
  };
}
