import { createClient } from '@redis/client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Requests per minute per token. With REDIS_URL the budget is one counter per token shared by
 * every replica (a token cannot multiply its rate by the number of replicas); when Redis is
 * unreachable each replica falls back to its own in-memory budget instead of failing requests.
 */
export interface RequestRateLimiter {
  /** Milliseconds until the caller may try again, or 0 when the request may go ahead. */
  consume(key: string): Promise<number>;
  close(): Promise<void>;
}

export function createRequestRateLimiter(
  options: { requestsPerMinute: number; redisUrl?: string },
  warn: (message: string) => void,
): RequestRateLimiter {
  const points = Math.max(1, options.requestsPerMinute);
  const memory = new RateLimiterMemory({ keyPrefix: 'itbot:http', points, duration: 60 });
  let limiter: RateLimiterMemory | RateLimiterRedis = memory;
  let redis: ReturnType<typeof createClient> | undefined;
  if (options.redisUrl) {
    let warned = false;
    redis = createClient({
      url: options.redisUrl,
      // Commands fail at once while Redis is away (the insurance limiter answers) instead of queueing.
      disableOfflineQueue: true,
      socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(250 * 2 ** retries, 5_000) },
    });
    redis.on('error', (error: Error) => {
      if (!warned) warn(`request limits: Redis unreachable (${error.message}); using this server's own limits`);
      warned = true;
    });
    redis.on('ready', () => {
      warned = false;
    });
    redis.connect().catch(() => {});
    limiter = new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      keyPrefix: 'itbot:http',
      points,
      duration: 60,
      insuranceLimiter: memory,
    });
  }
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return 0;
      } catch (result) {
        if (result instanceof RateLimiterRes) return Math.max(1, result.msBeforeNext);
        // Neither Redis nor the insurance limiter answered: let the request through.
        return 0;
      }
    },
    async close() {
      if (redis?.isOpen) await redis.quit().catch(() => redis?.destroy());
      else redis?.destroy();
    },
  };
}

/** A bounded number of MCP requests running at once; past it a request is refused, not queued. */
export class ConcurrencyGate {
  private running = 0;
  constructor(readonly limit: number) {}
  get inFlight(): number {
    return this.running;
  }
  tryEnter(): boolean {
    if (this.running >= this.limit) return false;
    this.running += 1;
    return true;
  }
  leave(): void {
    this.running = Math.max(0, this.running - 1);
  }
}
