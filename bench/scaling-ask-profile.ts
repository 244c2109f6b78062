/**
 * Where `itbot ask` spends its time with the background server running: for figure 1's
 * breakdown. Three views, each over several runs on a warm data dir:
 * - the in-process timings `ask --json` prints, and the HTTP requests one ask makes (server log);
 * - CPU self time of the client by where the code lives (node --cpu-prof), split at the moment
 *   the MCP connection is ready;
 * - the import time of the modules an ask loads, each in a fresh node process.
 *
 *   npx tsx bench/scaling-ask-profile.ts [--runs 7]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { arg, conditions, fmt, freshDataDir, ITBOT, itbotEnv, load, pct, ROOT, runItbot } from './scaling-common.js';

const RUNS = arg('runs', 7);
const QUESTION = 'vpn not working';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Buckets a script URL: a package under node_modules, a folder of dist/, node's own code. */
function bucket(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(idle)') return '(idle: waiting on I/O)';
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(program)') return '(program: V8/native, incl. compiling)';
    return `(${functionName || 'native'})`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  if (url.startsWith('node:internal/modules')) return 'node: module loader (resolve, read, compile, link)';
  if (url.startsWith('node:')) return 'node: other built-ins';
  const dist = /\/dist\/(src\/[^/]+|mcp-server|[^/]+)/.exec(url);
  if (dist) return `itbot:${dist[1]}`;
  return url.replace(ROOT, '.');
}

function selfTimes(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const key = bucket(node);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return totals;
}

function importTime(specifier: string): Promise<number> {
  const code = `const t=performance.now();await import(${JSON.stringify(specifier)});process.stdout.write(String(performance.now()-t));process.exit(0)`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', () => resolve(Number(out)));
  });
}

conditions('itbot ask profile (server running)');
const dataDir = freshDataDir('ask-profile');
const env = itbotEnv({ ITBOT_DATA_DIR: dataDir, ITBOT_BACKGROUND_SERVER: undefined });
const profDir = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-bench-cpuprof-'));
try {
  await runItbot(['ask', QUESTION], env);
  const log = path.join(dataDir, 'server.log');

  // 1. In-process timings and the requests one ask makes.
  const walls: number[] = [];
  const t: Record<string, number[]> = {};
  const requestsPerAsk: number[] = [];
  let requestShape = '';
  for (let i = 0; i < RUNS; i += 1) {
    const before = fs.readFileSync(log, 'utf8').split('\n').length;
    const r = await runItbot(['ask', '--json', QUESTION], env);
    walls.push(r.ms);
    for (const [k, v] of Object.entries((JSON.parse(r.stdout) as { timings: Record<string, number> }).timings)) {
      t[k] = [...(t[k] ?? []), v];
    }
    const lines = fs
      .readFileSync(log, 'utf8')
      .split('\n')
      .slice(before - 1)
      .filter(Boolean);
    const requests = lines.map(
      (l) => JSON.parse(l) as { msg: string; method?: string; status?: number; ms?: number; tool?: string },
    );
    const http = requests.filter((l) => l.msg === 'request');
    requestsPerAsk.push(http.length);
    requestShape = http.map((l) => `${l.method} ${l.status} ${l.ms} ms`).join(', ');
  }
  console.log(`\nask --json, ${RUNS} runs: wall p50 ${fmt(pct(walls, 50))}`);
  console.log('| timing (ask --json) | p50 | max |');
  console.log('|---|---|---|');
  for (const [k, v] of Object.entries(t)) console.log(`| ${k} | ${fmt(pct(v, 50))} | ${fmt(Math.max(...v))} |`);
  console.log(`requests logged by the server per ask: ${requestsPerAsk.join(', ')} (last: ${requestShape})`);

  // 2. CPU profile of the client.
  const totals = new Map<string, number[]>();
  for (let i = 0; i < RUNS; i += 1) {
    const dir = path.join(profDir, String(i));
    await new Promise((resolve) =>
      spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ITBOT, 'ask', '--json', QUESTION], {
        env,
        stdio: 'ignore',
      }).on('close', resolve),
    );
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) continue;
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Profile;
    for (const [k, v] of selfTimes(profile)) (totals.get(k) ?? totals.set(k, []).get(k))?.push(v);
  }
  const rows = [...totals].map(([k, v]) => [k, pct(v, 50)] as const).sort((a, b) => b[1] - a[1]);
  const sum = rows.reduce((s, [, v]) => s + v, 0);
  console.log(`\nclient CPU profile (self time, median of ${RUNS} runs; profiled total ${fmt(sum)}):`);
  console.log('| where | self time |');
  console.log('|---|---|');
  for (const [k, v] of rows.slice(0, 18)) console.log(`| ${k} | ${fmt(v)} |`);

  // 3. Import times, each module in a fresh process.
  const specs = [
    'commander',
    '@modelcontextprotocol/sdk/client/index.js',
    '@modelcontextprotocol/sdk/client/streamableHttp.js',
    'zod',
    './dist/src/config/index.js',
    './dist/src/mcp/connect.js',
    './dist/src/mcp/http-connection.js',
    './dist/src/mcp/local-server.js',
    './dist/src/agent/index.js',
    './dist/src/agent/offline/index.js',
  ];
  console.log('\n| import (fresh process) | p50 | max |');
  console.log('|---|---|---|');
  for (const spec of specs) {
    const ms: number[] = [];
    for (let i = 0; i < 5; i += 1) ms.push(await importTime(spec));
    console.log(`| ${spec} | ${fmt(pct(ms, 50))} | ${fmt(Math.max(...ms))} |`);
  }
} finally {
  await runItbot(['server', 'stop'], env);
  fs.rmSync(profDir, { recursive: true, force: true });
}
console.log(`\n# loadavg after: ${load()}`);
