import pg from 'pg';
import pgvector from 'pgvector';
import { redactUrl } from '../config/index.js';
import { errorMessage, StoreError } from '../errors.js';
import type { Queryable, QueryResult, Store } from './types.js';

export interface ServerStoreOptions {
  databaseUrl: string;
  /** PGlite's socket server multiplexes one session, so tests against it use a pool of one. */
  poolMax?: number;
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

export async function openServerStore(options: ServerStoreOptions): Promise<Store> {
  let vectorOid: number | undefined;
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types: typesWithVector(() => vectorOid),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});

  try {
    vectorOid = await lookUpVectorOid(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw connectionError(options.databaseUrl, error);
  }

  const base = clientQueryable(pool);
  return {
    kind: 'server',
    location: redactUrl(options.databaseUrl),
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      const client = await pool.connect();
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
    }),
    close: () => pool.end(),
  };
}
