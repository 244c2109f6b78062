/**
 * Figure 2: one tool call's round trip, one client, one call at a time, over Streamable HTTP on
 * loopback (`itbot serve --listen 127.0.0.1:PORT`) beside stdio (`itbot mcp`), each server on its
 * own data dir seeded with the sample company's 360 tickets. The two transports alternate in
 * blocks of 50 calls so machine load falls on both alike.
 *
 *   npx tsx bench/scaling-roundtrip.ts [--calls 500] [--port 18431]
 *
 * `itbot serve` gets --rate 1000000: its default per-token limit (1,200 requests a minute) would
 * otherwise pace this loop, and this measures the transport, not the limiter.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { arg, conditions, fmt, freshDataDir, ITBOT, itbotEnv, load, pct, runItbot } from './scaling-common.js';

const CALLS = arg('calls', 500);
const PORT = arg('port', 18431);
const BLOCK = 50;
const QUERIES = ['vpn error 809', 'outlook password prompt', 'printer jam', 'wifi drops', 'teams camera'];
const WORDS = ['laptop', 'monday', 'office', 'home', 'again', 'since', 'update', 'urgent', 'london', 'meeting'];

async function seededDir(name: string): Promise<string> {
  const dir = freshDataDir(name);
  const env = itbotEnv({ ITBOT_DATA_DIR: dir, ITBOT_BACKGROUND_SERVER: 'off' });
  const seeded = await runItbot(['seed', '--tickets'], env);
  if (seeded.code !== 0) throw new Error(`seed failed: ${seeded.stderr}`);
  return dir;
}

conditions('tool round trip, HTTP vs stdio');
const httpDir = await seededDir('rt-http');
const stdioDir = await seededDir('rt-stdio');

let serve: ChildProcess | undefined;
const clients: Client[] = [];
try {
  serve = spawn(process.execPath, [ITBOT, 'serve', '--listen', `127.0.0.1:${PORT}`, '--rate', '1000000'], {
    env: itbotEnv({ ITBOT_DATA_DIR: httpDir, ITBOT_BACKGROUND_SERVER: 'off' }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${PORT}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error('itbot serve did not become ready in 60 s');
    await sleep(100);
  }
  const http = new Client({ name: 'bench-http', version: '1' });
  await http.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${PORT}/mcp`)));
  const stdio = new Client({ name: 'bench-stdio', version: '1' });
  await stdio.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [ITBOT, 'mcp'],
      env: itbotEnv({ ITBOT_DATA_DIR: stdioDir, ITBOT_BACKGROUND_SERVER: 'off' }) as Record<string, string>,
      stderr: 'ignore',
    }),
  );
  clients.push(http, stdio);

  const calls = {
    get_ticket: (i: number) => ({ ticket: `IT-${String((i % 300) + 1).padStart(6, '0')}` }),
    // Five queries in turn: after the warm-up these are search-cache hits (the transport's cost shows).
    search_knowledge: (i: number) => ({ query: QUERIES[i % QUERIES.length] as string, limit: 5 }),
    // A new query every call: the search itself runs each time.
    'search_knowledge (new query each call)': (i: number) => ({
      query: `${QUERIES[i % QUERIES.length]} ${WORDS[Math.floor(i / QUERIES.length) % WORDS.length]} ${i}`,
      limit: 5,
    }),
  };
  const results: { tool: string; transport: string; ms: number[]; errors: number }[] = [];
  for (const [tool, args] of Object.entries(calls)) {
    const byTransport = { http: { ms: [] as number[], errors: 0 }, stdio: { ms: [] as number[], errors: 0 } };
    // Warm-up: caches, JIT, prepared plans.
    const toolName = tool.split(' ')[0] as string;
    for (let i = 0; i < 20; i += 1) {
      await http.callTool({ name: toolName, arguments: args(i + 1_000_000) });
      await stdio.callTool({ name: toolName, arguments: args(i + 1_000_000) });
    }
    for (let done = 0; done < CALLS; done += BLOCK) {
      for (const [name, client] of [
        ['http', http],
        ['stdio', stdio],
      ] as const) {
        for (let i = done; i < Math.min(CALLS, done + BLOCK); i += 1) {
          const t = performance.now();
          const result = await client.callTool({ name: toolName, arguments: args(i) });
          byTransport[name].ms.push(performance.now() - t);
          if (result.isError) {
            if (byTransport[name].errors === 0) console.error(`  ${tool} ${name}: ${JSON.stringify(result.content)}`);
            byTransport[name].errors += 1;
          }
        }
      }
    }
    for (const [transport, r] of Object.entries(byTransport)) results.push({ tool, transport, ...r });
  }
  // The floor under an HTTP call: one loopback request that does no MCP work.
  const health: number[] = [];
  for (let i = 0; i < CALLS; i += 1) {
    const t = performance.now();
    await (await fetch(`http://127.0.0.1:${PORT}/healthz`)).text();
    health.push(performance.now() - t);
  }
  results.push({ tool: 'GET /healthz (no MCP)', transport: 'http', ms: health, errors: 0 });
  console.log('\n| tool | transport | calls | p50 | p95 | p99 | max | errors |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.tool} | ${r.transport} | ${r.ms.length} | ${pct(r.ms, 50).toFixed(1)} ms | ${pct(r.ms, 95).toFixed(1)} ms | ${pct(r.ms, 99).toFixed(1)} ms | ${fmt(Math.max(...r.ms))} | ${r.errors} |`,
    );
  }
} finally {
  for (const client of clients) await client.close().catch(() => {});
  if (serve && serve.exitCode === null) {
    serve.kill('SIGTERM');
    await new Promise((resolve) => serve?.once('exit', resolve));
  }
}
console.log(`\n# loadavg after: ${load()}`);
