import type { ItbotConfig } from '../config/index.js';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limiter.js';

/**
 * The one Gemini request budget (ITBOT_GEMINI_RPM): shared through Redis by every itbot process
 * when REDIS_URL is set, this process's own otherwise. Embeddings and chat draw from the same
 * bucket because the API's quota is per key, not per endpoint.
 */
export function createGeminiLimiter(config: ItbotConfig, warn: (message: string) => void): Promise<RateLimiter> {
  if (!config.redisUrl) return Promise.resolve(createMemoryRateLimiter(config.geminiRequestsPerMinute));
  return createRedisRateLimiter({
    url: config.redisUrl,
    key: 'itbot:gemini:rpm',
    requestsPerMinute: config.geminiRequestsPerMinute,
    warn,
  });
}
