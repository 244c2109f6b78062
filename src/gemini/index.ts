export { createGeminiClient } from './client.js';
export { describeFailure, isRetryable, retryDelayMs, terminalQuota } from './errors.js';
export { combineLimiters, createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limiter.js';
export { backoffMs, type RetryNotice, type RetryOptions, withRetry } from './retry.js';
export { createGeminiLimiter, estimateTokens } from './shared-limiter.js';
