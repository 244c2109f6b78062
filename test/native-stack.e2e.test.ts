import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientFetch } from '../src/mcp/http-connection.js';
import { openServerStore } from '../src/store/index.js';
import { PGBOUNCER } from './helpers/pgbouncer.js';
import { type Availability, toolAvailable } from './helpers/tool-available.js';

// The production topology from Debian's packages, really run (scripts/native-stack.sh): a
// PostgreSQL 15 primary and streaming replica, pgbouncer in transaction mode, Redis, three
// `itbot serve` behind nginx, Prometheus with the alert rules. MCP goes through nginx; then a
// server is killed and the replica stopped, and requests must still succeed.
const SCRIPT = fileURLToPath(new URL('../scripts/native-stack.sh', import.meta.url));
const PG_BIN = fs.existsSync('/usr/lib/postgresql')
  ? fs
      .readdirSync('/usr/lib/postgresql')
      .sort((a, b) => Number(b) - Number(a))
      .map((version) => `/usr/lib/postgresql/${version}/bin`)[0]
  : undefined;

function stackAvailable(): Availability {
  const need = (command: string, versionArgs: string[], pkg: string) =>
    toolAvailable({
      command,
      versionArgs,
      package: pkg,
      skipping: 'the native stack test',
      requiredBy: 'ITBOT_TEST_REQUIRE_NATIVE_STACK',
    });
  const checks = [
    () => need(PG_BIN ? `${PG_BIN}/initdb` : 'initdb', ['--version'], 'postgresql'),
    () => need(PGBOUNCER, ['--version'], 'pgbouncer'),
    () => need(fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx', ['-v'], 'nginx'),
    () => need('prometheus', ['--version'], 'prometheus'),
    () => need('redis-server', ['--version'], 'redis-server'),
  ];
  for (const check of checks) {
    const result = check();
    if (!result.ok) return result;
  }
  return { ok: true };
}

const skip = !stackAvailable().ok;

function runStack(
  args: string[],
  stateDir: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, ...args], {
      env: { ...process.env, ITBOT_STACK_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`native-stack.sh ${args.join(' ')} timed out\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'native-stack-test', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/mcp', url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
      fetch: patientFetch(),
    }),
  );
  return client;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

describe.skipIf(skip)('the native stack (scripts/native-stack.sh)', () => {
  const stateDir = path.join(os.tmpdir(), `itbot-native-stack-test-${process.pid}`);
  let serverUrl = '';
  let token = '';
  let prometheusUrl = '';
  let servePorts: string[] = [];
  const stack = (args: string[], timeoutMs = 90_000) => runStack(args, stateDir, timeoutMs);

  beforeAll(async () => {
    const up = await stack(['up'], 300_000);
    expect(up.code, up.stderr).toBe(0);
    const lines = up.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    const values = Object.fromEntries(lines.map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
    expect(Object.keys(values)).toEqual(['ITBOT_SERVER_URL', 'ITBOT_SERVER_TOKEN', 'PROMETHEUS_URL']);
    serverUrl = values.ITBOT_SERVER_URL as string;
    token = values.ITBOT_SERVER_TOKEN as string;
    prometheusUrl = values.PROMETHEUS_URL as string;
    servePorts =
      /SERVE_PORTS="([^"]*)"/.exec(fs.readFileSync(path.join(stateDir, 'ports.env'), 'utf8'))?.[1]?.split(' ') ?? [];
    expect(servePorts).toHaveLength(3);
    // Secrets are the owner's alone.
    expect(fs.statSync(path.join(stateDir, 'secrets/token')).mode & 0o077).toBe(0);
  }, 320_000);

  afterAll(async () => {
    const down = await stack(['down'], 120_000).catch((error: Error) => ({ code: 1, stderr: error.message }));
    if (down.code !== 0) process.stderr.write(`native-stack.sh down failed: ${down.stderr}\n`);
    const status = await stack(['status'], 30_000).catch(() => undefined);
    expect(status?.stdout ?? '').not.toMatch(/running/);
    fs.rmSync(stateDir, { recursive: true, force: true });
  }, 150_000);

  it('a ticket created through one replica reads back through the balancer, on every replica', async () => {
    const direct = await connect(`http://127.0.0.1:${servePorts[1]}`, token);
    const balanced = await connect(serverUrl, token);
    try {
      const created = await direct.callTool({
        name: 'create_ticket',
        arguments: { title: 'Native stack: VPN drops', idempotency_key: `native-${process.pid}` },
      });
      expect(created.isError, JSON.stringify(created.content)).toBeFalsy();
      const number = (created.structuredContent as { ticket: { number: string } }).ticket.number;
      // Round robin over three replicas: six reads visit each at least once.
      for (let i = 0; i < 6; i++) {
        const read = await balanced.callTool({ name: 'get_ticket', arguments: { ticket: number } });
        expect((read.structuredContent as { ticket: { title: string } }).ticket.title).toBe('Native stack: VPN drops');
      }
      const search = await balanced.callTool({
        name: 'search_knowledge',
        arguments: { query: 'my password expired how do I reset it', limit: 3 },
      });
      expect((search.structuredContent as { results: unknown[] }).results.length).toBeGreaterThan(0);
    } finally {
      await Promise.all([direct.close(), balanced.close()]);
    }
  }, 60_000);

  it('Prometheus scrapes every replica and has the rules loaded (its API says so)', async () => {
    const targets = await getJson<{ data: { activeTargets: { labels: { job: string }; health: string }[] } }>(
      `${prometheusUrl}/api/v1/targets`,
    );
    const itbotTargets = targets.data.activeTargets.filter((target) => target.labels.job === 'itbot');
    expect(itbotTargets.map((target) => target.health)).toEqual(['up', 'up', 'up']);
    const rules = await getJson<{ data: { groups: { rules: { name: string }[] }[] } }>(`${prometheusUrl}/api/v1/rules`);
    expect(rules.data.groups.flatMap((group) => group.rules).length).toBeGreaterThan(0);
    const up = await getJson<{ data: { result: { value: [number, string] }[] } }>(
      `${prometheusUrl}/api/v1/query?query=${encodeURIComponent('sum(up{job="itbot"})')}`,
    );
    expect(up.data.result[0]?.value[1]).toBe('3');
  });

  it('with one itbot serve killed, every request through nginx still succeeds', async () => {
    const killed = await stack(['kill-serve', '1']);
    expect(killed.code, killed.stderr).toBe(0);
    const client = await connect(serverUrl, token);
    try {
      for (let i = 0; i < 9; i++) {
        const result = await client.callTool({
          name: i % 3 === 0 ? 'search_knowledge' : 'search_tickets',
          arguments: i % 3 === 0 ? { query: 'printer offline' } : { text: 'VPN' },
        });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      }
    } finally {
      await client.close();
    }
    const restarted = await stack(['restart-serve', '1']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect((await fetch(`http://127.0.0.1:${servePorts[0]}/readyz`)).status).toBe(200);
  }, 120_000);

  it('a read the replica cancels for a recovery conflict (SQLSTATE 40001) is answered by the primary', async () => {
    const env = fs.readFileSync(path.join(stateDir, 'ports.env'), 'utf8');
    const value = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(env)?.[1] ?? '';
    const url = (port: string) => `postgres://itbot:${value('PG_PASSWORD')}@127.0.0.1:${port}/itbot`;
    const store = await openServerStore({
      databaseUrl: url(value('PG_PRIMARY_PORT')),
      readUrl: url(value('PG_REPLICA_PORT')),
    });
    try {
      await store.exec('CREATE TABLE recovery_conflict_probe (x int); INSERT INTO recovery_conflict_probe VALUES (1)');
      const reader = store.lagTolerant;
      if (!reader) throw new Error('no replica routing');
      // Wait until the replica has the table, then hold it in a slow read there.
      await expect
        .poll(() => reader.query('SELECT x FROM recovery_conflict_probe').catch(() => undefined))
        .toBeTruthy();
      const read = reader.query<{ x: number }>('SELECT x FROM recovery_conflict_probe, pg_sleep(4)');
      await new Promise((resolve) => setTimeout(resolve, 500));
      // An exclusive lock replayed on the replica conflicts with the read (max_standby_streaming_delay 1 s).
      await store.transaction((tx) => tx.exec('LOCK TABLE recovery_conflict_probe IN ACCESS EXCLUSIVE MODE'));
      expect((await read).rows).toEqual([{ x: 1 }]);
      expect(store.readFallbacks?.()).toMatchObject({ recovery_conflict: 1 });
    } finally {
      await store.exec('DROP TABLE IF EXISTS recovery_conflict_probe').catch(() => {});
      await store.close();
    }
  }, 60_000);

  it('with the replica stopped, knowledge search falls back to the primary and /readyz stays ready', async () => {
    const stopped = await stack(['stop-replica']);
    expect(stopped.code, stopped.stderr).toBe(0);
    const client = await connect(serverUrl, token);
    try {
      for (const query of ['wifi keeps disconnecting', 'outlook will not start', 'laptop battery drains fast']) {
        const result = await client.callTool({ name: 'search_knowledge', arguments: { query } });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      }
      const ready = await fetch(`${serverUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { replica?: { state: string } }).replica?.state).toBe('down');
      // Each replica counts the reads it sent to the primary instead.
      let fallbacks = 0;
      for (const port of servePorts) {
        const metrics = await (
          await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } })
        ).text();
        for (const match of metrics.matchAll(/^itbot_store_read_fallbacks_total\{reason="replica_\w+"\} (\d+)/gm)) {
          fallbacks += Number(match[1]);
        }
      }
      expect(fallbacks).toBeGreaterThanOrEqual(3);
    } finally {
      await client.close();
    }
    const started = await stack(['start-replica']);
    expect(started.code, started.stderr).toBe(0);
  }, 120_000);
});
