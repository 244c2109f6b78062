/**
 * Figure 1: `itbot ask` wall time, as a user sees it (spawn to exit), three ways:
 * - local background server already running (the default);
 * - ITBOT_BACKGROUND_SERVER=off: a private stdio server per run (the old way);
 * - the first ask on a fresh data dir, which has to start the background server, beside the
 *   first ask on a fresh data dir with the background server off.
 * Floors beside them: `node -e ""` and `itbot --version` (process start and CLI loading alone).
 * Runs of the two steady modes are interleaved so that machine load hits both alike.
 *
 *   npx tsx bench/scaling-ask.ts [--runs 15] [--first 3]
 */

import { spawn } from 'node:child_process';
import {
  arg,
  conditions,
  fmt,
  freshDataDir,
  ITBOT,
  itbotEnv,
  load,
  pct,
  type Run,
  runItbot,
} from './scaling-common.js';

const RUNS = arg('runs', 15);
const FIRST = arg('first', 3);
const QUESTION = 'vpn not working';

interface Timings {
  processStartMs?: number;
  mcpReadyMs?: number;
  toolMs?: number;
  modelMs?: number;
  totalMs?: number;
}

function timings(run: Run): Timings {
  try {
    return (JSON.parse(run.stdout) as { timings: Timings }).timings;
  } catch {
    return {};
  }
}

function nodeBare(): Promise<number> {
  return new Promise((resolve) => {
    const t = performance.now();
    spawn(process.execPath, ['-e', ''], { stdio: 'ignore' }).on('close', () => resolve(performance.now() - t));
  });
}

type Row = { label: string; walls: number[]; t: Timings[]; failures: number };
const row = (label: string): Row => ({ label, walls: [], t: [], failures: 0 });
function record(r: Row, run: Run): void {
  if (run.code !== 0) {
    r.failures += 1;
    console.error(`  ${r.label}: exit ${run.code}: ${run.stderr.trim().split('\n').at(-1)}`);
  }
  r.walls.push(run.ms);
  r.t.push(timings(run));
}

conditions('itbot ask wall time');
console.log(`# runs ${RUNS} per steady mode, ${FIRST} first asks, question "${QUESTION}", ${ITBOT}`);

const localDir = freshDataDir('ask-local');
const offDir = freshDataDir('ask-off');
const localEnv = itbotEnv({ ITBOT_DATA_DIR: localDir, ITBOT_BACKGROUND_SERVER: undefined });
const offEnv = itbotEnv({ ITBOT_DATA_DIR: offDir, ITBOT_BACKGROUND_SERVER: 'off' });

const floors = { node: row('node -e ""'), version: row('itbot --version') };
const local = row('server running');
const off = row('ITBOT_BACKGROUND_SERVER=off');
const first = row('first ask, fresh dir (starts the server)');
const firstOff = row('first ask, fresh dir, ITBOT_BACKGROUND_SERVER=off');

try {
  // Warm each dir once: creates the store (and, for local, starts the server).
  console.log(`  warm local: ${fmt((await runItbot(['ask', '--json', QUESTION], localEnv)).ms)}`);
  console.log(`  warm off:   ${fmt((await runItbot(['ask', '--json', QUESTION], offEnv)).ms)}`);
  for (let i = 0; i < RUNS; i += 1) {
    floors.node.walls.push(await nodeBare());
    record(floors.version, await runItbot(['--version'], localEnv));
    record(local, await runItbot(['ask', '--json', QUESTION], localEnv));
    record(off, await runItbot(['ask', '--json', QUESTION], offEnv));
  }
  for (let i = 0; i < FIRST; i += 1) {
    const dir = freshDataDir('ask-first');
    const env = itbotEnv({ ITBOT_DATA_DIR: dir, ITBOT_BACKGROUND_SERVER: undefined });
    record(first, await runItbot(['ask', '--json', QUESTION], env));
    await runItbot(['server', 'stop'], env);
    const offFresh = itbotEnv({ ITBOT_DATA_DIR: freshDataDir('ask-first-off'), ITBOT_BACKGROUND_SERVER: 'off' });
    record(firstOff, await runItbot(['ask', '--json', QUESTION], offFresh));
  }
} finally {
  await runItbot(['server', 'stop'], localEnv);
}

const mean = (xs: (number | undefined)[]) => {
  const v = xs.filter((x): x is number => typeof x === 'number');
  return v.length ? fmt(pct(v, 50)) : '-';
};
console.log(
  '\n| mode | runs | median wall | min | max | failures | median processStart | median mcpReady | median tools | median total (in-process) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of [floors.node, floors.version, local, off, first, firstOff]) {
  console.log(
    `| ${r.label} | ${r.walls.length} | ${fmt(pct(r.walls, 50))} | ${fmt(Math.min(...r.walls))} | ${fmt(Math.max(...r.walls))} | ${r.failures} | ${mean(r.t.map((t) => t.processStartMs))} | ${mean(r.t.map((t) => t.mcpReadyMs))} | ${mean(r.t.map((t) => t.toolMs))} | ${mean(r.t.map((t) => t.totalMs))} |`,
  );
}
console.log(`\n# loadavg after: ${load()}`);
