import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ItbotConfig } from '../config/index.js';
import { errorMessage, ItbotError, StoreError } from '../errors.js';
import { bundledPaths } from '../paths.js';
// The light modules of src/store: its index would load PGlite, which a client never needs.
import { isProcessAlive } from '../store/data-dir-lock.js';
import { ensureDirectory } from '../store/directories.js';
import { ITBOT_VERSION } from '../version.js';
import { type LocalServerRecord, readLocalServerRecord } from './local-server-record.js';

/**
 * The background server of an embedded data dir, found or started on demand (as gopls -remote=auto
 * or the Gradle daemon do): every itbot process of this user on this data dir talks to it, so the
 * embedded store has exactly one owner and nobody pays for PostgreSQL's start-up twice.
 */
export interface LocalServer {
  url: string;
  token: string;
  pid: number;
  /** True when this call started it. */
  started: boolean;
}

const SERVER_LOG = 'server.log';
const START_FAILURE = 'server.failed.json';
const LOG_ROTATE_BYTES = 5 * 1024 * 1024;
const HEALTH_TIMEOUT_MS = 1_500;
/** A start that bows out to a server which then goes is retried; a few times, not forever. */
const MAX_STARTS = 3;

/** What a start-up failure leaves for the client that started the server. */
export interface StartFailure {
  message: string;
  hint?: string;
  exitCode: number;
}

export function startFailurePath(dataDir: string): string {
  return path.join(dataDir, START_FAILURE);
}

export function serverLogPath(dataDir: string): string {
  return path.join(dataDir, SERVER_LOG);
}

/**
 * The settings a server takes from the process that started it. A client whose settings differ
 * (another Redis, another embedder or key) replaces the server instead of silently using its own.
 */
export function serverSettingsFingerprint(config: ItbotConfig): string {
  const relevant = [
    config.redisUrl ?? '',
    config.embedder,
    config.embedModel,
    config.geminiApiKey ?? '',
    config.dataDir,
  ];
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}

interface Health {
  version: string;
  pid: number;
}

async function health(url: string): Promise<Health | undefined> {
  try {
    const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    if (!response.ok) return undefined;
    return (await response.json()) as Health;
  } catch {
    return undefined;
  }
}

export interface LocalServerStatus {
  record: LocalServerRecord;
  /** Whether the recorded process answers at the recorded address. */
  healthy: boolean;
}

/** The data dir's server as recorded, and whether it answers (a record of a dead server is stale). */
export async function probeLocalServer(dataDir: string): Promise<LocalServerStatus | undefined> {
  const record = readLocalServerRecord(dataDir);
  if (!record) return undefined;
  const answer = await health(record.url);
  return { record, healthy: answer?.pid === record.pid };
}

function usable(status: LocalServerStatus, fingerprint: string): boolean {
  return status.healthy && status.record.version === ITBOT_VERSION && status.record.settings === fingerprint;
}

/** Asks a server to stop once its running calls finish. Resolves false when it is not running. */
export async function stopLocalServer(dataDir: string, options: { waitMs?: number } = {}): Promise<boolean> {
  const status = await probeLocalServer(dataDir);
  if (!status?.healthy) return false;
  try {
    await fetch(new URL('/control?action=stop', status.record.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${status.record.token}` },
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
  } catch {
    // It may have gone already.
  }
  const deadline = Date.now() + (options.waitMs ?? 15_000);
  // Gone means the process has ended (store closed, lock released), not just stopped listening.
  while (Date.now() < deadline && isProcessAlive(status.record.pid)) await sleep(50);
  return true;
}

function openLog(dataDir: string): number {
  const log = serverLogPath(dataDir);
  try {
    if (fs.statSync(log).size > LOG_ROTATE_BYTES) fs.renameSync(log, `${log}.1`);
  } catch {
    // No log yet.
  }
  return fs.openSync(log, 'a', 0o600);
}

function readStartFailure(dataDir: string): StartFailure | undefined {
  try {
    return JSON.parse(fs.readFileSync(startFailurePath(dataDir), 'utf8')) as StartFailure;
  } catch {
    return undefined;
  }
}

/** A `serve --local` on its way up: its pid, and its exit code once it has exited. */
interface StartingServer {
  pid: number | undefined;
  exitCode(): number | null;
}

function startServerProcess(config: ItbotConfig): StartingServer {
  fs.rmSync(startFailurePath(config.dataDir), { force: true });
  let logFd: number;
  try {
    logFd = openLog(config.dataDir);
  } catch (error) {
    throw new StoreError(
      `Cannot write in the data dir ${config.dataDir}: ${errorMessage(error)}`,
      'Set ITBOT_DATA_DIR to a writable directory.',
    );
  }
  const child = spawn(process.execPath, [bundledPaths.cliEntry(), 'serve', '--local'], {
    // Its own session: closing this terminal does not take the server (and other terminals' work) down.
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, ITBOT_DATA_DIR: config.dataDir },
  });
  fs.closeSync(logFd);
  let exitCode: number | null = null;
  child.on('exit', (code, signal) => {
    exitCode = code ?? (signal ? 1 : 0);
  });
  child.unref();
  return { pid: child.pid, exitCode: () => exitCode };
}

/** Finds this data dir's background server, starting (or replacing) it when needed. */
export async function ensureLocalServer(config: ItbotConfig): Promise<LocalServer> {
  const fingerprint = serverSettingsFingerprint(config);
  const existing = await probeLocalServer(config.dataDir);
  if (existing && usable(existing, fingerprint)) {
    return { url: existing.record.url, token: existing.record.token, pid: existing.record.pid, started: false };
  }
  // Another version or other settings: it stops once its running calls finish, and the new
  // server waits for it to release the store.
  if (existing?.healthy) await stopLocalServer(config.dataDir, { waitMs: 0 });

  try {
    ensureDirectory(config.dataDir);
  } catch (error) {
    throw new StoreError(
      `Cannot create the data dir ${config.dataDir}: ${errorMessage(error)}`,
      'Set ITBOT_DATA_DIR to a writable directory.',
    );
  }
  let starting = startServerProcess(config);
  let starts = 1;
  const deadline = Date.now() + config.storeLockWaitMs + 15_000;
  while (Date.now() < deadline) {
    const status = await probeLocalServer(config.dataDir);
    // Ours, or the winner of a race with another process starting one at the same moment.
    if (status && usable(status, fingerprint)) {
      return {
        url: status.record.url,
        token: status.record.token,
        pid: status.record.pid,
        started: status.record.pid === starting.pid,
      };
    }
    const exitCode = starting.exitCode();
    if (exitCode !== null && exitCode !== 0) {
      const failure = readStartFailure(config.dataDir);
      throw new ItbotError(
        failure?.message ?? `The background itbot server exited (code ${exitCode}) before it was ready.`,
        (failure?.exitCode ?? 4) as ItbotError['exitCode'],
        failure?.hint ?? `See ${serverLogPath(config.dataDir)}.`,
      );
    }
    // Ours bowed out to a server that was alive then (a busy one that is slow to answer keeps the
    // wait going) but has gone since, stopped or killed: nobody else will start one, so start again.
    const winnerGone = !status || !isProcessAlive(status.record.pid);
    if (exitCode === 0 && winnerGone && starts < MAX_STARTS) {
      starting = startServerProcess(config);
      starts += 1;
    }
    await sleep(25);
  }
  throw new StoreError(
    'The background itbot server did not start in time.',
    `See ${serverLogPath(config.dataDir)}; or set ITBOT_BACKGROUND_SERVER=off to run without it.`,
  );
}
