import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import pgvector from 'pgvector';
import { redactUrl } from '../config/index.js';
import { errorMessage, StoreError } from '../errors.js';
import { createReadRouter, type ReadFallbackReason } from './read-routing.js';
import type { Queryable, QueryResult, ReplicaStatus, Store } from './types.js';

export interface ServerStoreOptions {
  databaseUrl: string;
  /** A streaming replica for reads that tolerate lag (DATABASE_READ_URL). */
  readUrl?: string;
  /** PGlite's socket server multiplexes one session, so tests against it use a pool of one. */
  poolMax?: number;
  /** Told when a lag-tolerant read failed on the replica and ran on the primary instead. */
  onReadFallback?: (reason: ReadFallbackReason, error: unknown) => void;
}

function clientQueryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
      const result = await client.query(sql, params);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

/**
 * A refused connection never carried a statement, so it is always safe to try again: pgbouncer or
 * PostgreSQL restarting (a deploy, a failover) costs its clients a pause, not an error. Anything
 * that failed after connecting is not retried here: the statement may have run.
 */
const REFUSED_RETRY_MS = 5_000;

async function retryingRefused<T>(operation: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + REFUSED_RETRY_MS;
  for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 1_000)) {
    try {
      return await operation();
    } catch (error) {
      const refused = (error as { code?: string }).code === 'ECONNREFUSED';
      if (!refused || Date.now() + delayMs > deadline) throw error;
      await sleep(delayMs);
    }
  }
}

/** The pool as a Queryable, each statement on a connection of its own, refused connects retried. */
function poolQueryable(pool: pg.Pool): Queryable {
  const direct = clientQueryable(pool);
  return {
    query: (sql, params) => retryingRefused(() => direct.query(sql, params)),
    exec: (sql) => retryingRefused(() => direct.exec(sql)),
  };
}

function connectionError(databaseUrl: string, error: unknown): StoreError {
  return new StoreError(
    `Cannot connect to PostgreSQL at ${redactUrl(databaseUrl)}: ${errorMessage(error)}`,
    'Check that the server is running and DATABASE_URL is right, or unset DATABASE_URL to use the embedded store.',
    { cause: error },
  );
}

/**
 * pg type parsers with pgvector's `vector` parser added. pgvector/pg's registerTypes would query
 * the type on every new connection, racing the connection's first query; the oid is instead
 * looked up once, when the pool opens (before migrations there is none: vectors are only ever
 * written as text, so nothing needs parsing then).
 */
function typesWithVector(vectorOid: () => number | undefined): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === vectorOid() && format !== 'binary'
        ? (value: string) => pgvector.fromSql(value)
        : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
  };
}

async function lookUpVectorOid(pool: pg.Pool): Promise<number | undefined> {
  const { rows } = await pool.query<{ oid: number }>("SELECT oid::int AS oid FROM pg_type WHERE typname = 'vector'");
  return rows[0]?.oid;
}

/**
 * A pool that works through pgbouncer in transaction mode: pg sends only user, database and
 * application_name at startup (pgbouncer 1.18 refuses others such as statement_timeout unless
 * listed in ignore_startup_parameters), and itbot's queries use unnamed statements, transaction
 * settings (SET LOCAL, set_config(…, true)) and transaction-level advisory locks only.
 */
function openPool(
  url: string,
  max: number,
  timeouts: { connectMs: number; queryMs?: number },
  vectorOid: () => number | undefined,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: timeouts.connectMs,
    // A client-side limit (pg then drops the connection): pgbouncer holds a query on a pooled
    // connection whose server died for query_wait_timeout (120 s by default) instead of failing it.
    ...(timeouts.queryMs ? { query_timeout: timeouts.queryMs } : {}),
    idleTimeoutMillis: 30_000,
    types: typesWithVector(vectorOid),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/**
 * How long a lag-tolerant read may take on the replica before it is asked of the primary: well
 * above a knowledge search's time (its alert fires at 0.5 s), well below a client's patience.
 */
const REPLICA_QUERY_TIMEOUT_MS = 4_000;

/** How long the replica gets to answer a health probe before /readyz calls it down. */
const REPLICA_PROBE_MS = 2_000;

async function probeReplica(replica: pg.Pool): Promise<{ secondsSinceReplay: number | null }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const { rows } = await Promise.race([
      replica.query<{ seconds: number | null }>(
        'SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS seconds',
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REPLICA_PROBE_MS / 1000} s`)), REPLICA_PROBE_MS);
      }),
    ]);
    return { secondsSinceReplay: rows[0]?.seconds ?? null };
  } finally {
    clearTimeout(timer);
  }
}

export async function openServerStore(options: ServerStoreOptions): Promise<Store> {
  let vectorOid: number | undefined;
  const poolMax = options.poolMax ?? 10;
  const pool = openPool(options.databaseUrl, poolMax, { connectMs: 10_000 }, () => vectorOid);

  try {
    vectorOid = await lookUpVectorOid(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw connectionError(options.databaseUrl, error);
  }

  const base = poolQueryable(pool);
  // The replica is not opened eagerly: a replica that is down must not stop the server starting.
  // Short timeouts, since a replica that fails a read delays it until the primary answers it.
  const replicaPool = options.readUrl
    ? openPool(options.readUrl, poolMax, { connectMs: 3_000, queryMs: REPLICA_QUERY_TIMEOUT_MS }, () => vectorOid)
    : undefined;
  const router = replicaPool
    ? createReadRouter({ primary: base, replica: clientQueryable(replicaPool), onFallback: options.onReadFallback })
    : undefined;
  const replicaLocation = options.readUrl ? redactUrl(options.readUrl) : '';
  return {
    kind: 'server',
    location: redactUrl(options.databaseUrl),
    query: base.query,
    exec: base.exec,
    lagTolerant: router,
    replicaStatus:
      replicaPool && router
        ? async (): Promise<ReplicaStatus> => {
            try {
              const { secondsSinceReplay } = await probeReplica(replicaPool);
              return { state: 'up', location: replicaLocation, secondsSinceReplay, fallbacks: router.fallbacks() };
            } catch (error) {
              return {
                state: 'down',
                location: replicaLocation,
                reason: errorMessage(error),
                fallbacks: router.fallbacks(),
              };
            }
          }
        : undefined,
    readFallbacks: router ? () => router.fallbacks() : undefined,
    async transaction(fn) {
      const client = await retryingRefused(() => pool.connect());
      // The pool listens for errors only on idle clients: a connection dropped between this
      // transaction's statements (a terminated backend) would otherwise be an uncaught exception
      // that ends the process. The next statement fails instead, and the client is discarded.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(clientQueryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (!lost) await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.removeListener('error', onError);
        client.release(lost);
      }
    },
    poolStats: () => ({
      inUse: pool.totalCount - pool.idleCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max,
    }),
    close: async () => {
      await Promise.all([pool.end(), replicaPool?.end()]);
    },
  };
}
