import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.js';

/**
 * A token bucket refilled per minute: of requests, or (for the tokens-per-minute budget) of model
 * tokens. Locally it lives in this process; with Redis the bucket is one key that every itbot
 * process (and host) draws from, so together they stay under the quota.
 */
export interface RateLimiter {
  /** Milliseconds to wait before `cost` (default 1) is free; 0 means it was taken. */
  tryAcquire(cost?: number): Promise<number>;
  /** Waits until `cost` (default 1) is free and takes it. */
  acquire(cost?: number): Promise<void>;
  close(): Promise<void>;
}

async function acquireLoop(tryAcquire: (cost?: number) => Promise<number>, cost?: number): Promise<void> {
  for (;;) {
    const wait = await tryAcquire(cost);
    if (wait === 0) return;
    await sleep(wait);
  }
}

export function createMemoryRateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  const capacity = Math.max(1, perMinute);
  const refillPerMs = perMinute / 60_000;
  let tokens = capacity;
  let updated = now();
  const tryAcquire = async (cost = 1) => {
    // More than the whole budget can never fit: it waits for a full bucket and takes all of it.
    const need = Math.min(capacity, Math.max(0, cost));
    const time = now();
    tokens = Math.min(capacity, tokens + (time - updated) * refillPerMs);
    updated = time;
    if (tokens >= need) {
      tokens -= need;
      return 0;
    }
    return Math.ceil((need - tokens) / refillPerMs);
  };
  return { tryAcquire, acquire: (cost) => acquireLoop(tryAcquire, cost), close: async () => {} };
}

/**
 * Requests per minute and tokens per minute as one budget: a call takes one request and its
 * estimated tokens, and waits for whichever runs out first (Gemini enforces both per key).
 */
export function combineLimiters(requests: RateLimiter, tokens: RateLimiter): RateLimiter {
  const tryAcquire = async (cost = 0) => {
    const wait = await tokens.tryAcquire(cost);
    if (wait > 0) return wait;
    return requests.tryAcquire(1);
  };
  return {
    tryAcquire,
    acquire: (cost) => acquireLoop(tryAcquire, cost),
    close: async () => {
      await Promise.all([requests.close(), tokens.close()]);
    },
  };
}

/**
 * Refill and take in one atomic step inside Redis: KEYS[1] bucket, ARGV capacity, refill per ms,
 * now (ms), cost. Returns 0 when the cost was taken, else the ms until it is free.
 */
const TAKE_TOKEN = `
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = math.min(capacity, tonumber(ARGV[4]) or 1)
local tokens = tonumber(bucket[1]) or capacity
local updated = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - updated) * refill)
local wait = 0
if tokens >= cost then tokens = tokens - cost else wait = math.ceil((cost - tokens) / refill) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('PEXPIRE', KEYS[1], 120000)
return wait`;

export interface RedisRateLimiterOptions {
  url: string;
  key: string;
  /** The bucket's size per minute: requests, or tokens for a tokens-per-minute budget. */
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
  const tryAcquire = async (cost = 1) => {
    // Known down and still reconnecting: the local bucket at once, not a timeout per request.
    if (warned && client.isOpen && !client.isReady) return local.tryAcquire(cost);
    try {
      const wait = await within(
        connecting.then(() =>
          client.eval(TAKE_TOKEN, {
            keys: [options.key],
            arguments: [
              String(Math.max(1, options.requestsPerMinute)),
              String(refillPerMs),
              String(Date.now()),
              String(Math.max(0, cost)),
            ],
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
      return local.tryAcquire(cost);
    }
  };
  return {
    tryAcquire,
    acquire: (cost) => acquireLoop(tryAcquire, cost),
    close: async () => {
      closed = true;
      // destroy, not quit: quit waits for a reply a disconnected client never gets. A client still
      // retrying a refused port is open too, and destroy is what stops its reconnect loop.
      if (client.isOpen) client.destroy();
    },
  };
}
