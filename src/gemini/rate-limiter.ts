import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.js';

/**
 * A token bucket of requests per minute. Locally it lives in this process; with Redis the bucket
 * is one key that every itbot process (and host) draws from, so together they stay under the quota.
 */
export interface RateLimiter {
  /** Milliseconds to wait before a token is free; 0 means one was taken. */
  tryAcquire(): Promise<number>;
  /** Waits until a token is free and takes it. */
  acquire(): Promise<void>;
  close(): Promise<void>;
}

async function acquireLoop(tryAcquire: () => Promise<number>): Promise<void> {
  for (;;) {
    const wait = await tryAcquire();
    if (wait === 0) return;
    await sleep(wait);
  }
}

export function createMemoryRateLimiter(requestsPerMinute: number, now: () => number = Date.now): RateLimiter {
  const capacity = Math.max(1, requestsPerMinute);
  const refillPerMs = requestsPerMinute / 60_000;
  let tokens = capacity;
  let updated = now();
  const tryAcquire = async () => {
    const time = now();
    tokens = Math.min(capacity, tokens + (time - updated) * refillPerMs);
    updated = time;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - tokens) / refillPerMs);
  };
  return { tryAcquire, acquire: () => acquireLoop(tryAcquire), close: async () => {} };
}

/**
 * Refill and take in one atomic step inside Redis: KEYS[1] bucket, ARGV capacity, refill per ms,
 * now (ms). Returns 0 when a token was taken, else the ms until one is free.
 */
const TAKE_TOKEN = `
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local tokens = tonumber(bucket[1]) or capacity
local updated = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - updated) * refill)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / refill) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('PEXPIRE', KEYS[1], 120000)
return wait`;

export interface RedisRateLimiterOptions {
  url: string;
  key: string;
  requestsPerMinute: number;
  /** Told once when Redis is unreachable and the limiter falls back to this process alone. */
  warn: (message: string) => void;
}

/** How long one Redis step (connect included) may take before the limiter counts Redis as down. */
const REDIS_STEP_MS = 1_000;

/** Rejects after `ms` unless `promise` settles first; the timer never keeps the process alive. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A bucket shared through Redis; while Redis is down it degrades to a local bucket, with one warning. */
export async function createRedisRateLimiter(options: RedisRateLimiterOptions): Promise<RateLimiter> {
  const { createClient } = await import('@keyv/redis');
  // Against a refused port node-redis retries for ever and connect() never settles: every step
  // (connect included) is bounded, and reconnects stay short so close() is never kept waiting.
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: { connectTimeout: REDIS_STEP_MS, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 1_000) },
  });
  client.on('error', () => {});
  const local = createMemoryRateLimiter(options.requestsPerMinute);
  const refillPerMs = options.requestsPerMinute / 60_000;
  let warned = false;
  let closed = false;
  const connecting = client.connect().catch(() => undefined);
  const tryAcquire = async () => {
    // Known down and still reconnecting: the local bucket at once, not a timeout per request.
    if (warned && client.isOpen && !client.isReady) return local.tryAcquire();
    try {
      const wait = await within(
        connecting.then(() =>
          client.eval(TAKE_TOKEN, {
            keys: [options.key],
            arguments: [String(Math.max(1, options.requestsPerMinute)), String(refillPerMs), String(Date.now())],
          }),
        ),
        REDIS_STEP_MS,
      );
      warned = false;
      return Number(wait);
    } catch (error) {
      if (!warned && !closed) {
        options.warn(`shared rate limit unavailable (${errorMessage(error)}); limiting this process alone`);
      }
      warned = true;
      return local.tryAcquire();
    }
  };
  return {
    tryAcquire,
    acquire: () => acquireLoop(tryAcquire),
    close: async () => {
      closed = true;
      // destroy, not quit: quit waits for a reply a disconnected client never gets. A client still
      // retrying a refused port is open too, and destroy is what stops its reconnect loop.
      if (client.isOpen) client.destroy();
    },
  };
}
