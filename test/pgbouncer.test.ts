import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientFetch } from '../src/mcp/http-connection.js';
import { pgbouncerAvailable, startTestPgbouncer, type TestPgbouncer } from './helpers/pgbouncer.js';
import { freeLoopbackPort } from './helpers/ports.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';
import { runItbot } from './helpers/run-itbot.js';
import { type ServeProcess, startServe } from './helpers/serve-process.js';

// itbot through Debian's pgbouncer 1.18 in transaction mode, three server connections shared by
// every client: any session state (a plain SET, a session advisory lock, LISTEN, a named prepared
// statement) or a startup parameter pgbouncer refuses would break here. Migrations run directly,
// as in production; the reindex, the seed and every tool call go through pgbouncer. The read
// replica (DATABASE_READ_URL) is played by a second pgbouncer database entry on the same
// database, so pgbouncer's own statistics show which reads went where.
const TOKEN = 'pgbouncer-token-0123456789abcdef';
const skip = !postgresUrl() || !pgbouncerAvailable().ok;

interface Stats {
  database: string;
  total_query_count: string;
}

async function queriesOn(adminUrl: string, database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // The admin console speaks the simple query protocol only: a query without parameters.
    const { rows } = await admin.query<Stats>('SHOW STATS');
    return Number(rows.find((row) => row.database === database)?.total_query_count ?? 0);
  } finally {
    await admin.end();
  }
}

/** pgbouncer adds up its statistics every stats_period (1 s here): waits for the count to settle. */
async function settledQueries(adminUrl: string, database: string): Promise<number> {
  let last = await queriesOn(adminUrl, database);
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 600));
    const now = await queriesOn(adminUrl, database);
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'pgbouncer-test', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
      fetch: patientFetch(),
    }),
  );
  return client;
}

type Ticket = { number: string; version: number; status: string; title: string };
const ticketOf = (result: unknown) => (result as { structuredContent: { ticket: Ticket } }).structuredContent.ticket;

describe.skipIf(skip)('itbot through pgbouncer 1.18 in transaction mode', () => {
  let database: TestDatabase;
  let bouncer: TestPgbouncer;
  let bouncedUrl: string;
  let readUrl: string;
  let readAlias: string;
  let primaryName: string;
  const servers: ServeProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl() as string);
    primaryName = new URL(database.url).pathname.slice(1);
    readAlias = `${primaryName}_read`;
    bouncer = await startTestPgbouncer({ serverUrl: database.url, aliases: { [readAlias]: primaryName } });
    bouncedUrl = bouncer.urlFor(database.url);
    readUrl = bouncer.urlFor(database.url, readAlias);
    const migrate = await runItbot(['migrate'], { env: { DATABASE_URL: database.url } });
    expect(migrate.code, migrate.stderr).toBe(0);
    const through = { DATABASE_URL: bouncedUrl };
    const reindex = await runItbot(['reindex'], { env: through, timeoutMs: 120_000 });
    expect(reindex.code, `${reindex.stdout}\n${reindex.stderr}\n${bouncer.log()}`).toBe(0);
    const seed = await runItbot(['seed'], { env: through, timeoutMs: 60_000 });
    expect(seed.code, seed.stderr).toBe(0);
    const env = { ...through, DATABASE_READ_URL: readUrl, ITBOT_SERVER_TOKENS: TOKEN, ITBOT_USER: 'maria.lopez' };
    servers.push(await startServe(env), await startServe(env));
  }, 180_000);

  afterAll(async () => {
    for (const { child, exit } of servers) {
      child.kill('SIGTERM');
      await exit;
    }
    await bouncer?.stop();
    await database?.drop();
  });

  it('concurrent creates through two servers: unique numbers, one ticket per idempotency key', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, (_, i) => connect(servers[i % 2]?.url ?? '')));
    try {
      const calls = clients.flatMap((client, writer) =>
        Array.from({ length: 5 }, (_, n) => {
          const args = { title: `bounced write ${writer}-${n}`, idempotency_key: `bounced-${writer}-${n}` };
          const other = clients[(writer + 1) % clients.length] as Client;
          return [
            client.callTool({ name: 'create_ticket', arguments: args }),
            other.callTool({ name: 'create_ticket', arguments: args }),
          ];
        }),
      );
      const results = await Promise.all(calls.flat());
      expect(results.filter((r) => r.isError).map((r) => JSON.stringify(r.content))).toEqual([]);
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      try {
        const { rows } = await db.query<{ count: string; numbers: string }>(
          `SELECT count(*) AS count, count(DISTINCT number) AS numbers FROM tickets WHERE title LIKE 'bounced write %'`,
        );
        expect(rows[0]).toEqual({ count: '30', numbers: '30' });
      } finally {
        await db.end();
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  }, 120_000);

  it('a ticket worked through one server reads back at once through the other, never from the replica', async () => {
    const [a, b] = await Promise.all([connect(servers[0]?.url ?? ''), connect(servers[1]?.url ?? '')]);
    try {
      const before = await settledQueries(bouncer.adminUrl, readAlias);
      const created = ticketOf(
        await a.callTool({ name: 'create_ticket', arguments: { title: 'VPN drops every hour through pgbouncer' } }),
      );
      const updated = await b.callTool({
        name: 'update_ticket',
        arguments: { ticket: created.number, expected_version: created.version, title: 'VPN drops hourly' },
      });
      expect(updated.isError, JSON.stringify(updated.content)).toBeFalsy();
      // The stale version is refused: optimistic concurrency holds through the pooler.
      const stale = await a.callTool({
        name: 'update_ticket',
        arguments: { ticket: created.number, expected_version: created.version, title: 'stale' },
      });
      expect(stale.isError).toBe(true);
      expect(
        (await a.callTool({ name: 'transition_ticket', arguments: { ticket: created.number, to: 'open' } })).isError,
      ).toBeFalsy();
      await b.callTool({
        name: 'add_internal_note',
        arguments: { ticket: created.number, text: 'checked the tunnel' },
      });
      const read = await a.callTool({ name: 'get_ticket', arguments: { ticket: created.number } });
      const content = read.structuredContent as { ticket: Ticket; events: { kind: string }[] };
      expect(content.ticket).toMatchObject({ title: 'VPN drops hourly', status: 'open' });
      expect(content.events.length).toBeGreaterThanOrEqual(3);
      const found = await b.callTool({ name: 'search_tickets', arguments: { text: 'VPN drops hourly' } });
      expect(JSON.stringify(found.structuredContent)).toContain(created.number);
      expect(await settledQueries(bouncer.adminUrl, readAlias)).toBe(before);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);

  it('knowledge search runs on full text (no pgvector) and goes to the read replica', async () => {
    const client = await connect(servers[0]?.url ?? '');
    try {
      const before = await settledQueries(bouncer.adminUrl, readAlias);
      const result = await client.callTool({
        name: 'search_knowledge',
        arguments: { query: 'how do I reset my password', limit: 3 },
      });
      const hits = (result.structuredContent as { results: { path: string }[] }).results;
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.map((hit) => hit.path).join(' ')).toMatch(/password/);
      expect(await settledQueries(bouncer.adminUrl, readAlias)).toBeGreaterThan(before);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('with the replica unreachable, search falls back to the primary, /readyz stays ready and says so', async () => {
    const deadPort = await freeLoopbackPort();
    const deadReplica = new URL(readUrl);
    deadReplica.port = String(deadPort);
    const server = await startServe({
      DATABASE_URL: bouncedUrl,
      DATABASE_READ_URL: deadReplica.toString(),
      ITBOT_SERVER_TOKENS: TOKEN,
    });
    const client = await connect(server.url);
    try {
      for (const query of ['printer is offline', 'wifi keeps disconnecting']) {
        const result = await client.callTool({ name: 'search_knowledge', arguments: { query } });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
        expect((result.structuredContent as { results: unknown[] }).results.length).toBeGreaterThan(0);
      }
      const base = server.url.replace(/\/mcp$/, '');
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { replica: { state: string; location: string } };
      expect(body.replica).toMatchObject({ state: 'down' });
      expect(body.replica.location).not.toContain(':itbot@'); // the password is redacted
      const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      expect(metrics).toMatch(/itbot_store_read_fallbacks_total\{reason="replica_unreachable"\} [1-9]/);
      // The second search skipped the replica it had just found down.
      expect(metrics).toMatch(/itbot_store_read_fallbacks_total\{reason="replica_down"\} [1-9]/);
    } finally {
      await client.close();
      server.child.kill('SIGTERM');
      await server.exit;
    }
  }, 60_000);

  it('the pooler is strict: a client sending statement_timeout at startup is refused (itbot sends none)', async () => {
    const client = new pg.Client({ connectionString: bouncedUrl, statement_timeout: 5_000 });
    await expect(client.connect()).rejects.toThrow(/unsupported startup parameter/i);
    await client.end().catch(() => {});
  });

  it('the read replica shows in /readyz while it answers', async () => {
    const base = servers[0]?.url.replace(/\/mcp$/, '') ?? '';
    const body = (await (await fetch(`${base}/readyz`)).json()) as { status: string; replica: { state: string } };
    expect(body).toMatchObject({ status: 'ready', replica: { state: 'up' } });
  });
});
