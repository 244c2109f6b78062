import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreBusyError } from '../errors.js';
import { acquireDataDirLock, isProcessAlive, processStartTime } from './data-dir-lock.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A real process id that is certainly dead: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

/**
 * A killed process nobody has reaped yet: the shell starts a short sleep, then becomes a long
 * sleep that never waits for it, as an orphan waits for a slow pid 1 to reap it.
 */
async function zombie(): Promise<{ pid: number; reaper: ReturnType<typeof spawn> }> {
  const reaper = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => reaper.stdout?.once('data', (d) => resolve(Number(String(d)))));
  for (let i = 0; i < 100 && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { pid, reaper };
}

describe('data dir lock', () => {
  it('records the owner and removes the lock on release', async () => {
    const dir = tempDir();
    const lock = await acquireDataDirLock(dir, { purpose: 'test', waitMs: 0 });
    const owner = JSON.parse(fs.readFileSync(lock.path, 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, purpose: 'test', hostname: os.hostname() });
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
  });

  it('refuses a second owner while the first is alive, naming who holds it and the fix', async () => {
    const dir = tempDir();
    const first = await acquireDataDirLock(dir, { purpose: 'itbot mcp', waitMs: 0 });
    const second = acquireDataDirLock(dir, { purpose: 'other', waitMs: 200, pollMs: 20 });
    await expect(second).rejects.toBeInstanceOf(StoreBusyError);
    await expect(second).rejects.toThrow(/in use by another itbot process \(pid \d+, itbot mcp/);
    await expect(second).rejects.toMatchObject({ hint: expect.stringContaining('DATABASE_URL') });
    first.release();
  });

  it('lets a waiting opener in as soon as the owner releases', async () => {
    const dir = tempDir();
    const first = await acquireDataDirLock(dir, { purpose: 'first', waitMs: 0 });
    setTimeout(() => first.release(), 100);
    const second = await acquireDataDirLock(dir, { purpose: 'second', waitMs: 5_000, pollMs: 20 });
    expect(JSON.parse(fs.readFileSync(second.path, 'utf8')).purpose).toBe('second');
    second.release();
  });

  it('takes over a lock whose owner process is dead', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    fs.writeFileSync(
      path.join(dir, 'store.lock'),
      JSON.stringify({ pid, hostname: os.hostname(), purpose: 'crashed', acquiredAt: '' }),
    );
    const lock = await acquireDataDirLock(dir, { purpose: 'after crash', waitMs: 0 });
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('never removes a lock that another process now owns', async () => {
    const dir = tempDir();
    const lock = await acquireDataDirLock(dir, { purpose: 'mine', waitMs: 0 });
    fs.writeFileSync(
      lock.path,
      JSON.stringify({ pid: process.ppid, hostname: os.hostname(), purpose: 'theirs', acquiredAt: '' }),
    );
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(true);
  });

  describe.skipIf(processStartTime(process.pid) === undefined)(
    'a pid that was reused (container restart, reboot)',
    () => {
      const lockWith = (dir: string, fields: Record<string, unknown>) =>
        fs.writeFileSync(
          path.join(dir, 'store.lock'),
          JSON.stringify({
            pid: process.pid,
            hostname: os.hostname(),
            purpose: 'before the restart',
            acquiredAt: '',
            ...fields,
          }),
        );

      it('is not taken for a live owner: the process under that pid started at another time', async () => {
        const dir = tempDir();
        // What a fresh pid namespace does: the dead owner's pid now belongs to a live, unrelated process (this one).
        lockWith(dir, { startTime: '1' });
        const lock = await acquireDataDirLock(dir, { purpose: 'after restart', waitMs: 0 });
        expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).purpose).toBe('after restart');
        lock.release();
      });

      it('nor is an owner recorded before a reboot (another boot id)', async () => {
        const dir = tempDir();
        lockWith(dir, { startTime: processStartTime(process.pid), bootId: '00000000-0000-0000-0000-000000000000' });
        const lock = await acquireDataDirLock(dir, { purpose: 'after reboot', waitMs: 0 });
        lock.release();
      });

      it('while the same process (same start time, same boot) still counts as alive', async () => {
        const dir = tempDir();
        const first = await acquireDataDirLock(dir, { purpose: 'live owner', waitMs: 0 });
        const owner = JSON.parse(fs.readFileSync(first.path, 'utf8'));
        expect(owner.startTime).toBe(processStartTime(process.pid));
        await expect(acquireDataDirLock(dir, { purpose: 'other', waitMs: 100, pollMs: 20 })).rejects.toBeInstanceOf(
          StoreBusyError,
        );
        first.release();
      });
    },
  );

  it('an empty lock file (killed between create and write, or a full disk) is stale once it is a few seconds old', async () => {
    const dir = tempDir();
    const lockPath = path.join(dir, 'store.lock');
    fs.writeFileSync(lockPath, '');
    // Fresh: someone is writing it right now, so wait…
    await expect(acquireDataDirLock(dir, { purpose: 'too soon', waitMs: 100, pollMs: 20 })).rejects.toMatchObject({
      hint: expect.stringContaining(`remove ${lockPath}`),
    });
    // …but one left like that for ten seconds belongs to nobody.
    const tenSecondsAgo = new Date(Date.now() - 10_000);
    fs.utimesSync(lockPath, tenSecondsAgo, tenSecondsAgo);
    const lock = await acquireDataDirLock(dir, { purpose: 'after the empty lock', waitMs: 0 });
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).purpose).toBe('after the empty lock');
    lock.release();
  });

  it.runIf(process.platform === 'linux')(
    'an owner killed but not yet reaped (a zombie) is not alive, and its lock is taken over',
    async () => {
      const { pid, reaper } = await zombie();
      try {
        expect(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).toContain(') Z ');
        expect(isProcessAlive(pid)).toBe(false);
        const dir = tempDir();
        fs.writeFileSync(
          path.join(dir, 'store.lock'),
          JSON.stringify({ pid, hostname: os.hostname(), purpose: 'killed server', acquiredAt: '' }),
        );
        const lock = await acquireDataDirLock(dir, { purpose: 'after the zombie', waitMs: 0 });
        lock.release();
        expect(isProcessAlive(process.pid)).toBe(true);
      } finally {
        reaper.kill('SIGKILL');
      }
    },
  );
});
