import pg from 'pg';
import pgvector from 'pgvector/pg';
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

export async function openServerStore(options: ServerStoreOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    // Before `itbot migrate` creates the extension there is no vector type to register; vectors
    // are only ever written as text, so carrying on without the parser is harmless.
    pgvector.registerTypes(client).catch(() => {});
  });

  try {
    const client = await pool.connect();
    client.release();
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
      try {
        await client.query('BEGIN');
        const result = await fn(clientQueryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
