import { ApiError } from '@google/genai';

/**
 * How Gemini failures are told apart. The SDK throws ApiError with the HTTP status and Google's
 * JSON error body as the message; network trouble arrives as plain errors from fetch.
 */

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code ?? (error as { code?: string } | undefined)?.code;
}

/** Rate limits, server errors and dropped connections are worth retrying; a 400 never is. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ApiError) return RETRYABLE_STATUS.has(error.status);
  const code = networkCode(error);
  if (code && NETWORK_CODES.has(code)) return true;
  return error instanceof TypeError && /fetch failed|terminated|network/i.test(error.message);
}

interface ErrorDetail {
  '@type'?: string;
  retryDelay?: string;
  violations?: { quotaMetric?: string; quotaId?: string; quotaValue?: string }[];
}

/** google.rpc.Status details from the JSON body the SDK puts in ApiError's message. */
function errorDetails(error: unknown): ErrorDetail[] {
  if (!(error instanceof ApiError)) return [];
  const start = error.message.indexOf('{');
  if (start < 0) return [];
  try {
    const body = JSON.parse(error.message.slice(start)) as { error?: { details?: ErrorDetail[] } };
    return body.error?.details ?? [];
  } catch {
    return [];
  }
}

/** The wait the server asked for (google.rpc.RetryInfo), in ms, if it asked. */
export function retryDelayMs(error: unknown): number | undefined {
  const info = errorDetails(error).find((detail) => detail['@type']?.endsWith('google.rpc.RetryInfo'));
  const seconds = info?.retryDelay ? Number.parseFloat(info.retryDelay) : Number.NaN;
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
}

/** Longer than this and waiting is not "a moment": the user is told instead (as gemini-cli does). */
export const MAX_QUOTA_WAIT_MS = 2 * 60_000;

/** A 429 that retrying cannot fix soon: a daily quota used up, or a wait of more than a few minutes. */
export interface TerminalQuota {
  /** e.g. generativelanguage.googleapis.com/generate_content_free_tier_requests */
  metric: string | undefined;
  limit: string | undefined;
  perDay: boolean;
  retryDelayMs: number | undefined;
}

/**
 * Classifies a 429 the way gemini-cli does: a per-day quota (QuotaFailure quotaId …PerDay…) or a
 * RetryInfo delay past MAX_QUOTA_WAIT_MS is terminal; a per-minute limit is retried after its delay.
 */
export function terminalQuota(error: unknown): TerminalQuota | undefined {
  if (!(error instanceof ApiError) || error.status !== 429) return undefined;
  const violation = errorDetails(error)
    .filter((detail) => detail['@type']?.endsWith('google.rpc.QuotaFailure'))
    .flatMap((detail) => detail.violations ?? [])[0];
  const perDay = /PerDay/i.test(violation?.quotaId ?? '');
  const delay = retryDelayMs(error);
  if (!perDay && !(delay !== undefined && delay > MAX_QUOTA_WAIT_MS)) return undefined;
  return { metric: violation?.quotaMetric, limit: violation?.quotaValue, perDay, retryDelayMs: delay };
}

/** Hours and minutes until midnight Pacific time, when Gemini API daily quotas reset. */
export function untilPacificMidnight(now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(now);
  const hour = Number(parts.find((part) => part.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((part) => part.type === 'minute')?.value ?? 0);
  const left = 24 * 60 - (hour * 60 + minute);
  return `${Math.floor(left / 60)} h ${left % 60} min`;
}

/** A short reason for people: "rate limited", "server error 503", "network". */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return 'rate limited';
    if (error.status === 503) return 'model overloaded (503)';
    return `server error ${error.status}`;
  }
  return 'connection lost';
}
