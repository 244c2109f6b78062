/**
 * Figure 3: throughput of create_ticket and search_knowledge through /mcp with 1 and 2
 * `itbot serve` processes on one PostgreSQL database. This process is the load generator: N
 * workers, each calling one at a time for a fixed time, round-robining across the servers call
 * by call. Afterwards the created tickets are counted in the database: none lost, none twice.
 *
 *   npx tsx bench/scaling-throughput.ts [--seconds 20] [--port 18441]
 *     [--admin-url postgres://itbot:itbot@127.0.0.1:5432/postgres]
 *
 * It creates a scratch database (itbot_bench_<time>), runs `itbot migrate`, `itbot seed` and
 * `itbot reindex` on it, and drops it at the end (--keep-db keeps it). The servers get
 * --rate 1000000 (the default per-token limit, 1,200 requests a minute, would pace the generator).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';
import { arg, conditions, ITBOT, itbotEnv, load, pct, runItbot } from './scaling-common.js';

const SECONDS = arg('seconds', 20);
const PORT = arg('port', 18441);
const adminIndex = process.argv.indexOf('--admin-url');
const ADMIN_URL =
  adminIndex > 0 ? (process.argv[adminIndex + 1] as string) : 'postgres://itbot:itbot@127.0.0.1:5432/postgres';
const CONCURRENCY = [8, 16];
const QUERIES = ['vpn error 809', 'outlook keeps asking for my password', 'printer jam', 'wifi drops', 'teams camera'];

conditions('throughput through /mcp on PostgreSQL');
const database = `itbot_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${database}`;
const env = itbotEnv({ DATABASE_URL: dbUrl.toString(), ITBOT_DATA_DIR: undefined });
console.log(`# database ${database} (${(await admin.query('SHOW server_version')).rows[0].server_version})`);

const servers: ChildProcess[] = [];
const run = `b${Date.now().toString(36)}`;
try {
  for (const step of [['migrate'], ['seed'], ['reindex']]) {
    const r = await runItbot(step, env, 600_000);
    const said = `${r.stdout} ${r.stderr}`.trim().replace(/\s+/g, ' ').slice(0, 300);
    console.log(`  itbot ${step[0]}: exit ${r.code} in ${(r.ms / 1000).toFixed(1)} s: ${said}`);
    if (r.code !== 0) throw new Error(`itbot ${step[0]} failed`);
  }
  const urls = [PORT, PORT + 1].map((p) => `http://127.0.0.1:${p}`);
  for (const url of urls) {
    servers.push(
      spawn(process.execPath, [ITBOT, 'serve', '--listen', new URL(url).host, '--rate', '1000000'], {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
  }
  for (const url of urls) {
    const deadline = Date.now() + 60_000;
    while (
      !(await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error(`${url} not ready in 60 s`);
      await sleep(100);
    }
  }

  const rows: string[] = [];
  let createdOk = 0;
  let createErrors = 0;
  for (const tool of ['create_ticket', 'search_knowledge'] as const) {
    for (const serverCount of [1, 2]) {
      for (const concurrency of CONCURRENCY) {
        const label = `${tool} · ${serverCount} server${serverCount > 1 ? 's' : ''} · ${concurrency} workers`;
        const latencies: number[] = [];
        let errors = 0;
        const errorSamples = new Set<string>();
        const workerClients: Client[][] = [];
        for (let w = 0; w < concurrency; w += 1) {
          const mine: Client[] = [];
          for (const url of urls.slice(0, serverCount)) {
            const client = new Client({ name: `bench-${w}`, version: '1' });
            await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
            mine.push(client);
          }
          workerClients.push(mine);
        }
        const load1 = load();
        const started = performance.now();
        const endAt = started + SECONDS * 1000;
        await Promise.all(
          workerClients.map(async (clients, w) => {
            for (let i = 0; performance.now() < endAt; i += 1) {
              const client = clients[(w + i) % clients.length] as Client;
              const args =
                tool === 'create_ticket'
                  ? {
                      title: `${run}-${serverCount}-${concurrency}-${w}-${i}`,
                      description: 'bench',
                      impact: 3,
                      urgency: 3,
                    }
                  : // A new query each call, so that the search runs rather than the search cache answering.
                    { query: `${QUERIES[(w + i) % QUERIES.length]} ${w} ${i}`, limit: 5 };
              const t = performance.now();
              try {
                const result = await client.callTool({ name: tool, arguments: args });
                latencies.push(performance.now() - t);
                if (result.isError) {
                  errors += 1;
                  errorSamples.add(JSON.stringify(result.content).slice(0, 160));
                } else if (tool === 'create_ticket') createdOk += 1;
              } catch (error) {
                errors += 1;
                errorSamples.add(String(error).slice(0, 160));
              }
            }
          }),
        );
        const elapsed = (performance.now() - started) / 1000;
        if (tool === 'create_ticket') createErrors += errors;
        for (const clients of workerClients) for (const c of clients) await c.close().catch(() => {});
        const ok = latencies.length - errors;
        rows.push(
          `| ${tool} | ${serverCount} | ${concurrency} | ${(ok / elapsed).toFixed(1)} | ${pct(latencies, 50).toFixed(0)} ms | ${pct(latencies, 95).toFixed(0)} ms | ${pct(latencies, 99).toFixed(0)} ms | ${errors} | ${load1} → ${load()} |`,
        );
        console.log(
          `  ${label}: ${(ok / elapsed).toFixed(1)} ops/s, ${errors} errors ${[...errorSamples].join(' / ')}`,
        );
      }
    }
  }
  console.log('\n| tool | servers | workers | ops/s | p50 | p95 | p99 | errors | loadavg (1 5 15) before → after |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);

  const db = new pg.Client({ connectionString: dbUrl.toString() });
  await db.connect();
  const counted = await db.query(
    'SELECT count(*)::int AS present, count(DISTINCT title)::int AS distinct_titles FROM tickets WHERE title LIKE $1',
    [`${run}-%`],
  );
  await db.end();
  const { present, distinct_titles } = counted.rows[0] as { present: number; distinct_titles: number };
  console.log(
    `\ncreate_ticket: ${createdOk} acknowledged, ${createErrors} failed; in the database: ${present} rows, ${distinct_titles} distinct titles → lost ${Math.max(0, createdOk - distinct_titles)}, duplicated ${present - distinct_titles}`,
  );
} finally {
  for (const server of servers) {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  }
  if (!process.argv.includes('--keep-db')) await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
}
console.log(`\n# loadavg after: ${load()}`);
