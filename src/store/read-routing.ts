import type { Queryable, QueryResult } from './types.js';

/**
 * Why a lag-tolerant read ran on the primary instead of the replica:
 * - recovery_conflict: the replica cancelled it to apply WAL (SQLSTATE 40001 "conflict with
 *   recovery", or 57P04 when the database was dropped on the primary);
 * - replica_unreachable: the replica (or its pooler) refused, dropped or timed out the connection,
 *   or did not answer within the replica pool's query timeout;
 * - replica_down: skipped without trying, because the replica was unreachable moments ago.
 */
export type ReadFallbackReason = 'recovery_conflict' | 'replica_unreachable' | 'replica_down';

export const READ_FALLBACK_REASONS: readonly ReadFallbackReason[] = [
  'recovery_conflict',
  'replica_unreachable',
  'replica_down',
];

/** After the replica fails to answer, reads go straight to the primary for this long. */
export const REPLICA_RETRY_AFTER_MS = 5_000;

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  '57P01', // admin_shutdown: the replica (or pgbouncer) is shutting down
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, or a standby not yet accepting connections
  '53300', // too_many_connections
]);

const UNREACHABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /server login has been failing/i, // pgbouncer, when it cannot log in to the server behind it
  /server conn crashed/i, // pgbouncer, when the server behind it went away mid-query
  /no more connections allowed/i,
  /pgbouncer cannot connect to server/i,
  /query_wait_timeout/i,
  /query read timeout/i, // pg's own query_timeout on the replica pool
];

/** Whether an error from the replica means "ask the primary instead", and why; undefined: a real error. */
export function classifyReplicaFailure(error: unknown): Exclude<ReadFallbackReason, 'replica_down'> | undefined {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (code === '57P04') return 'recovery_conflict';
  if (code === '40001' && /conflict with recovery/i.test(text)) return 'recovery_conflict';
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return 'replica_unreachable';
  if (UNREACHABLE_MESSAGES.some((pattern) => pattern.test(text))) return 'replica_unreachable';
  return undefined;
}

export interface ReadRouterOptions {
  primary: Queryable;
  replica: Queryable;
  /** Told about each read the replica failed (not the ones skipped while it is marked down). */
  onFallback?: (reason: ReadFallbackReason, error: unknown) => void;
  now?: () => number;
}

export interface ReadRouter extends Queryable {
  /** Reads that went to the primary instead, by reason, since the store opened. */
  fallbacks(): Record<ReadFallbackReason, number>;
  /** Whether the replica is being skipped after a recent failure. */
  replicaMarkedDown(): boolean;
}

/**
 * Lag-tolerant reads on the replica, retried on the primary when the replica cancels them or
 * cannot be reached; after an unreachable replica, reads skip it for REPLICA_RETRY_AFTER_MS so a
 * dead replica costs one failed connection per interval, not one per request.
 */
export function createReadRouter(options: ReadRouterOptions): ReadRouter {
  const now = options.now ?? Date.now;
  const counts: Record<ReadFallbackReason, number> = { recovery_conflict: 0, replica_unreachable: 0, replica_down: 0 };
  let downUntil = 0;

  async function routed<T>(onReplica: () => Promise<T>, onPrimary: () => Promise<T>): Promise<T> {
    if (now() < downUntil) {
      counts.replica_down += 1;
      return onPrimary();
    }
    try {
      return await onReplica();
    } catch (error) {
      const reason = classifyReplicaFailure(error);
      if (!reason) throw error;
      if (reason === 'replica_unreachable') downUntil = now() + REPLICA_RETRY_AFTER_MS;
      counts[reason] += 1;
      options.onFallback?.(reason, error);
      return onPrimary();
    }
  }

  return {
    query<Row>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
      return routed(
        () => options.replica.query<Row>(sql, params),
        () => options.primary.query<Row>(sql, params),
      );
    },
    exec(sql: string): Promise<void> {
      return routed(
        () => options.replica.exec(sql),
        () => options.primary.exec(sql),
      );
    },
    fallbacks: () => ({ ...counts }),
    replicaMarkedDown: () => now() < downUntil,
  };
}
