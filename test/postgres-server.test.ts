import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledArticleCount } from './helpers/data-dir.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';
import { runItbot } from './helpers/run-itbot.js';

// Debian's PostgreSQL has no pgvector: itbot must still run tickets, fall back to full-text
// knowledge search, and say so in `itbot doctor`.
describe.skipIf(!postgresUrl())('itbot on a PostgreSQL server without pgvector', () => {
  let database: TestDatabase;
  const env = () => ({ DATABASE_URL: database.url, ITBOT_USER: 'maria.lopez' });
  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl() as string);
  });
  afterAll(async () => database?.drop());

  it('migrates, seeds and indexes the knowledge base for full-text search', async () => {
    expect((await runItbot(['migrate'], { env: env() })).code).toBe(0);
    expect((await runItbot(['seed'], { env: env() })).stdout).toMatch(/Seeded 8 groups, 60 users and 36 categories/);
    const reindex = await runItbot(['reindex', '--json'], { env: env() });
    expect(JSON.parse(reindex.stdout)).toMatchObject({ embedder: 'full-text-only', added: bundledArticleCount() });
  });

  it('rebuilds the index one build at a time, taking over the lease of a build that died', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`INSERT INTO kb_index_build (owner) VALUES ('other-host pid 42 abc')`);
      const refused = await runItbot(['reindex', '--rebuild'], { env: env() });
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain('Another reindex is updating the knowledge index (other-host pid 42 abc');
      // Not renewed for over two minutes: that build died, and the next one takes over.
      await client.query(`UPDATE kb_index_build SET renewed_at = now() - interval '3 minutes'`);
      const rebuilt = await runItbot(['reindex', '--rebuild', '--json'], { env: env() });
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      expect(JSON.parse(rebuilt.stdout)).toMatchObject({ sideBuild: true, added: bundledArticleCount() });
      expect((await client.query('SELECT count(*)::int AS n FROM kb_index_build')).rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('answers with a cited article from full-text search', async () => {
    const ask = await runItbot(['ask', '--json', 'my print job is stuck in the queue'], { env: env() });
    expect(ask.code).toBe(0);
    expect(JSON.parse(ask.stdout).citations[0].path).toBe('kb/printing/print-job-stuck-in-queue.md');
  });

  it('runs tickets end to end through the agent and the admin commands', async () => {
    const created = await runItbot(['ask', '--yes', '--json', 'open a ticket: VPN drops every ten minutes'], {
      env: env(),
    });
    const number = /IT-\d{6}/.exec(JSON.parse(created.stdout).answer)?.[0] as string;
    expect(number).toBeDefined();
    expect((await runItbot(['ask', '--yes', `assign ${number} to aisha`], { env: env() })).stdout).toMatch(
      `${number} is now with aisha.khan`,
    );
    expect(
      (await runItbot(['tickets', 'close', number, '--code', 'fixed', '--notes', 'MTU'], { env: env() })).stdout,
    ).toMatch(`Closed ${number} (fixed)`);
    const show = await runItbot(['tickets', 'show', number, '--json'], { env: env() });
    expect(JSON.parse(show.stdout).events.map((e: { kind: string }) => e.kind)).toEqual([
      'created',
      'assignment',
      'status',
      'status',
    ]);
  });

  it('explains in doctor that vector search is missing', async () => {
    const doctor = await runItbot(['doctor'], { env: env() });
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(
      /! vector search: pgvector is not installed on this PostgreSQL server, so knowledge search uses full text only/,
    );
    expect(doctor.stdout).toMatch(/✓ MCP server: 25 tools/);
  });
});
