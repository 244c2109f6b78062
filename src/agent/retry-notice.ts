import type { RetryNotice } from './types.js';

/**
 * "retrying in 4 s", or "waiting 1 s" for attempt 0 — a wait for the shared request budget before
 * the first try, not a retry. Shared by `itbot ask` and the chat's spinner.
 */
export function waitPhrase(notice: RetryNotice, secondsLeft: number): string {
  const waiting = notice.attempt === 0;
  if (secondsLeft <= 0) return waiting ? 'waiting' : 'retrying now';
  return `${waiting ? 'waiting' : 'retrying in'} ${secondsLeft} s`;
}
