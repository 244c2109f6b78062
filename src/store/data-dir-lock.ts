import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreBusyError } from '../errors.js';

/**
 * itbot's own lock on an embedded data dir. PGlite's postmaster.pid holds a fake pid, so two
 * processes can open one directory and the second one's commits are silently lost. This lock
 * records the real owner and is only ever taken over from an owner that is no longer alive.
 *
 * "Alive" is more than "some process has this pid": after a container restart (a fresh pid
 * namespace) or a reboot a new, unrelated process gets the dead owner's pid. So the lock also
 * records the owner's start time (/proc/<pid>/stat) and the kernel's boot id, and an owner counts as
 * alive only while the process with its pid started when it did.
 */
export interface LockOwner {
  pid: number;
  hostname: string;
  purpose: string;
  acquiredAt: string;
  /** The owner's start time in clock ticks since boot (/proc/<pid>/stat field 22), where known. */
  startTime?: string;
  /** /proc/sys/kernel/random/boot_id when the lock was taken, where known. */
  bootId?: string;
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
/**
 * A lock file still empty or unreadable after this long was left by a process killed between
 * creating and writing it (or by a full disk): writing takes microseconds.
 */
const UNREADABLE_LOCK_STALE_MS = 3_000;

/**
 * The fields of /proc/<pid>/stat after the command name (field 3, the state, comes first), or
 * undefined off Linux or when the process is gone. The name may hold spaces and parentheses:
 * count from the last ")".
 */
function procStatFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A process's start time (clock ticks since boot), or undefined off Linux or when it is gone. */
export function processStartTime(pid: number): string | undefined {
  return procStatFields(pid)?.[19];
}

function currentBootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A killed process whose parent has not reaped it yet still answers kill(pid, 0). An orphaned
 * background server is reaped by pid 1, which in a container may take seconds or never happen;
 * until then it holds no lock and serves nothing, so it counts as gone.
 */
function isZombie(pid: number): boolean {
  const state = procStatFields(pid)?.[0];
  return state === 'Z' || state === 'X'; // undefined off Linux, or gone since (the next look says so)
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockOwner;
    return typeof owner?.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}

function lockAgeMs(lockPath: string): number {
  try {
    return Date.now() - fs.statSync(lockPath).mtimeMs;
  } catch {
    return 0;
  }
}

/** Whether the recorded owner is still the process running under its pid on this host. */
function ownerAlive(owner: LockOwner): boolean {
  if (!isProcessAlive(owner.pid)) return false;
  const bootId = currentBootId();
  if (owner.bootId && bootId && owner.bootId !== bootId) return false; // taken before a reboot
  const startTime = processStartTime(owner.pid);
  if (owner.startTime && startTime && owner.startTime !== startTime) return false; // the pid was reused
  return true;
}

function isStale(lockPath: string, owner: LockOwner | undefined): boolean {
  // A lock we cannot read is being written right now (create-then-write), so it counts as live,
  // unless it has stayed unreadable far longer than a write takes.
  if (!owner) return lockAgeMs(lockPath) > UNREADABLE_LOCK_STALE_MS;
  return owner.hostname === os.hostname() && !ownerAlive(owner);
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
    if (isStale(lockPath, readOwner(lockPath))) fs.rmSync(lockPath, { force: true });
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
    startTime: processStartTime(process.pid),
    bootId: currentBootId(),
  };
  const deadline = Date.now() + options.waitMs;
  const pollMs = options.pollMs ?? 50;
  for (;;) {
    if (tryCreate(lockPath, me)) break;
    const owner = readOwner(lockPath);
    if (isStale(lockPath, owner)) {
      breakStaleLock(lockPath);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new StoreBusyError(
        `The embedded store in ${dataDir} is in use by ${describeOwner(owner)}.`,
        `Wait for it to finish or stop it. If no itbot process is running (it was on another machine, say), remove ${lockPath}. ` +
          'To let several itbot processes work at once, set DATABASE_URL to a PostgreSQL server.',
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
    const holder = readOwner(lockPath);
    if (holder?.pid === process.pid && holder.startTime === me.startTime) fs.rmSync(lockPath, { force: true });
  };
  process.on('exit', release);
  return { path: lockPath, release };
}
