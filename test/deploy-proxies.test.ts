import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../src/paths.js';
import { deployTools } from './helpers/deploy-tools.js';
import { freeLoopbackPort } from './helpers/ports.js';

const root = packageRoot();
const nginxDir = path.join(root, 'deploy/nginx');
const nginxConf = fs.readFileSync(path.join(nginxDir, 'nginx.conf'), 'utf8');
const nginx = deployTools.nginx();
const pgbouncer = deployTools.pgbouncer();
const temps: string[] = [];
const children: ChildProcess[] = [];

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('deploy/nginx', () => {
  it('balances round robin over the replicas and takes a failing one out', () => {
    const compose = fs.readFileSync(path.join(nginxDir, 'upstream-compose.conf'), 'utf8');
    // No balancing directive: nginx's default is round robin.
    expect(compose).not.toMatch(/least_conn|ip_hash|hash /);
    expect(compose).toMatch(/server itbot:8080 resolve max_fails=3 fail_timeout=10s;/);
    expect(compose).toMatch(/resolver 127\.0\.0\.11/);
    expect(nginxConf).toMatch(/^\s*include itbot-upstream\.conf;$/m);
  });

  it('retries on another replica only what is safe to repeat', () => {
    const directive = /^\s*proxy_next_upstream ([^;]+);$/m.exec(nginxConf)?.[1] ?? '';
    // Without non_idempotent a POST (every MCP call) is retried only if it never reached a replica.
    expect(directive.split(' ')).not.toContain('non_idempotent');
    expect(directive.split(' ')).toEqual(expect.arrayContaining(['error', 'timeout']));
    expect(nginxConf).toMatch(/proxy_next_upstream_tries 2;/);
  });

  it('keeps /metrics off the public side', () => {
    expect(nginxConf).toMatch(/location = \/metrics \{\s*return 404;\s*\}/);
  });

  it.skipIf(!nginx.ok)('passes nginx -t with a fixed upstream list (the native stack)', () => {
    const dir = tempDir('itbot-nginx-');
    fs.copyFileSync(path.join(nginxDir, 'nginx.conf'), path.join(dir, 'nginx.conf'));
    fs.copyFileSync(path.join(nginxDir, 'upstream.conf.example'), path.join(dir, 'itbot-upstream.conf'));
    // Output to a file, not a pipe: Node's pipes are sockets, which /dev/stdout cannot be opened on.
    const output = path.join(dir, 'nginx-t.log');
    const fd = fs.openSync(output, 'w');
    const result = spawnSync('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], {
      stdio: ['ignore', fd, fd],
    });
    fs.closeSync(fd);
    expect(fs.readFileSync(output, 'utf8')).toContain('test is successful');
    expect(result.status).toBe(0);
  });
});

async function listening(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('deploy/pgbouncer', () => {
  const ini = fs.readFileSync(path.join(root, 'deploy/pgbouncer/pgbouncer.ini'), 'utf8');

  it('pools by transaction and resets nothing a transaction pooler cannot keep', () => {
    expect(ini).toMatch(/^pool_mode = transaction$/m);
    expect(ini).toMatch(/^auth_type = scram-sha-256$/m);
    expect(ini).toMatch(/^itbot = host=@DB_HOST@ port=@DB_PORT@ dbname=itbot$/m);
  });

  it.skipIf(!pgbouncer.ok)('starts from start.sh with the rendered config (Debian pgbouncer too)', async () => {
    const dir = tempDir('itbot-pgbouncer-');
    const port = await freeLoopbackPort();
    const env = {
      ...process.env,
      PGBOUNCER_RUN_DIR: dir,
      PGBOUNCER_DB_HOST: '127.0.0.1',
      PGBOUNCER_LISTEN_ADDR: '127.0.0.1',
      PGBOUNCER_LISTEN_PORT: String(port),
      ITBOT_DB_PASSWORD: 'pgbouncer-test-password',
    };
    // Run from a copy in the temporary directory: as root the test runs pgbouncer as nobody, who
    // may not be able to read a checkout under /root.
    const source = path.join(dir, 'config');
    fs.mkdirSync(source);
    for (const file of ['start.sh', 'pgbouncer.ini'])
      fs.copyFileSync(path.join(root, 'deploy/pgbouncer', file), path.join(source, file));
    const script = path.join(source, 'start.sh');
    // pgbouncer refuses to run as root; CI runs as root.
    const asRoot = process.getuid?.() === 0;
    if (asRoot)
      for (const entry of ['', 'config', 'config/start.sh', 'config/pgbouncer.ini'])
        fs.chownSync(path.join(dir, entry), 65534, 65534);
    // start.sh execs pgbouncer, so the child's pid is pgbouncer's and killing it leaves nothing behind.
    const child = spawn('sh', [script], { env, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    children.push(child);
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    expect(await listening(port, 10_000), log).toBe(true);
    expect(log).not.toMatch(/WARNING|ERROR|FATAL/);
    const rendered = fs.readFileSync(path.join(dir, 'pgbouncer.ini'), 'utf8');
    expect(rendered.split('\n').filter((line) => !line.startsWith(';'))).not.toContainEqual(
      expect.stringContaining('@'),
    );
    expect(rendered).toMatch(/^itbot = host=127\.0\.0\.1 port=5432 dbname=itbot$/m);
    expect(fs.statSync(path.join(dir, 'userlist.txt')).mode & 0o077).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'userlist.txt'), 'utf8')).toBe('"itbot" "pgbouncer-test-password"\n');
  });
});
