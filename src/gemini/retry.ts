import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { describeFailure, isRetryable, retryDelayMs } from './errors.js';

export interface RetryNotice {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long until the next attempt. */
  waitMs: number;
  reason: string;
}

export interface RetryOptions {
  retries?: number;
  /** Told before each wait, e.g. to show "retrying in 4 s (rate limited)". */
  onRetry?: (notice: RetryNotice) => void;
  /** First backoff; doubles per attempt up to maxTimeoutMs. */
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
  /** Stops waiting and retrying (Ctrl+C). */
  signal?: AbortSignal;
}

/** Exponential backoff with full jitter between half and all of the step, so clients spread out. */
export function backoffMs(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(maxMs, minMs * 2 ** (attempt - 1));
  return Math.round(step * (0.5 + random() / 2));
}

/**
 * Runs a Gemini call again on 429s, 5xx and network errors, never on a 400. When the server says
 * how long to wait (RetryInfo) that wait is used, otherwise exponential backoff with jitter. The
 * wait is computed here rather than inside p-retry so the caller can be told exactly how long it is.
 */
export function withRetry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const minMs = options.minTimeoutMs ?? 500;
  const maxMs = options.maxTimeoutMs ?? 16_000;
  return pRetry(
    async (attempt) => {
      try {
        return await call(attempt);
      } catch (error) {
        if (options.signal?.aborted || !isRetryable(error)) throw new AbortError(error as Error);
        throw error;
      }
    },
    {
      retries: options.retries ?? 5,
      // p-retry's own wait is zeroed: the wait happens in onFailedAttempt, where it is known and told.
      minTimeout: 0,
      maxTimeout: 0,
      signal: options.signal,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft === 0) return;
        const waitMs = retryDelayMs(error) ?? backoffMs(attemptNumber, minMs, maxMs);
        options.onRetry?.({ attempt: attemptNumber, waitMs, reason: describeFailure(error) });
        await sleep(waitMs, undefined, { signal: options.signal });
      },
    },
  );
}
