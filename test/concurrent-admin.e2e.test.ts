import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledMigrations, openEmbeddedStore } from '../src/store/index.js';
import { bundledArticleCount, makeSeededDataDir, makeTempDir } from './helpers/data-dir.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';
import { type ItbotRun, runItbot } from './helpers/run-itbot.js';

// Two `itbot migrate` at once and two `itbot reindex` at once, on PostgreSQL and on the embedded
// store: each finishes with a clear outcome — it did the work, found it done, or says another run
// holds the store (exit 4, "busy") — never an internal error, and the store is consistent after.

const BOUND_MS = 150_000;

/** Both runs ended; at least one did the work; a refusal is a documented "busy" (exit 4) with a reason. */
function expectClearOutcomes(runs: ItbotRun[]): void {
  const outcome = (run: ItbotRun) => `exit ${run.code}: ${(run.stdout + run.stderr).trim().split('\n').at(-1)}`;
  process.stderr.write(`concurrent-admin: ${runs.map(outcome).join(' | ')}\n`);
  for (const run of runs) {
    expect([0, 4], `exit ${run.code}\n${run.stderr}`).toContain(run.code);
    expect(run.stderr).not.toMatch(/internal error|this is a bug|\n\s+at .+:\d+:\d+/i);
    if (run.code === 4) expect(run.stderr).toMatch(/another reindex|in use by another itbot|busy/i);
  }
  expect(runs.some((run) => run.code === 0)).toBe(true);
}

const twice = (args: string[], env: Record<string, string>) =>
  Promise.all([runItbot(args, { env, timeoutMs: BOUND_MS }), runItbot(args, { env, timeoutMs: BOUND_MS })]);

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('embedded store', () => {
  it(
    'two migrate at once on a new data dir: both end clearly, every migration applied once',
    async () => {
      const { dir, cleanup } = makeTempDir();
      cleanups.push(cleanup);
      const env = { ITBOT_DATA_DIR: dir };
      const runs = await twice(['migrate'], env);
      expectClearOutcomes(runs);
      const status = await runItbot(['migrate', '--status', '--json'], { env, timeoutMs: BOUND_MS });
      const parsed = JSON.parse(status.stdout) as { applied: { version: number }[]; pending: unknown[] };
      expect(parsed.pending).toEqual([]);
      expect(parsed.applied.map((m) => m.version)).toEqual(bundledMigrations().map((m) => m.version));
    },
    3 * BOUND_MS,
  );

  it(
    'two reindex --rebuild at once: both end clearly, the index holds every article once',
    async () => {
      const { dir, cleanup } = makeSeededDataDir();
      cleanups.push(cleanup);
      const env = { ITBOT_DATA_DIR: dir };
      expectClearOutcomes(await twice(['reindex', '--rebuild'], env));
      const store = await openEmbeddedStore({ dataDir: dir, lockWaitMs: 30_000, purpose: 'test' });
      try {
        const { rows } = await store.query<{ n: number }>(
          "SELECT count(DISTINCT path)::int AS n FROM kb_documents WHERE source = 'bundled'",
        );
        const { rows: all } = await store.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM kb_documents WHERE source = 'bundled'",
        );
        expect([rows[0]?.n, all[0]?.n]).toEqual([bundledArticleCount(), bundledArticleCount()]);
      } finally {
        await store.close();
      }
    },
    3 * BOUND_MS,
  );
});

const adminUrl = postgresUrl();
describe.skipIf(!adminUrl)('PostgreSQL', () => {
  let db: TestDatabase;
  const count = async (sql: string) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<{ n: number }>(sql)).rows[0]?.n;
    } finally {
      await client.end();
    }
  };

  it(
    'two migrate at once on an empty database: both exit 0, every migration applied once',
    async () => {
      db = await createTestDatabase(adminUrl as string);
      cleanups.push(() => db.drop());
      const runs = await twice(['migrate'], { DATABASE_URL: db.url });
      expectClearOutcomes(runs);
      expect(runs.map((run) => run.code)).toEqual([0, 0]);
      const applied = runs.flatMap((run) => run.stdout.match(/^applied \S+/gm) ?? []);
      // Between them they applied each file once (one may have found the rest done by the other).
      expect(applied.sort()).toEqual(
        bundledMigrations()
          .map((m) => `applied ${m.file}`)
          .sort(),
      );
      expect(await count('SELECT count(*)::int AS n FROM schema_migrations')).toBe(bundledMigrations().length);
    },
    3 * BOUND_MS,
  );

  it(
    'two reindex at once: one builds, the other builds after it or says another reindex is running',
    async () => {
      const env = { DATABASE_URL: db.url };
      expectClearOutcomes(await twice(['reindex', '--rebuild'], env));
      expect(await count("SELECT count(*)::int AS n FROM kb_documents WHERE source = 'bundled'")).toBe(
        bundledArticleCount(),
      );
      // The lease was given back: the next run is not refused.
      const next = await runItbot(['reindex'], { env, timeoutMs: BOUND_MS });
      expect(next.code, next.stderr).toBe(0);
    },
    3 * BOUND_MS,
  );
});
