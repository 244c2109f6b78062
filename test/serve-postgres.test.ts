import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientFetch } from '../src/mcp/http-connection.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';
import { runItbot } from './helpers/run-itbot.js';
import { type ServeProcess, startServe } from './helpers/serve-process.js';

// Two `itbot serve` replicas on one real PostgreSQL 15 database, written to at once through both:
// nothing in the server may assume it is alone (ticket numbers, idempotency keys, versions).
const TOKEN = 'replica-token-0123456789abcdef';

function startReplica(databaseUrl: string): Promise<ServeProcess> {
  return startServe({ DATABASE_URL: databaseUrl, ITBOT_SERVER_TOKENS: TOKEN, ITBOT_USER: 'maria.lopez' });
}

// Waits out 503 "busy" as itbot's own client does: the test sends more calls at once than a
// replica runs (--max-calls), and a refused call has not run, so sending it again is safe.
async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'replica-test', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
      fetch: patientFetch(),
    }),
  );
  return client;
}

describe.skipIf(!postgresUrl())('two itbot serve replicas on one PostgreSQL database', () => {
  let database: TestDatabase;
  const replicas: ServeProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl() as string);
    const migrate = await runItbot(['migrate'], { env: { DATABASE_URL: database.url } });
    expect(migrate.code, migrate.stderr).toBe(0);
    expect((await runItbot(['seed'], { env: { DATABASE_URL: database.url } })).code).toBe(0);
    replicas.push(await startReplica(database.url), await startReplica(database.url));
  }, 90_000);
  afterAll(async () => {
    for (const { child } of replicas) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
    await database?.drop();
  });

  it('round-robined concurrent creates: unique numbers, one ticket per idempotency key, none lost', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, (_, i) => connect(replicas[i % 2]?.url ?? '')));
    try {
      // 8 writers × 6 tickets; every key is sent twice, once through each replica.
      const calls = clients.flatMap((client, writer) =>
        Array.from({ length: 6 }, (_, n) => {
          const key = `replica-test-${writer}-${n}`;
          const args = { title: `replica write ${writer}-${n}`, idempotency_key: key };
          const other = clients[(writer + 1) % clients.length] as Client;
          return [
            client.callTool({ name: 'create_ticket', arguments: args }),
            other.callTool({ name: 'create_ticket', arguments: args }),
          ];
        }),
      );
      const results = await Promise.all(calls.flat());
      expect(results.filter((r) => r.isError)).toHaveLength(0);
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      try {
        const { rows } = await db.query<{ count: string; numbers: string }>(
          `SELECT count(*) AS count, count(DISTINCT number) AS numbers FROM tickets WHERE title LIKE 'replica write %'`,
        );
        expect(rows[0]).toEqual({ count: '48', numbers: '48' });
      } finally {
        await db.end();
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  }, 120_000);

  it('two stale writers through different replicas: exactly one update wins', async () => {
    const [a, b] = await Promise.all([connect(replicas[0]?.url ?? ''), connect(replicas[1]?.url ?? '')]);
    try {
      const created = await a.callTool({ name: 'create_ticket', arguments: { title: 'contended ticket' } });
      const ticket = (created.structuredContent as { ticket: { number: string; version: number } }).ticket;
      const update = (client: Client, title: string) =>
        client.callTool({
          name: 'update_ticket',
          arguments: { ticket: ticket.number, expected_version: ticket.version, title },
        });
      const outcomes = await Promise.all([update(a, 'first writer'), update(b, 'second writer')]);
      expect(outcomes.filter((o) => o.isError)).toHaveLength(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);

  it('both replicas are ready and report their pool in /metrics', async () => {
    for (const { url } of replicas) {
      const base = url.replace(/\/mcp$/, '');
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      expect(metrics).toMatch(/itbot_store_connections\{state="idle"\} \d+/);
      // What the pool and memory alerts divide by.
      expect(metrics).toMatch(/^itbot_store_pool_max 10$/m);
      expect(metrics).toMatch(/^itbot_memory_limit_bytes [1-9]\d+$/m);
    }
  });
});
