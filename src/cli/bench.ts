import { spawnSync } from 'node:child_process';
import { resolveConfig } from '../config/index.js';
import { ExitCode, ItbotError, UsageError } from '../errors.js';
import { bundledPaths } from '../paths.js';
import { openStore } from '../store/index.js';
import type { BenchLoadOptions } from './bench-load/command.js';
import { median } from './bench-stats.js';

const QUESTION = 'outlook keeps asking for my password';

interface AskSample {
  wallMs: number;
  processStartMs: number;
  mcpReadyMs: number;
  toolMs: number;
  modelMs: number;
}

function runAsk(): AskSample {
  const started = performance.now();
  const run = spawnSync(process.execPath, [bundledPaths.cliEntry(), 'ask', '--json', QUESTION], { encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (run.status !== 0) {
    // The question is a fixed, known-good one: a failure is the environment's (store, config), so
    // pass on what `itbot ask` said and its exit code rather than calling it a bug.
    const said = run.stderr
      .split('\n')
      .filter((line) => line.trim() && !line.includes('answering offline'))
      .join('\n  ');
    throw new ItbotError(
      `The benchmark's \`itbot ask\` failed:\n  ${said}`,
      (run.status ?? ExitCode.internal) as ExitCode,
    );
  }
  const { timings } = JSON.parse(run.stdout) as { timings: Omit<AskSample, 'wallMs'> };
  return { wallMs, ...timings };
}

/** `itbot bench ask`: fresh `itbot ask` processes against the configured store, and the split. */
async function benchAsk(runs: number, json: boolean): Promise<number> {
  runAsk(); // warm-up: creates the data dir on a first run, fills the OS file cache
  const samples = Array.from({ length: runs }, runAsk);
  const storeOpenMs: number[] = [];
  const config = resolveConfig();
  for (let i = 0; i < Math.min(runs, 5); i++) {
    const started = performance.now();
    const store = await openStore(config, { purpose: 'itbot bench' });
    storeOpenMs.push(performance.now() - started);
    await store.close();
  }
  const result = {
    runs,
    question: QUESTION,
    store: config.databaseUrl ? 'server' : 'embedded',
    medianMs: {
      wall: median(samples.map((s) => s.wallMs)),
      processStart: median(samples.map((s) => s.processStartMs)),
      mcpReady: median(samples.map((s) => s.mcpReadyMs)),
      storeOpenInProcess: median(storeOpenMs),
      tools: median(samples.map((s) => s.toolMs)),
      model: median(samples.map((s) => s.modelMs)),
    },
    maxWallMs: Math.max(...samples.map((s) => s.wallMs)),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const m = result.medianMs;
    process.stdout.write(
      [
        `itbot ask, ${runs} fresh processes, ${result.store} store (medians):`,
        `  wall time            ${m.wall.toFixed(0)} ms   (max ${result.maxWallMs.toFixed(0)} ms)`,
        `  node start → CLI     ${m.processStart.toFixed(0)} ms`,
        `  CLI → MCP ready      ${(m.mcpReady).toFixed(0)} ms   (child spawned, handshake done)`,
        `  tool calls           ${m.tools.toFixed(0)} ms   (includes waiting for the child's store to open)`,
        `  model (offline)      ${m.model.toFixed(0)} ms`,
        `  store open alone     ${m.storeOpenInProcess.toFixed(0)} ms   (PGlite open, measured in this process)`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}

export interface BenchOptions extends BenchLoadOptions {
  runs: number;
  tickets: number;
  ops: number;
  chunks: number;
  databaseUrl?: string;
  wire?: boolean;
  hnsw?: boolean;
  compareExact?: boolean;
  json?: boolean;
}

export async function benchCommand(what: string, options: BenchOptions): Promise<number> {
  if (what === 'load') {
    const { benchLoadCommand } = await import('./bench-load/command.js');
    return benchLoadCommand(options);
  }
  if (what === 'ask') return benchAsk(options.runs, options.json === true);
  if (what === 'tickets') {
    const { benchTickets, formatTicketBench } = await import('./bench-tickets.js');
    const result = await benchTickets(options);
    process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : formatTicketBench(result));
    return 0;
  }
  if (what === 'search') {
    const { benchSearch, formatSearchBench } = await import('./bench-search.js');
    const result = await benchSearch({
      chunks: options.chunks,
      queries: options.ops,
      wire: options.wire,
      hnsw: options.hnsw,
      compareExact: options.compareExact,
    });
    process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : formatSearchBench(result));
    return 0;
  }
  if (what === 'tui') {
    const { benchTui, formatTuiBench } = await import('./bench-tui.js');
    const result = await benchTui(options.runs);
    process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : formatTuiBench(result));
    return 0;
  }
  throw new UsageError(`Unknown benchmark "${what}".`, 'Available: ask, tickets, search, tui, load.');
}
