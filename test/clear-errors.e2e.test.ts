import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir, makeTempDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';

// What a user meets when something is wrong: a message that says what, an exit code a script can
// branch on, never "internal error … a bug in itbot" or a "try again" that cannot help.

const NOT_A_BUG = /internal error|this is a bug|try again/i;

describe('a data dir that cannot hold the store', () => {
  let temp: { dir: string; cleanup: () => void };
  beforeAll(() => {
    temp = makeTempDir();
  });
  afterAll(() => temp.cleanup());

  const cases = () => {
    const file = path.join(temp.dir, 'a-file');
    fs.writeFileSync(file, 'not a directory');
    // Nothing can create files here, root included.
    return [
      { what: 'a file', dir: file, says: /is a file, not a directory/ },
      { what: 'a directory nobody can write to', dir: '/proc/self/fdinfo', says: /is not writable/ },
    ];
  };

  it.each([
    ['tickets', 'list'],
    ['kb', 'search', 'vpn'],
    ['ask', 'vpn'],
  ])('itbot %s says what is wrong (exit 4)', async (...args) => {
    for (const { dir, says } of cases()) {
      const run = await runItbot(args, { env: { ITBOT_DATA_DIR: dir } });
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toMatch(says);
      expect(run.stderr).toMatch(/Set ITBOT_DATA_DIR to a writable directory/);
      expect(run.stderr).not.toMatch(NOT_A_BUG);
    }
  });

  it('doctor fails the config check instead of showing ✓ config', async () => {
    for (const { dir, says } of cases()) {
      const run = await runItbot(['doctor'], { env: { ITBOT_DATA_DIR: dir } });
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(new RegExp(`✗ config: .*${says.source}`));
      expect(run.stdout).not.toMatch(/✓ config/);
    }
  });

  it.skipIf(process.getuid?.() === 0)('a read-only directory (chmod 555) is reported too', async () => {
    const readOnly = path.join(temp.dir, 'read-only');
    fs.mkdirSync(readOnly, { mode: 0o555 });
    const run = await runItbot(['tickets', 'list'], { env: { ITBOT_DATA_DIR: readOnly } });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/is not writable/);
  });
});

describe('with a seeded store', () => {
  let seeded: { dir: string; cleanup: () => void };
  const env = () => ({ ITBOT_DATA_DIR: seeded.dir, ITBOT_LOCK_WAIT_MS: '1500' });
  beforeAll(() => {
    seeded = makeSeededDataDir();
  });
  afterAll(() => seeded.cleanup());

  it('doctor does not call the MCP server fine while the store is locked', async () => {
    // A live holder: this test process.
    const lock = path.join(seeded.dir, 'store.lock');
    fs.writeFileSync(
      lock,
      JSON.stringify({
        pid: process.pid,
        hostname: os.hostname(),
        purpose: 'a test holding the store',
        acquiredAt: new Date().toISOString(),
      }),
    );
    try {
      const run = await runItbot(['doctor'], { env: env() });
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/✗ store: .*in use by another itbot process/);
      expect(run.stdout).toMatch(/✗ MCP server: starts \(\d+ tools\) but cannot serve them/);
      expect(run.stdout).not.toMatch(/✓ MCP server/);
    } finally {
      fs.rmSync(lock, { force: true });
    }
  });

  it('doctor names the model ask actually uses, not a stale "not built yet"', async () => {
    const run = await runItbot(['doctor', '--json'], { env: { ...env(), GEMINI_API_KEY: 'k' } });
    const model = JSON.parse(run.stdout).checks.find((check: { name: string }) => check.name === 'model');
    expect(model.detail).toMatch(/^Gemini \(gemini-/);
    expect(run.stdout).not.toMatch(/not built yet/);
  });

  it('tickets list --assignee with a username nobody has: no such user, with the closest ones (exit 8)', async () => {
    const run = await runItbot(['tickets', 'list', '--assignee', 'nobody.here'], { env: env() });
    expect(run.code).toBe(8);
    expect(run.stderr).toMatch(/There is no user "nobody.here"/);
    expect(run.stderr).toMatch(/Closest usernames: [a-z]+\.[a-z]+, /);
    const close = await runItbot(['tickets', 'list', '--assignee', 'aisha'], { env: env() });
    expect(close.code).toBe(8);
    expect(close.stderr).toMatch(/Closest usernames: aisha\.khan/);
    const real = await runItbot(['tickets', 'list', '--assignee', 'aisha.khan'], { env: env() });
    expect(real.code, real.stderr).toBe(0);
  });

  it('input the server refuses is bad usage (exit 2) saying which argument, not a failed tool (exit 7)', async () => {
    const blank = await runItbot(['kb', 'search', '   '], { env: env() });
    expect([blank.code, blank.stderr]).toEqual([2, expect.stringMatching(/Give some words to search for/)]);
    const long = await runItbot(['kb', 'search', 'a'.repeat(2100)], { env: env() });
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/Invalid input: query: Too big: expected string to have <=2000 characters/);
    expect(long.stderr).not.toMatch(/MCP error/);
  });

  it('the same missing ticket exits 8 from tickets show and from ask', async () => {
    const show = await runItbot(['tickets', 'show', 'IT-999999'], { env: env() });
    expect(show.code).toBe(8);
    expect(show.stderr).toMatch(/There is no ticket IT-999999/);
    const ask = await runItbot(['ask', 'show IT-999999'], { env: env() });
    expect(ask.code, ask.stdout + ask.stderr).toBe(8);
  });

  it('a stale expected version is a conflict (exit 9), not bad usage (exit 2)', async () => {
    const created = await runItbot(['tickets', 'create', '--title', 'Dock flickers', '--json'], { env: env() });
    expect(created.code, created.stderr).toBe(0);
    const number = JSON.parse(created.stdout).ticket.number as string;
    const first = await runItbot(['tickets', 'update', number, '--expected-version', '1', '--priority', 'P2'], {
      env: env(),
    });
    expect(first.code, first.stderr).toBe(0);
    const stale = await runItbot(['tickets', 'update', number, '--expected-version', '1', '--title', 'x'], {
      env: env(),
    });
    expect(stale.code).toBe(9);
    expect(stale.stderr).toMatch(/changed since you read it/);
    const usage = await runItbot(['tickets', 'update', number, '--expected-version', 'zero'], { env: env() });
    expect(usage.code).toBe(2);
  });
});
