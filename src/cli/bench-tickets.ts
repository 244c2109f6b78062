import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ItbotConfig, resolveConfig } from '../config/index.js';
import { ToolFailedError, UsageError } from '../errors.js';
import { connectTicketServer } from '../mcp/index.js';
import { bundledPaths } from '../paths.js';
import { migrateToLatest, openStore, type Store } from '../store/index.js';
import { readCompanySeed, seedCompany } from '../tickets/index.js';
import { IT_SUBJECTS, type LatencySummary, summarize, timed } from './bench-stats.js';

export interface TicketBenchOptions {
  tickets: number;
  ops: number;
  /** A scratch PostgreSQL database to bench over the wire; default: a temporary embedded store. */
  databaseUrl?: string;
  json?: boolean;
}

const PROBLEMS = [
  'keeps disconnecting',
  'not working',
  'very slow',
  'shows an error',
  'will not start',
  'asks for a password',
];

/** Fills the store with `count` tickets in a few big INSERT … SELECTs (the MCP path is what is measured). */
async function loadTickets(store: Store, count: number): Promise<number> {
  const started = performance.now();
  const batch = 10_000;
  for (let done = 0; done < count; done += batch) {
    const size = Math.min(batch, count - done);
    await store.query(
      `INSERT INTO tickets (title, description, impact, urgency, priority, requester, category_id, group_id, tags, status, created_at)
       SELECT ($1::text[])[1 + (i % array_length($1, 1))] || ' ' || ($2::text[])[1 + (i % array_length($2, 1))] || ' #' || i,
              'Reported by bench user ' || (i % 400) || ': ' || ($2::text[])[1 + ((i / 7) % array_length($2, 1))],
              1 + (i % 3), 1 + ((i / 3) % 3), 'P' || (1 + (i % 4)), 'bench.user' || (i % 400),
              c.id, c.default_group_id, ARRAY[($1::text[])[1 + (i % array_length($1, 1))]],
              (ARRAY['new','open','pending','resolved','closed'])[1 + (i % 5)],
              now() - make_interval(mins => i)
       FROM generate_series($3::int, $4::int) AS i
       CROSS JOIN LATERAL (SELECT id, default_group_id FROM categories ORDER BY id OFFSET (i % 30) LIMIT 1) c`,
      [IT_SUBJECTS, PROBLEMS, done, done + size - 1],
    );
  }
  return Math.round(performance.now() - started);
}

async function prepareStore(config: ItbotConfig, count: number): Promise<{ loadMs: number }> {
  // The scratch database is the benchmark's own, so it migrates it without asking.
  const store = await openStore(config, { purpose: 'itbot bench tickets' });
  try {
    await migrateToLatest(store);
    await seedCompany(store, readCompanySeed(bundledPaths.seed()));
    const { rows } = await store.query<{ n: string }>('SELECT count(*)::text AS n FROM tickets');
    if (Number(rows[0]?.n) > 0) {
      throw new UsageError(
        'The benchmark database already has tickets; it writes thousands more.',
        'Point --database-url at an empty scratch database.',
      );
    }
    const loadMs = await loadTickets(store, count);
    const loaded = await store.query<{ n: string }>('SELECT count(*)::text AS n FROM tickets');
    if (Number(loaded.rows[0]?.n) !== count) throw new Error(`loaded ${loaded.rows[0]?.n} tickets, expected ${count}`);
    return { loadMs };
  } finally {
    await store.close();
  }
}

export interface TicketBenchResult {
  store: 'embedded' | 'server';
  tickets: number;
  loadMs: number;
  create: LatencySummary;
  update: LatencySummary;
  searchText: LatencySummary;
  searchFiltered: LatencySummary;
}

/** `itbot bench tickets`: create, update and search through the MCP server over stdio. */
export async function benchTickets(options: TicketBenchOptions): Promise<TicketBenchResult> {
  const scratch = options.databaseUrl ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ITBOT_USER: 'bench.agent' };
  if (scratch) {
    env.ITBOT_DATA_DIR = scratch;
    delete env.DATABASE_URL;
  } else {
    env.DATABASE_URL = options.databaseUrl;
  }
  try {
    const config = resolveConfig(env);
    const { loadMs } = await prepareStore(config, options.tickets);
    const connection = await connectTicketServer({ env, stderr: 'ignore' });
    try {
      const call = async (name: string, args: Record<string, unknown>) => {
        const outcome = await connection.callTool(name, args);
        if (!outcome.ok) throw new ToolFailedError(`${name} failed during the benchmark: ${outcome.text}`);
        return outcome.data as Record<string, unknown>;
      };
      const create: number[] = [];
      const update: number[] = [];
      const searchText: number[] = [];
      const searchFiltered: number[] = [];
      for (let i = 0; i < options.ops; i++) {
        const created = await timed(
          () => call('create_ticket', { title: `Bench ticket ${i}: printer offline`, impact: 3, urgency: 2 }),
          create,
        );
        const ticket = created.ticket as { number: string; version: number };
        await timed(
          () => call('update_ticket', { ticket: ticket.number, expected_version: ticket.version, add_tags: ['bench'] }),
          update,
        );
        const word = IT_SUBJECTS[i % IT_SUBJECTS.length] as string;
        await timed(
          () => call('search_tickets', { text: `${word} ${PROBLEMS[i % PROBLEMS.length]}`, limit: 20 }),
          searchText,
        );
        await timed(
          () =>
            call('search_tickets', { status: ['open', 'pending'], priority: ['P1', 'P2'], tags: [word], limit: 20 }),
          searchFiltered,
        );
      }
      return {
        store: options.databaseUrl ? 'server' : 'embedded',
        tickets: options.tickets,
        loadMs,
        create: summarize(create),
        update: summarize(update),
        searchText: summarize(searchText),
        searchFiltered: summarize(searchFiltered),
      };
    } finally {
      await connection.close();
    }
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatTicketBench(result: TicketBenchResult): string {
  const row = (name: string, s: LatencySummary) =>
    `  ${name.padEnd(24)} p50 ${s.p50Ms.toFixed(1).padStart(6)} ms   p95 ${s.p95Ms.toFixed(1).padStart(6)} ms   ${String(s.perSecond).padStart(5)}/s`;
  return [
    `tickets through the MCP server (stdio), ${result.store} store, ${result.tickets.toLocaleString('en')} tickets loaded in ${(result.loadMs / 1000).toFixed(1)} s, ${result.create.count} calls each:`,
    row('create_ticket', result.create),
    row('update_ticket', result.update),
    row('search_tickets (text)', result.searchText),
    row('search_tickets (filters)', result.searchFiltered),
    '',
  ].join('\n');
}
