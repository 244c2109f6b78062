import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';

// Random and hostile argv for the CLI, as a script or a confused user would type it: each run ends
// within a bound with a documented exit code (never 1, "internal error", nor a signal), prints no
// stack trace, and — none of these being a consented write — leaves the tickets and the index as
// they were. Processes are slow, so each property runs a bounded number of cases.

const RUNS = Number(process.env.ITBOT_FUZZ_CLI_RUNS ?? 40);
const BOUND_MS = 60_000;
/** Exit codes the README documents for these commands (src/errors.ts). */
const DOCUMENTED = [0, 2, 3, 4, 5, 6, 7, 8, 9];

const hostile = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    "'; DROP TABLE tickets; --",
    '\u001b[31mred\u001b[0m',
    '\u001b]8;;http://evil\u0007link\u001b]8;;\u0007',
    '%s%n%x',
    '--',
    '-',
    '--limit=-1',
    '--limit=99999999999',
    '--json',
    '--status=nope',
    'IT-999999',
    'IT-000001',
    '#0',
    '\uD800',
    'x'.repeat(5_000),
  ),
);
/** argv cannot carry NUL: the OS refuses it before itbot sees it. */
const arg = hostile.map((text) => text.replaceAll('\u0000', ''));
const args = fc.array(arg, { maxLength: 4 });

let dataDir: string;
let cleanup: () => void;
let before: string;
const env = () => ({ ITBOT_DATA_DIR: dataDir, ITBOT_BACKGROUND_SERVER: 'off' });

/** The tickets and the index as a user sees them: what no command here may change. */
async function snapshot(): Promise<string> {
  const tickets = await runItbot(['tickets', 'list', '--all', '--json', '--limit', '500'], { env: env() });
  const kb = await runItbot(['kb', 'search', 'vpn', '--json'], { env: env() });
  const list = JSON.parse(tickets.stdout) as { tickets: { number: string; version: number }[] };
  const results = JSON.parse(kb.stdout) as { results: { path: string }[] };
  return JSON.stringify([list.tickets.map((t) => [t.number, t.version]), results.results.map((r) => r.path)]);
}

beforeAll(async () => {
  ({ dir: dataDir, cleanup } = makeSeededDataDir());
  before = await snapshot();
}, BOUND_MS * 2);
afterAll(() => cleanup?.());

const tally: Record<string, { cases: number; codes: Record<string, number> }> = {};

async function expectDocumentedExit(name: string, argv: string[]): Promise<void> {
  const run = await runItbot(argv, { env: env(), timeoutMs: BOUND_MS });
  tally[name] ??= { cases: 0, codes: {} };
  const entry = tally[name];
  entry.cases++;
  entry.codes[String(run.code)] = (entry.codes[String(run.code)] ?? 0) + 1;
  const shown = JSON.stringify(argv).slice(0, 300);
  expect(DOCUMENTED, `${shown}\n${run.stderr.slice(0, 2000)}`).toContain(run.code);
  expect(run.stderr + run.stdout, shown).not.toMatch(/internal error|this is a bug|\n\s+at .+:\d+:\d+\)?\n/i);
}

describe('hostile argv for the CLI', () => {
  afterAll(() => {
    process.stderr.write(`cli-fuzz: ${JSON.stringify(tally)}\n`);
  });

  it(
    'itbot tickets list|show|similar|<anything>',
    async () => {
      const sub = fc.oneof(fc.constantFrom('list', 'show', 'similar'), arg);
      await fc.assert(
        fc.asyncProperty(sub, args, async (command, rest) => {
          // Only read-only subcommands: a user's `tickets close` is their consented write.
          fc.pre(
            ![
              'create',
              'update',
              'close',
              'assign',
              'reply',
              'note',
              'hold',
              'reopen',
              'resolve',
              'cancel',
              'link',
              'merge',
              'reply-macro',
              // attach stores a file; attachment writes one wherever --output says.
              'attach',
              'attachment',
            ].includes(command),
          );
          await expectDocumentedExit('tickets', ['tickets', command, ...rest]);
        }),
        { numRuns: RUNS },
      );
    },
    RUNS * BOUND_MS,
  );

  it(
    'itbot kb search',
    async () => {
      await fc.assert(
        fc.asyncProperty(args, async (rest) => expectDocumentedExit('kb search', ['kb', 'search', ...rest])),
        { numRuns: RUNS },
      );
    },
    RUNS * BOUND_MS,
  );

  it(
    'itbot reindex --source with traversal and nonsense paths',
    async () => {
      const source = fc
        .tuple(fc.constantFrom('/nonexistent-itbot-fuzz/', '', '../', './'), arg)
        .map(([prefix, rest]) => `${prefix}${rest}`);
      await fc.assert(
        fc.asyncProperty(source, async (dir) => {
          // A path that exists would be a real (consented) reindex of it, not hostile input.
          fc.pre(dir.length > 0 && !fs.existsSync(path.resolve(dir)));
          await expectDocumentedExit('reindex --source', ['reindex', '--source', dir]);
        }),
        { numRuns: RUNS },
      );
    },
    RUNS * BOUND_MS,
  );

  it(
    'itbot ask (offline agent, no --yes)',
    async () => {
      await fc.assert(
        fc.asyncProperty(args, async (rest) => {
          const argv = rest.filter((a) => !/^--(yes|allow)/.test(a) && a !== '-y');
          await expectDocumentedExit('ask', ['ask', '--provider', 'offline', ...argv]);
        }),
        { numRuns: RUNS },
      );
    },
    RUNS * BOUND_MS,
  );

  it(
    'nothing changed the tickets or the index',
    async () => {
      expect(await snapshot()).toBe(before);
    },
    BOUND_MS * 2,
  );
});
