import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledMigrations, openServerStore } from '../src/store/index.js';
import { BARE_TEMPLATE_DIR, makeTempDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';

// The DATABASE_URL path for real: `pg` + `pgvector` speaking the PostgreSQL wire protocol to a
// PGlite socket server on loopback. It serves one connection at a time, so every itbot process
// uses a pool of one here; multi-connection behaviour is tested against a real PostgreSQL server.
let db: PGlite;
let server: PGLiteSocketServer;
let databaseUrl: string;
let cleanup: () => void;

beforeAll(async () => {
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  fs.cpSync(BARE_TEMPLATE_DIR, path.join(temp.dir, 'pgdata'), { recursive: true });
  db = await PGlite.create({ dataDir: path.join(temp.dir, 'pgdata'), extensions: { vector } });
  server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  databaseUrl = `postgres://postgres@${server.getServerConn()}/postgres`;
});

afterAll(async () => {
  await server.stop();
  await db.close();
  cleanup();
});

const env = () => ({ DATABASE_URL: databaseUrl, ITBOT_DB_POOL_MAX: '1' });

describe('itbot on PostgreSQL over the wire (DATABASE_URL)', () => {
  it('refuses to answer from an unmigrated database and says how to fix it', async () => {
    const run = await runItbot(['ask', 'vpn help'], { env: env() });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/pending migration.*Run `itbot migrate`/s);
  });

  it('migrates, reports status, and is idempotent', async () => {
    const first = await runItbot(['migrate'], { env: env() });
    expect(first.code).toBe(0);
    // Every bundled migration, in order (the list grows with the schema).
    const migrations = bundledMigrations();
    expect(migrations.length).toBeGreaterThanOrEqual(10);
    expect(first.stdout).toContain(migrations.map((m) => `applied ${m.file}`).join('\n'));
    const status = await runItbot(['migrate', '--status', '--json'], { env: env() });
    expect(JSON.parse(status.stdout)).toMatchObject({
      pending: [],
      applied: migrations.map(({ version }) => ({ version })),
    });
    expect((await runItbot(['migrate'], { env: env() })).stdout).toMatch(/Already up to date/);
  });

  it('indexes the bundled knowledge base and answers with a citation', async () => {
    const reindex = await runItbot(['reindex', '--json'], { env: env(), timeoutMs: 120_000 });
    expect(reindex.code, reindex.stderr).toBe(0);
    expect(JSON.parse(reindex.stdout)).toMatchObject({ source: 'bundled', removed: 0 });
    const ask = await runItbot(['ask', '--json', 'print job stuck in the queue'], { env: env() });
    expect(ask.code).toBe(0);
    expect(JSON.parse(ask.stdout).citations[0].path).toBe('kb/printing/print-job-stuck-in-queue.md');
  });

  it('opens a ticket with --yes and it is really in the database', async () => {
    const ask = await runItbot(['ask', '--yes', 'open a ticket: wire protocol test ticket'], { env: env() });
    expect(ask.code).toBe(0);
    const number = /IT-\d{6}/.exec(ask.stdout)?.[0];
    const { rows } = await db.query<{ title: string; requester: string }>(
      'SELECT title, requester FROM tickets WHERE number = $1',
      [number],
    );
    expect(rows).toEqual([{ title: 'Wire protocol test ticket', requester: 'test.user' }]);
  });

  it('registers pgvector types on pg connections and rolls transactions back on error', async () => {
    const store = await openServerStore({ databaseUrl, poolMax: 1 });
    try {
      const { rows } = await store.query<{ v: number[] }>("SELECT '[1,2,3]'::vector AS v");
      expect(rows[0]?.v).toEqual([1, 2, 3]);
      await expect(
        store.transaction(async (tx) => {
          await tx.query("INSERT INTO tickets (title, requester, priority) VALUES ('rolled back', 'x', 'P3')");
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const count = await store.query("SELECT count(*)::int AS n FROM tickets WHERE title = 'rolled back'");
      expect(count.rows[0]).toEqual({ n: 0 });
    } finally {
      await store.close();
    }
  });
});
