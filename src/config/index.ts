import os from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';
import { ConfigError, maskSecrets } from '../errors.js';

/** Everything itbot reads from its environment, resolved and validated once. */
export interface ItbotConfig {
  /** PostgreSQL server with pgvector; undefined means the embedded PGlite store. */
  databaseUrl: string | undefined;
  /** A streaming replica for reads that tolerate lag (knowledge search); undefined: the primary. */
  databaseReadUrl: string | undefined;
  /** Where embedded data (PGlite database, lock, history) lives. */
  dataDir: string;
  redisUrl: string | undefined;
  geminiApiKey: string | undefined;
  model: string;
  embedModel: string;
  /** A shared `itbot serve` (a team's): every command uses it instead of a store of its own. */
  serverUrl: string | undefined;
  serverToken: string | undefined;
  /**
   * Whether commands on the embedded store share one background server per data dir (started on
   * demand, exits when idle) or each start a private one. Off by default under CI, so a pipeline
   * leaves no process behind.
   */
  backgroundServer: boolean;
  /** Seconds without a request after which a background server exits. */
  serverIdleSeconds: number;
  /** How long to wait for another itbot process to release the embedded store. */
  storeLockWaitMs: number;
  databasePoolMax: number;
  /** Who "my tickets" means: the requester recorded on new tickets. */
  user: string;
  /** Which embedder builds and queries the knowledge index: the local one, or Gemini's. */
  embedder: 'hashed' | 'gemini';
  /** Gemini requests per minute, shared by every itbot process through Redis when REDIS_URL is set. */
  geminiRequestsPerMinute: number;
  /** Gemini tokens per minute, budgeted beside the requests (ITBOT_GEMINI_TPM). */
  geminiTokensPerMinute: number;
  /** Embedding batches in flight at once. */
  embedConcurrency: number;
  /** A ticket whose resolution is due within this many minutes is "at risk" (ITBOT_SLA_AT_RISK). */
  slaAtRiskMinutes: number;
  /** How often the chat checks its agent's tickets for SLA changes, in seconds (ITBOT_SLA_POLL_SECONDS). */
  slaPollSeconds: number;
}

export type Env = Record<string, string | undefined>;

export const DEFAULT_MODEL = 'gemini-2.5-flash';
export const DEFAULT_EMBED_MODEL = 'gemini-embedding-001';
/** Resolution due within 4 h: the dashboard's "at risk" before it became a setting. */
export const DEFAULT_SLA_AT_RISK_MINUTES = 240;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parseUrl(name: string, value: string | undefined, protocols: string[]): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL.`, `Expected something like ${protocols[0]}//host:port/…`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(
      `${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')} (got ${url.protocol}//).`,
    );
  }
  return value;
}

function parseCount(name: string, value: string | undefined, fallback: number, unit: string): number {
  if (value === undefined) return fallback;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0)
    throw new ConfigError(`${name} must be a whole number of ${unit} (got "${value}").`);
  return count;
}

/** "240", "240m", "4h", "90 min": a span in minutes. */
function parseMinutes(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const match = /^(\d+)\s*(m|min|minutes?|h|hours?)?$/i.exec(value.trim());
  if (!match?.[1]) throw new ConfigError(`${name} must be minutes or hours, e.g. 240 or 4h (got "${value}").`);
  const n = Number(match[1]);
  return match[2]?.toLowerCase().startsWith('h') ? n * 60 : n;
}

/**
 * ITBOT_ROUTING_THRESHOLD: the confidence (0–1, or a percentage) at which the router applies a
 * new ticket's suggested category and group; "off" turns auto-routing off (undefined).
 */
export function routingThreshold(env: Env = process.env): number | undefined {
  const value = nonEmpty(env.ITBOT_ROUTING_THRESHOLD);
  if (value === undefined) return 0.5;
  if (['off', 'none', 'false', '0'].includes(value.toLowerCase())) return undefined;
  const share = value.endsWith('%') ? Number(value.slice(0, -1)) / 100 : Number(value);
  if (!Number.isFinite(share) || share <= 0 || share > 1)
    throw new ConfigError(
      `ITBOT_ROUTING_THRESHOLD must be a share between 0 and 1, a percentage or "off" (got "${value}").`,
    );
  return share;
}

export const DEFAULT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
/** Base64 of a bigger file would not fit one stdio MCP message (10 MiB). */
export const ATTACHMENT_MAX_BYTES_CEILING = 7 * 1024 * 1024;

/** ITBOT_ATTACHMENT_MAX_BYTES: the largest file a ticket takes (bytes, or with KiB/MiB). */
export function attachmentMaxBytes(env: Env = process.env): number {
  const value = nonEmpty(env.ITBOT_ATTACHMENT_MAX_BYTES);
  if (value === undefined) return DEFAULT_ATTACHMENT_MAX_BYTES;
  const match = /^(\d+)\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(value.trim());
  const unit = match?.[2]?.toLowerCase().charAt(0);
  const bytes = match?.[1] ? Number(match[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > ATTACHMENT_MAX_BYTES_CEILING)
    throw new ConfigError(
      `ITBOT_ATTACHMENT_MAX_BYTES must be a size from 1 byte to 7 MiB, e.g. 5242880 or 5MiB (got "${value}").`,
    );
  return bytes;
}

/** ITBOT_SLA_AT_RISK on its own: the ticket server reads it for searches that do not say. */
export function slaAtRiskMinutes(env: Env = process.env): number {
  return parseMinutes('ITBOT_SLA_AT_RISK', nonEmpty(env.ITBOT_SLA_AT_RISK), DEFAULT_SLA_AT_RISK_MINUTES);
}

function parseEmbedder(value: string | undefined): ItbotConfig['embedder'] {
  if (value === undefined || value === 'hashed') return 'hashed';
  if (value === 'gemini') return 'gemini';
  throw new ConfigError(`ITBOT_EMBEDDER must be "hashed" or "gemini" (got "${value}").`);
}

function parseBackgroundServer(value: string | undefined, ci: string | undefined): boolean {
  if (value === undefined || value === 'auto') return !ci || ci === 'false' || ci === '0';
  if (['on', '1', 'true', 'yes'].includes(value)) return true;
  if (['off', '0', 'false', 'no'].includes(value)) return false;
  throw new ConfigError(`ITBOT_BACKGROUND_SERVER must be auto, on or off (got "${value}").`);
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function defaultDataDir(): string {
  return envPaths('itbot', { suffix: '' }).data;
}

export function resolveConfig(env: Env = process.env): ItbotConfig {
  const dataDir = nonEmpty(env.ITBOT_DATA_DIR);
  const databaseUrl = parseUrl('DATABASE_URL', nonEmpty(env.DATABASE_URL), ['postgres:', 'postgresql:']);
  const databaseReadUrl = parseUrl('DATABASE_READ_URL', nonEmpty(env.DATABASE_READ_URL), ['postgres:', 'postgresql:']);
  if (databaseReadUrl && !databaseUrl) {
    throw new ConfigError(
      'DATABASE_READ_URL is set without DATABASE_URL: a read replica needs its primary.',
      'Set DATABASE_URL to the primary (through its pgbouncer), or unset DATABASE_READ_URL.',
    );
  }
  return {
    databaseUrl,
    databaseReadUrl,
    dataDir: dataDir ? path.resolve(dataDir) : defaultDataDir(),
    redisUrl: parseUrl('REDIS_URL', nonEmpty(env.REDIS_URL), ['redis:', 'rediss:']),
    geminiApiKey:
      nonEmpty(env.GEMINI_API_KEY) ?? nonEmpty(env.GOOGLE_API_KEY) ?? nonEmpty(env.GOOGLE_GENERATIVE_AI_API_KEY),
    model: nonEmpty(env.ITBOT_MODEL) ?? DEFAULT_MODEL,
    embedModel: nonEmpty(env.ITBOT_EMBED_MODEL) ?? DEFAULT_EMBED_MODEL,
    serverUrl: parseUrl('ITBOT_SERVER_URL', nonEmpty(env.ITBOT_SERVER_URL), ['http:', 'https:']),
    serverToken: nonEmpty(env.ITBOT_SERVER_TOKEN),
    backgroundServer: parseBackgroundServer(nonEmpty(env.ITBOT_BACKGROUND_SERVER), nonEmpty(env.CI)),
    serverIdleSeconds:
      parseCount('ITBOT_SERVER_IDLE_SECONDS', nonEmpty(env.ITBOT_SERVER_IDLE_SECONDS), 1800, 'seconds') || 1,
    storeLockWaitMs: parseCount('ITBOT_LOCK_WAIT_MS', nonEmpty(env.ITBOT_LOCK_WAIT_MS), 15_000, 'milliseconds'),
    databasePoolMax: parseCount('ITBOT_DB_POOL_MAX', nonEmpty(env.ITBOT_DB_POOL_MAX), 10, 'connections') || 1,
    user: nonEmpty(env.ITBOT_USER) ?? currentUser(),
    embedder: parseEmbedder(nonEmpty(env.ITBOT_EMBEDDER)),
    geminiRequestsPerMinute: parseCount('ITBOT_GEMINI_RPM', nonEmpty(env.ITBOT_GEMINI_RPM), 300, 'requests') || 1,
    geminiTokensPerMinute: parseCount('ITBOT_GEMINI_TPM', nonEmpty(env.ITBOT_GEMINI_TPM), 1_000_000, 'tokens') || 1,
    embedConcurrency: parseCount('ITBOT_EMBED_CONCURRENCY', nonEmpty(env.ITBOT_EMBED_CONCURRENCY), 2, 'batches') || 1,
    slaAtRiskMinutes: slaAtRiskMinutes(env),
    slaPollSeconds: parseCount('ITBOT_SLA_POLL_SECONDS', nonEmpty(env.ITBOT_SLA_POLL_SECONDS), 60, 'seconds') || 1,
  };
}

/** A URL safe to print: the password replaced, in user:pw@ and in ?password= (and tokens, keys). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return maskSecrets(parsed.toString());
  } catch {
    return '(unparseable URL)';
  }
}
