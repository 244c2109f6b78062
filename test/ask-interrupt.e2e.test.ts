import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPaths } from '../src/paths.js';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { type FakeGemini, fakeReply, startFakeGemini } from './helpers/fake-gemini-server.js';
import { runItbot } from './helpers/run-itbot.js';

// Ctrl+C at any moment of a turn: `itbot ask --yes "open a ticket…"` is sent SIGINT at a sweep of
// delays, with the offline agent and with the Gemini agent (a slow fake model). Each run exits 130
// (or 0 when it had already finished) within a bound, leaves no process of its own behind (the MCP
// server it started), and its write either happened once or not at all.

const DELAYS_MS = [0, 250, 500, 1_000, 1_500, 2_000, 3_000];
/** From SIGINT to exit, generous for a loaded 2-core machine. */
const EXIT_BOUND_MS = 30_000;

let fake: FakeGemini;
let dataDir: string;
let cleanup: () => void;
beforeAll(async () => {
  fake = await startFakeGemini();
  ({ dir: dataDir, cleanup } = makeSeededDataDir());
});
afterAll(async () => {
  await fake?.close();
  cleanup?.();
});

function descendants(pid: number): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
    const children = out.split('\n').map(Number).filter(Boolean);
    return children.flatMap((child) => [child, ...descendants(child)]);
  } catch {
    return [];
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Interrupted {
  /** 130, or 'SIGINT' when the signal came before `ask` set up its handler (a shell shows that as 130 too). */
  code: number | string | null;
  /** The write was listed on stderr ("changed data: …", or "interrupted while create_ticket was running"). */
  reported: boolean;
  msAfterSignal: number;
  leftBehind: number[];
  tickets: number;
}

async function interruptAt(delayMs: number, env: Record<string, string>, token: string): Promise<Interrupted> {
  const child = spawn(
    process.execPath,
    [bundledPaths.cliEntry(), 'ask', '--yes', '--no-cache', `open a ticket: the label printer ${token} is jammed`],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ITBOT_USER: 'maria.lopez', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | string | null>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal)),
  );
  await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, delayMs))]);
  const family = descendants(child.pid as number);
  const signalled = Date.now();
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_BOUND_MS);
  const code = await exit;
  clearTimeout(timer);
  const msAfterSignal = Date.now() - signalled;
  // Its MCP server ends once the client has gone (a few seconds at most).
  const deadline = Date.now() + 15_000;
  while (family.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  expect(stderr, stderr).not.toMatch(/internal error|this is a bug|\n\s+at .+:\d+:\d+/i);
  const list = await runItbot(['tickets', 'list', '--all', '--json', '--text', token], {
    env: { ITBOT_DATA_DIR: dataDir },
  });
  const tickets = (JSON.parse(list.stdout) as { tickets: unknown[] }).tickets.length;
  const reported = /changed data: create_ticket|interrupted while create_ticket was running/.test(stderr);
  return { code, reported, msAfterSignal, leftBehind: family.filter(alive), tickets };
}

function sweep(name: string, env: () => Record<string, string>, before?: (token: string) => void) {
  it(
    `${name}: every interrupted turn exits 130 (or 0 if done), leaves nothing running and writes once or not at all`,
    async () => {
      const results: (Interrupted & { delayMs: number })[] = [];
      for (const delayMs of DELAYS_MS) {
        const token = `zq${delayMs}x${Date.now().toString(36)}`;
        before?.(token);
        results.push({ delayMs, ...(await interruptAt(delayMs, env(), token)) });
      }
      process.stderr.write(`ask-interrupt (${name}): ${JSON.stringify(results)}\n`);
      for (const result of results) {
        expect([0, 130, 'SIGINT'], JSON.stringify(result)).toContain(result.code);
        expect(result.msAfterSignal).toBeLessThan(EXIT_BOUND_MS);
        expect(result.leftBehind, JSON.stringify(result)).toEqual([]);
        expect(result.tickets).toBeLessThanOrEqual(1);
        if (result.code === 0) expect(result.tickets, JSON.stringify(result)).toBe(1);
        // A write that landed is never silent: done, listed, or reported as possibly applied.
        if (result.tickets === 1) expect(result.reported, JSON.stringify(result)).toBe(true);
        // Interrupted before anything was written: nothing may have been written.
        if (result.code === 'SIGINT') expect(result.tickets).toBe(0);
      }
    },
    DELAYS_MS.length * (EXIT_BOUND_MS + 60_000),
  );
}

describe('Ctrl+C during itbot ask', () => {
  sweep('offline agent', () => ({ ITBOT_DATA_DIR: dataDir, ITBOT_BACKGROUND_SERVER: 'off' }));
  sweep(
    'Gemini agent, slow model',
    () => ({
      ITBOT_DATA_DIR: dataDir,
      ITBOT_BACKGROUND_SERVER: 'off',
      GEMINI_API_KEY: 'test-key',
      GOOGLE_GEMINI_BASE_URL: fake.baseUrl,
    }),
    (token) =>
      fake.script([
        { ...fakeReply.functionCall('create_ticket', { title: `Label printer ${token} jammed` }), delayMs: 700 },
        fakeReply.textStream(['Opened ', 'a ', 'ticket ', 'for ', 'the ', 'printer.'], { chunkDelayMs: 300 }),
      ]),
  );
});
