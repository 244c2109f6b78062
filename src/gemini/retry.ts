import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { describeFailure, isRetryable, retryDelayMs } from './errors.js';

export interface RetryOptions {
  retries?: number;
  /** Told before each wait, e.g. to show "retrying in 4 s (rate limited)". */
  onRetry?: (info: { attempt: number; waitMs: number; reason: string }) => void;
  minTimeoutMs?: number;
}

/**
 * Runs a Gemini call with exponential backoff and jitter on 429s, 5xx and network errors. When
 * the server says how long to wait (RetryInfo), that wait comes first; 400s fail at once.
 */
export function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await call();
      } catch (error) {
        if (!isRetryable(error)) throw new AbortError(error as Error);
        throw error;
      }
    },
    {
      retries: options.retries ?? 5,
      factor: 2,
      minTimeout: options.minTimeoutMs ?? 500,
      maxTimeout: 16_000,
      randomize: true,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft === 0) return;
        const serverWait = retryDelayMs(error) ?? 0;
        options.onRetry?.({ attempt: attemptNumber, waitMs: serverWait, reason: describeFailure(error) });
        if (serverWait) await sleep(serverWait);
      },
    },
  );
}
