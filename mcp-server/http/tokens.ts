import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { ConfigError, errorMessage } from '../../src/errors.js';

/** What a token may do: read tools only; read and write; or also run admin jobs (reindex, seed). */
export type TokenScope = 'read-only' | 'read-write' | 'admin';

export interface AcceptedToken {
  /** Compared in constant time through its digest; the token itself is never kept or logged. */
  readonly digest: Buffer;
  readonly scope: TokenScope;
  /** A person the token belongs to: recorded on timelines whatever the client claims. */
  readonly user: string | undefined;
  /** A short, non-secret label for logs and metrics ("token#2", or the user). */
  readonly label: string;
}

const SCOPES: readonly TokenScope[] = ['read-only', 'read-write', 'admin'];

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * One token entry: `TOKEN`, optionally followed by words (spaces, or `:` in the environment
 * variable) naming its scope and owner: `s3cret read-only`, `s3cret:admin`, `s3cret user=maria.lopez`.
 */
function parseEntry(entry: string, index: number, where: string): AcceptedToken {
  const [token, ...words] = entry.split(/[\s:]+/).filter(Boolean);
  if (!token || token.length < 16) {
    throw new ConfigError(
      `A token in ${where} is shorter than 16 characters.`,
      'Use a long random token, e.g. `openssl rand -hex 32`.',
    );
  }
  let scope: TokenScope = 'read-write';
  let user: string | undefined;
  for (const word of words) {
    if ((SCOPES as readonly string[]).includes(word)) scope = word as TokenScope;
    else if (word.startsWith('user=') && word.length > 5) user = word.slice(5);
    else
      throw new ConfigError(
        `Unknown word "${word}" after token ${index + 1} in ${where}.`,
        `Allowed: ${SCOPES.join(', ')}, user=NAME.`,
      );
  }
  return { digest: digestOf(token), scope, user, label: user ?? `token#${index + 1}` };
}

/** Tokens from ITBOT_SERVER_TOKENS (comma-separated) and a token file (one per line, # comments). */
export function readAcceptedTokens(fromEnv: string | undefined, file: string | undefined): AcceptedToken[] {
  const tokens: AcceptedToken[] = [];
  for (const entry of (fromEnv ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    tokens.push(parseEntry(entry, tokens.length, 'ITBOT_SERVER_TOKENS'));
  }
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`Cannot read the token file ${file}: ${errorMessage(error)}`);
    }
    for (const line of text.split('\n')) {
      const entry = line.replace(/#.*/, '').trim();
      if (entry) tokens.push(parseEntry(entry, tokens.length, file));
    }
  }
  return tokens;
}

/** The token a request presents, compared against every accepted one without an early exit. */
export function matchToken(
  presented: string | undefined,
  accepted: readonly AcceptedToken[],
): AcceptedToken | undefined {
  if (!presented) return undefined;
  const digest = digestOf(presented);
  let match: AcceptedToken | undefined;
  for (const token of accepted) {
    if (timingSafeEqual(digest, token.digest) && !match) match = token;
  }
  return match;
}

/** A token made for one process's owner: the local background server's secret. */
export function ownerToken(secret: string): AcceptedToken {
  return { digest: digestOf(secret), scope: 'admin', user: undefined, label: 'owner' };
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
