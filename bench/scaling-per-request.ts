/**
 * What stateless HTTP does for every request before any tool runs: build the MCP server
 * (createItbotMcpServer: 18 tool registrations) and connect a fresh Streamable HTTP transport.
 * In-process, no store touched, no network: the part of figure 2's HTTP-over-stdio gap that is
 * per-request set-up.
 *
 *   npx tsx bench/scaling-per-request.ts [--rounds 500]
 */
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createItbotMcpServer } from '../mcp-server/server.js';
import { createCache } from '../src/cache/index.js';
import type { Embedder } from '../src/knowledge/index.js';
import type { Store } from '../src/store/index.js';
import { arg, conditions, load, pct } from './scaling-common.js';

const ROUNDS = arg('rounds', 500);
conditions('per-request MCP server set-up');
const store = new Promise<Store>(() => {});
const cache = createCache({ namespace: 'bench', warn: () => {} });
const build: number[] = [];
const connect: number[] = [];
for (let i = 0; i < ROUNDS + 50; i += 1) {
  const t0 = performance.now();
  const server = createItbotMcpServer({
    store,
    embedder: {} as Embedder,
    cache,
    actor: { name: 'bench', kind: 'ai' },
    admin: { allowSourceDirs: false },
    version: 'bench',
  });
  const t1 = performance.now();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  const t2 = performance.now();
  await transport.close();
  await server.close();
  if (i >= 50) {
    build.push(t1 - t0);
    connect.push(t2 - t1);
  }
}
console.log('\n| step (per request) | p50 | p95 |');
console.log('|---|---|---|');
console.log(
  `| createItbotMcpServer (admin tools included) | ${pct(build, 50).toFixed(2)} ms | ${pct(build, 95).toFixed(2)} ms |`,
);
console.log(
  `| new transport + server.connect | ${pct(connect, 50).toFixed(2)} ms | ${pct(connect, 95).toFixed(2)} ms |`,
);
console.log(`\n# loadavg after: ${load()}`);
process.exit(0);
