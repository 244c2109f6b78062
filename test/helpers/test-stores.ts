import pg from 'pg';
import { expect } from 'vitest';
import { openEmbeddedStore } from '../../src/store/index.js';
import { makeSeededDataDir } from './data-dir.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './postgres.js';
import { runItbot } from './run-itbot.js';

/**
 * Where an end-to-end test's itbot keeps its data: a copy of the prepared embedded store, or a
 * scratch database on the PostgreSQL server (migrated and seeded like a fresh team install), so
 * one test body runs on both.
 */
export interface TestStore {
  /** What itbot needs to find it: ITBOT_DATA_DIR or DATABASE_URL. */
  env(): Record<string, string>;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** Runs SQL on it directly (no ticket server may hold the embedded store meanwhile). */
  query(sql: string, params?: unknown[]): Promise<void>;
}

export function embeddedTestStore(): TestStore {
  let dataDir: { dir: string; cleanup: () => void } | undefined;
  return {
    env: () => ({ ITBOT_DATA_DIR: dataDir?.dir as string }),
    async setUp() {
      dataDir = makeSeededDataDir();
    },
    async tearDown() {
      dataDir?.cleanup();
    },
    async query(sql, params = []) {
      const store = await openEmbeddedStore({ dataDir: dataDir?.dir as string, lockWaitMs: 10_000, purpose: 'test' });
      try {
        await store.query(sql, params);
      } finally {
        await store.close();
      }
    },
  };
}

export function postgresTestStore(): TestStore {
  let database: TestDatabase | undefined;
  return {
    env: () => ({ DATABASE_URL: database?.url as string }),
    async setUp() {
      database = await createTestDatabase(postgresUrl() as string);
      const env = { DATABASE_URL: database.url };
      const migrated = await runItbot(['migrate'], { env, timeoutMs: 60_000 });
      expect(migrated.code, migrated.stderr).toBe(0);
      const seeded = await runItbot(['seed'], { env, timeoutMs: 60_000 });
      expect(seeded.code, seeded.stderr).toBe(0);
    },
    async tearDown() {
      await database?.drop();
    },
    async query(sql, params = []) {
      const client = new pg.Client({ connectionString: database?.url });
      await client.connect();
      try {
        await client.query(sql, params);
      } finally {
        await client.end();
      }
    },
  };
}

/** [name, store, available]: the embedded store always; PostgreSQL when ITBOT_TEST_POSTGRES_URL is set. */
export function testStores(): [string, () => TestStore, boolean][] {
  return [
    ['the embedded store', embeddedTestStore, true],
    ['PostgreSQL', postgresTestStore, Boolean(postgresUrl())],
  ];
}
