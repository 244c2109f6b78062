import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from './ports.js';
import { type Availability, toolAvailable } from './tool-available.js';

/** Debian puts pgbouncer in /usr/sbin, which a non-root PATH often lacks. */
export const PGBOUNCER =
  ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((file) => fs.existsSync(file)) ?? 'pgbouncer';

export function pgbouncerAvailable(): Availability {
  return toolAvailable({
    command: PGBOUNCER,
    versionArgs: ['--version'],
    package: 'pgbouncer',
    skipping: 'the pgbouncer (transaction mode) tests',
    requiredBy: 'ITBOT_TEST_REQUIRE_PGBOUNCER',
  });
}

export interface TestPgbouncer {
  port: number;
  /** The server URL with host and port swapped for pgbouncer's (same user, password and database). */
  urlFor(databaseUrl: string, database?: string): string;
  /** pgbouncer's admin console (SHOW STATS …), as the server URL's user. */
  adminUrl: string;
  log(): string;
  stop(): Promise<void>;
}

export interface PgbouncerOptions {
  /** The PostgreSQL server behind it; its user and password go in the auth file. */
  serverUrl: string;
  /** Extra [databases] entries: alias → real database name on the same server. */
  aliases?: Record<string, string>;
  /** Server connections per user and database: small, so many clients share few connections. */
  poolSize?: number;
}

/** The user pgbouncer runs as: it refuses to run as root, so under root (CI) the postgres user. */
function unprivilegedIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  throw new Error('running as root and found no unprivileged user (postgres, nobody) to run pgbouncer as');
}

async function waitForPort(port: number, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`pgbouncer did not listen on ${port}:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A private pgbouncer (Debian's 1.18) in transaction mode on a free loopback port, with a plain
 * auth file made now. No ignore_startup_parameters: a client that sends startup parameters beyond
 * those pgbouncer tracks is refused, as it would be in production.
 */
export async function startTestPgbouncer(options: PgbouncerOptions): Promise<TestPgbouncer> {
  const server = new URL(options.serverUrl);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const port = await freeLoopbackPort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-pgbouncer-'));
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
  fs.writeFileSync(path.join(dir, 'userlist.txt'), `${quote(user)} ${quote(password)}\n`, { mode: 0o600 });
  const backend = `host=${server.hostname} port=${server.port || 5432}`;
  const aliases = Object.entries(options.aliases ?? {}).map(([alias, db]) => `${alias} = ${backend} dbname=${db}`);
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      ...aliases,
      `* = ${backend}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      `admin_users = ${user}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 3}`,
      'max_client_conn = 500',
      'stats_period = 1',
      'server_login_retry = 1',
      `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  const ids = unprivilegedIds();
  if (ids)
    for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) fs.chownSync(path.join(dir, file), ids.uid, ids.gid);
  const child: ChildProcess = spawn(PGBOUNCER, [path.join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(ids ?? {}),
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const log = () => output;
  await waitForPort(port, 10_000, log);
  const urlFor = (databaseUrl: string, database?: string) => {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    if (database) url.pathname = `/${database}`;
    return url.toString();
  };
  return {
    port,
    urlFor,
    adminUrl: urlFor(options.serverUrl, 'pgbouncer'),
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
