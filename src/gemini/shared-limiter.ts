import type { ItbotConfig } from '../config/index.js';
import { combineLimiters, createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limiter.js';

function bucket(
  config: ItbotConfig,
  key: string,
  perMinute: number,
  warn: (message: string) => void,
): Promise<RateLimiter> {
  if (!config.redisUrl) return Promise.resolve(createMemoryRateLimiter(perMinute));
  return createRedisRateLimiter({ url: config.redisUrl, key, requestsPerMinute: perMinute, warn });
}

/**
 * The one Gemini budget: requests per minute (ITBOT_GEMINI_RPM) and tokens per minute
 * (ITBOT_GEMINI_TPM), shared through Redis by every itbot process when REDIS_URL is set, this
 * process's own otherwise. Embeddings and chat draw from the same buckets because the API's quota
 * is per key, not per endpoint. `tryAcquire(tokens)` takes one request and that many tokens.
 */
export async function createGeminiLimiter(config: ItbotConfig, warn: (message: string) => void): Promise<RateLimiter> {
  // Both buckets notice the same Redis outage at once: the user hears about it once.
  let last = { message: '', at: 0 };
  const warnOnce = (message: string) => {
    if (message === last.message && Date.now() - last.at < 10_000) return;
    last = { message, at: Date.now() };
    warn(message);
  };
  const [requests, tokens] = await Promise.all([
    bucket(config, 'itbot:gemini:rpm', config.geminiRequestsPerMinute, warnOnce),
    bucket(config, 'itbot:gemini:tpm', config.geminiTokensPerMinute, warnOnce),
  ]);
  return combineLimiters(requests, tokens);
}

/** A rough token count for budgeting (about four characters a token), never below one. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
