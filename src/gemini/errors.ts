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

/** The wait the server asked for (google.rpc.RetryInfo), in ms, if it asked. */
export function retryDelayMs(error: unknown): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const start = error.message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const body = JSON.parse(error.message.slice(start)) as {
      error?: { details?: { '@type'?: string; retryDelay?: string }[] };
    };
    const info = body.error?.details?.find((detail) => detail['@type']?.endsWith('google.rpc.RetryInfo'));
    const seconds = info?.retryDelay ? Number.parseFloat(info.retryDelay) : Number.NaN;
    return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
  } catch {
    return undefined;
  }
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
