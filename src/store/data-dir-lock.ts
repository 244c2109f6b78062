import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreBusyError } from '../errors.js';

/**
 * itbot's own lock on an embedded data dir. PGlite's postmaster.pid holds a fake pid, so two
 * processes can open one directory and the second one's commits are silently lost. This lock
 * records the real owner and is only ever taken over from an owner that is no longer alive.
 */
export interface LockOwner {
  pid: number;
  hostname: string;
  purpose: string;
  acquiredAt: string;
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export interface AcquireOptions {
  /** Shown to a process that finds the store busy, e.g. "itbot mcp". */
  purpose: string;
  /** How long to wait for a live owner to let go before giving up. */
  waitMs: number;
  pollMs?: number;
}

const LOCK_FILE = 'store.lock';
/** A breaker file older than this belongs to a process that died mid-takeover. */
const BREAKER_STALE_MS = 10_000;

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function isStale(owner: LockOwner | undefined): boolean {
  // A lock we cannot read is being written right now (create-then-write), so it counts as live.
  if (!owner) return false;
  return owner.hostname === os.hostname() && !isProcessAlive(owner.pid);
}

function tryCreate(lockPath: string, owner: LockOwner): boolean {
  try {
    fs.writeFileSync(lockPath, JSON.stringify(owner), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Removes a lock whose owner is dead. A short-lived breaker file serialises the check-and-remove,
 * so two waiters cannot both decide the lock is stale and one delete the other's fresh lock.
 */
function breakStaleLock(lockPath: string): void {
  const breaker = `${lockPath}.break`;
  try {
    fs.writeFileSync(breaker, String(process.pid), { flag: 'wx' });
  } catch {
    try {
      if (Date.now() - fs.statSync(breaker).mtimeMs > BREAKER_STALE_MS) fs.rmSync(breaker, { force: true });
    } catch {
      // The breaker vanished meanwhile: its owner finished; try again on the next poll.
    }
    return;
  }
  try {
    if (isStale(readOwner(lockPath))) fs.rmSync(lockPath, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

function describeOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'another itbot process';
  return `another itbot process (pid ${owner.pid}, ${owner.purpose}, since ${owner.acquiredAt})`;
}

export async function acquireDataDirLock(dataDir: string, options: AcquireOptions): Promise<DataDirLock> {
  const lockPath = path.join(dataDir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    purpose: options.purpose,
    acquiredAt: new Date().toISOString(),
  };
  const deadline = Date.now() + options.waitMs;
  const pollMs = options.pollMs ?? 50;
  for (;;) {
    if (tryCreate(lockPath, me)) break;
    const owner = readOwner(lockPath);
    if (isStale(owner)) {
      breakStaleLock(lockPath);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new StoreBusyError(
        `The embedded store in ${dataDir} is in use by ${describeOwner(owner)}.`,
        'Wait for it to finish or stop it. To let several itbot processes work at once, set DATABASE_URL to a PostgreSQL server.',
      );
    }
    await sleep(pollMs);
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only remove the lock if it is still ours (never someone else's after a takeover).
    if (readOwner(lockPath)?.pid === process.pid) fs.rmSync(lockPath, { force: true });
  };
  process.on('exit', release);
  return { path: lockPath, release };
}
