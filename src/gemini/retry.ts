import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { ModelUnavailableError } from '../errors.js';
import {
  describeFailure,
  isRetryable,
  retryDelayMs,
  type TerminalQuota,
  terminalQuota,
  untilPacificMidnight,
} from './errors.js';

/** What ran out, when it resets and how to raise it, instead of retrying for hours. */
export function quotaExhaustedError(quota: TerminalQuota): ModelUnavailableError {
  const what = quota.metric ? quota.metric.replace(/^.*\//, '') : 'requests';
  const limit = quota.limit ? ` (limit ${quota.limit}${quota.perDay ? ' a day' : ''})` : '';
  const when = quota.perDay
    ? `It resets at midnight Pacific time, in ${untilPacificMidnight()}.`
    : `Gemini asks to wait ${Math.ceil((quota.retryDelayMs ?? 0) / 60_000)} min before the next request.`;
  return new ModelUnavailableError(
    `Gemini's ${quota.perDay ? 'daily ' : ''}quota for ${what}${limit} is used up. ${when}`,
    'Raise the quota (a paid tier: https://ai.google.dev/gemini-api/docs/rate-limits), or use --provider offline meanwhile.',
  );
}

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
        // A daily quota or an hours-long wait: say so now rather than retry for hours.
        const quota = terminalQuota(error);
        if (quota) throw new AbortError(quotaExhaustedError(quota));
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
