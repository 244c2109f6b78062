import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readLocalServerRecord } from '../src/mcp/local-server-record.js';
import { isProcessAlive } from '../src/store/index.js';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';

// The zero-configuration path a new user gets: every itbot command on an embedded data dir goes
// through one background server, started by whichever command needs it first.

/** Server processes serving `dataDir` (read from /proc, so parallel test files do not interfere). */
function serversFor(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (cmdline.includes('serve\0--local') && environ.split('\0').includes(`ITBOT_DATA_DIR=${dataDir}`)) {
        pids.push(Number(entry));
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(50);
  }
  return condition();
}

describe('the background server of an embedded data dir', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  function dataDir(extra: Record<string, string> = {}) {
    const { dir, cleanup } = makeSeededDataDir();
    const env = { ITBOT_DATA_DIR: dir, ITBOT_BACKGROUND_SERVER: 'on', ITBOT_USER: 'maria.lopez', ...extra };
    cleanups.push(async () => {
      await runItbot(['server', 'stop'], { env });
      for (const pid of serversFor(dir)) process.kill(pid, 'SIGKILL');
      cleanup();
    });
    return { dir, env };
  }

  it('is started by the first command, shared by the next, and reported by `server status`', async () => {
    const { dir, env } = dataDir();
    const first = await runItbot(['ask', 'vpn error 809'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/vpn/i);
    const record = readLocalServerRecord(dir);
    expect(record?.pid).toBeDefined();
    expect((fs.statSync(`${dir}/server.json`).mode & 0o777).toString(8)).toBe('600');
    const second = await runItbot(['tickets', 'list', '--json'], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(readLocalServerRecord(dir)?.pid).toBe(record?.pid);
    expect(serversFor(dir)).toEqual([record?.pid]);
    const status = await runItbot(['server', 'status', '--json'], { env });
    const reported = JSON.parse(status.stdout) as Record<string, unknown>;
    expect(reported).toMatchObject({ running: true, pid: record?.pid });
    expect(status.stdout).not.toContain(record?.token ?? 'no token');
    // doctor checks the store through the server instead of waiting for its lock.
    const doctor = await runItbot(['doctor', '--json'], { env });
    expect(doctor.code, doctor.stdout).toBe(0);
    const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean }[] }).checks;
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining(['background server', 'store', 'MCP server']));
  });

  it('ends up with exactly one server when several commands start at once', async () => {
    const { dir, env } = dataDir();
    const runs = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        runItbot(['ask', '--yes', `open a ticket: race test ${i}`], { env, timeoutMs: 60_000 }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(await waitFor(() => serversFor(dir).length === 1, 10_000)).toBe(true);
    const list = await runItbot(['tickets', 'list', '--text', 'race test', '--json'], { env });
    const titles = (JSON.parse(list.stdout) as { tickets: { title: string }[] }).tickets.map((t) => t.title).sort();
    expect(titles).toHaveLength(4);
  }, 120_000);

  it('lets the chat-style holder and eight writers share the store: no refusal, no lost or doubled ticket', async () => {
    const { env } = dataDir();
    // A long-running client, as the chat is.
    const holder = runItbot(['kb', 'search', 'printer'], { env });
    const writers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        runItbot(['tickets', 'create', '--title', `parallel writer ${i}`, '--json'], { env, timeoutMs: 60_000 }),
      ),
    );
    expect((await holder).code).toBe(0);
    for (const run of writers) expect(run.code, run.stderr).toBe(0);
    const list = await runItbot(['tickets', 'list', '--text', 'parallel writer', '--limit', '50', '--json'], { env });
    const numbers = (JSON.parse(list.stdout) as { tickets: { number: string }[] }).tickets.map((t) => t.number);
    expect(new Set(numbers).size).toBe(8);
  }, 120_000);

  it('is replaced by a client of another version, once its calls finish', async () => {
    const { dir, env } = dataDir();
    expect((await runItbot(['tickets', 'list'], { env })).code).toBe(0);
    const old = readLocalServerRecord(dir);
    if (!old) throw new Error('no server record');
    // Pretend the running server is an older itbot.
    fs.writeFileSync(`${dir}/server.json`, JSON.stringify({ ...old, version: '0.0.1-old' }), { mode: 0o600 });
    const run = await runItbot(['tickets', 'list'], { env, timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const fresh = readLocalServerRecord(dir);
    expect(fresh?.pid).not.toBe(old.pid);
    expect(await waitFor(() => !isProcessAlive(old.pid), 10_000)).toBe(true);
  }, 90_000);

  it('exits when idle and removes its record', async () => {
    const { dir, env } = dataDir({ ITBOT_SERVER_IDLE_SECONDS: '3' });
    expect((await runItbot(['tickets', 'list'], { env })).code).toBe(0);
    const record = readLocalServerRecord(dir);
    expect(record).toBeDefined();
    expect(await waitFor(() => !isProcessAlive(record?.pid ?? 0), 15_000)).toBe(true);
    expect(fs.existsSync(`${dir}/server.json`)).toBe(false);
  }, 60_000);

  it('after a SIGKILL the next command starts a new server and nothing is lost; a stale record is not trusted', async () => {
    const { dir, env } = dataDir();
    const created = await runItbot(['tickets', 'create', '--title', 'survives a crash', '--json'], { env });
    expect(created.code, created.stderr).toBe(0);
    const killed = readLocalServerRecord(dir);
    process.kill(killed?.pid ?? 0, 'SIGKILL');
    await waitFor(() => !isProcessAlive(killed?.pid ?? 0), 5_000);
    // The record (and the store lock) of the dead server are still on disk.
    expect(fs.existsSync(`${dir}/server.json`)).toBe(true);
    const started = Date.now();
    const show = await runItbot(['tickets', 'list', '--text', 'survives', '--json'], { env });
    expect(show.code, show.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect((JSON.parse(show.stdout) as { tickets: unknown[] }).tickets).toHaveLength(1);
    expect(readLocalServerRecord(dir)?.pid).not.toBe(killed?.pid);
  }, 60_000);

  it('runs admin jobs inside the server, with `server stop` ending it', async () => {
    const { dir, env } = dataDir();
    const seed = await runItbot(['seed', '--json'], { env });
    expect(seed.code, seed.stderr).toBe(0);
    expect(JSON.parse(seed.stdout)).toMatchObject({ groups: 8 });
    const reindex = await runItbot(['reindex', '--json'], { env });
    expect(reindex.code, reindex.stderr).toBe(0);
    expect(JSON.parse(reindex.stdout)).toMatchObject({ source: 'bundled', removed: 0 });
    const migrate = await runItbot(['migrate'], { env });
    expect(migrate.stdout).toMatch(/Already up to date/);
    const pid = readLocalServerRecord(dir)?.pid ?? 0;
    const stop = await runItbot(['server', 'stop'], { env });
    expect(stop.stdout).toMatch(/Stopped/);
    expect(isProcessAlive(pid)).toBe(false);
  }, 90_000);

  it('says why when the data dir cannot be used, without leaving a server behind', async () => {
    const { dir, cleanup } = makeSeededDataDir();
    cleanups.push(async () => cleanup());
    const file = `${dir}/not-a-dir`;
    fs.writeFileSync(file, 'x');
    const run = await runItbot(['tickets', 'list'], {
      env: { ITBOT_DATA_DIR: `${file}/sub`, ITBOT_BACKGROUND_SERVER: 'on' },
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/Cannot create the data dir/);
    expect(run.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  });
});

describe('a remote server (ITBOT_SERVER_URL)', () => {
  it('that cannot be reached gives a clear message within a few seconds', async () => {
    const started = Date.now();
    const run = await runItbot(['tickets', 'list'], {
      env: { ITBOT_SERVER_URL: 'http://127.0.0.1:9', ITBOT_SERVER_TOKEN: 'x'.repeat(20) },
    });
    expect(run.code).toBe(7);
    expect(run.stderr).toMatch(/Cannot reach ITBOT_SERVER_URL \(http:\/\/127\.0\.0\.1:9\)/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
