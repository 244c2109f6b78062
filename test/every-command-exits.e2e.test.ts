import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from './helpers/data-dir.js';
import { type FakeGemini, startFakeGemini } from './helpers/fake-gemini-server.js';
import { freeLoopbackPort } from './helpers/ports.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';
import { redisAvailable, startTestRedis, type TestRedis } from './helpers/redis-server.js';
import { runItbot } from './helpers/run-itbot.js';
import { startServe } from './helpers/serve-process.js';

// "Every command exits" as a property of the suite: each CLI command, run the way a user would in
// each configuration a user can have, finishes within a bound and with the right exit code. A
// leaked handle (a Redis client reconnecting to a refused port, an unclosed embedder) turns into a
// timeout here instead of a cron job that never ends.

/**
 * Far above a healthy run (1-35 s on a 2-core machine under load from other work: `seed --tickets`
 * embedding 360 tickets is the slowest), far below "hangs".
 */
const BOUND_MS = 90_000;

type RedisMode = 'absent' | 'live' | 'refused' | 'killed mid-run';
type EmbedderMode = 'hashed' | 'gemini';

interface Command {
  name: string;
  /** Given a scratch directory of the row, for commands that write a file. */
  args: string[] | ((scratch: string) => string[]);
  /**
   * Only with this embedder. The admin commands added later open the same store, cache and
   * embedder handles as the rest; with Gemini embeddings they hold one more (the HTTP client), so
   * that column covers them and the hashed one would only add minutes to CI.
   */
  onlyWith?: EmbedderMode;
  /** With DATABASE_URL set, `bench load` aims at an `itbot serve` URL: test/bench-load.e2e.test.ts runs that. */
  embeddedOnly?: true;
}

// In the order a new user would run them: reindex first (it embeds the index with the chosen embedder).
const COMMANDS: Command[] = [
  { name: 'reindex', args: ['reindex'] },
  { name: 'seed', args: ['seed', '--tickets'] },
  { name: 'kb search', args: ['kb', 'search', 'printer offline'] },
  { name: 'tickets list', args: ['tickets', 'list', '--limit', '3'] },
  { name: 'doctor', args: ['doctor'] },
  { name: 'ask (offline agent)', args: ['ask', '--provider', 'offline', 'vpn keeps dropping'] },
  { name: 'ask (Gemini agent)', args: ['ask', '--provider', 'gemini', 'vpn keeps dropping'] },
  { name: 'macros list', args: ['macros', 'list'], onlyWith: 'gemini' },
  {
    name: 'bench load',
    args: ['bench', 'load', '--scenario', 'mixed', '--concurrency', '2', '--duration', '2s'],
    onlyWith: 'gemini',
    embeddedOnly: true,
  },
  { name: 'backup', args: (scratch) => ['backup', '--output', `${scratch}/store.itbot`], onlyWith: 'gemini' },
  { name: 'restore', args: (scratch) => ['restore', `${scratch}/store.itbot`, '--yes'], onlyWith: 'gemini' },
  { name: 'completion', args: ['completion', 'bash'], onlyWith: 'gemini' },
];

function argsOf(command: Command, scratch: string): string[] {
  return typeof command.args === 'function' ? command.args(scratch) : command.args;
}

const redisModes: RedisMode[] = redisAvailable().ok
  ? ['absent', 'live', 'refused', 'killed mid-run']
  : ['absent', 'refused'];
const embedderModes: EmbedderMode[] = ['hashed', 'gemini'];

let fake: FakeGemini;
let testRedis: TestRedis | undefined;
let redisUp = false;
/** The test Redis, started and stopped idempotently (a second start would lose track of the first). */
const redis = {
  url: () => testRedis?.url ?? '',
  async start() {
    if (!testRedis || redisUp) return;
    await testRedis.start();
    redisUp = true;
  },
  async stop() {
    if (!testRedis || !redisUp) return;
    await testRedis.stop();
    redisUp = false;
  },
};
let refusedRedisUrl: string;
beforeAll(async () => {
  fake = await startFakeGemini();
  if (redisAvailable().ok) {
    testRedis = await startTestRedis();
    redisUp = true;
  }
  refusedRedisUrl = `redis://127.0.0.1:${await freeLoopbackPort()}`;
});
afterAll(async () => {
  await redis.stop();
  await fake?.close();
});

function environment(store: Record<string, string>, redisMode: RedisMode, embedder: EmbedderMode) {
  const env: Record<string, string> = {
    ...store,
    GEMINI_API_KEY: 'test-key',
    GOOGLE_GEMINI_BASE_URL: fake.baseUrl,
    ITBOT_EMBEDDER: embedder,
  };
  if (redisMode === 'refused') env.REDIS_URL = refusedRedisUrl;
  if (redisMode === 'live' || redisMode === 'killed mid-run') env.REDIS_URL = redis.url();
  return env;
}

async function runBounded(args: string[], env: Record<string, string>, redisMode: RedisMode) {
  if (redisMode === 'killed mid-run') await redis.start();
  const started = Date.now();
  const running = runItbot(args, { env, timeoutMs: BOUND_MS });
  if (redisMode === 'killed mid-run') {
    // Let the command connect, then take Redis away under it.
    await new Promise((resolve) => setTimeout(resolve, 700));
    await redis.stop();
  }
  const run = await running;
  return { ...run, ms: Date.now() - started };
}

function matrix(
  storeName: string,
  prepare: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>,
) {
  describe.each(redisModes.flatMap((r) => embedderModes.map((e) => [r, e] as const)))(
    `${storeName}, Redis %s, %s embeddings`,
    (redisMode, embedderMode) => {
      let store: Awaited<ReturnType<typeof prepare>> | undefined;
      let scratch: { dir: string; cleanup: () => void } | undefined;
      beforeAll(async () => {
        store = await prepare();
        scratch = makeTempDir();
        if (redisMode !== 'killed mid-run') await redis.start();
      });
      afterAll(async () => {
        scratch?.cleanup();
        await store?.cleanup();
      });

      const commands = COMMANDS.filter(
        (c) => (!c.onlyWith || c.onlyWith === embedderMode) && (!c.embeddedOnly || storeName === 'embedded'),
      );
      it.each(commands)(
        '$name exits 0 in bounded time',
        async (command) => {
          const args = argsOf(command, scratch?.dir ?? '');
          const env = environment(store?.env ?? {}, redisMode, embedderMode);
          const run = await runBounded(args, env, redisMode);
          expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(0);
          expect(run.stderr).not.toMatch(/internal error|this is a bug/i);
        },
        BOUND_MS + 10_000,
      );
    },
  );
}

matrix('embedded', async () => {
  // An empty data dir: the first command creates the store, as on a new user's machine.
  const { dir, cleanup } = makeTempDir();
  return { env: { ITBOT_DATA_DIR: dir }, cleanup: async () => cleanup() };
});

const adminUrl = postgresUrl();
describe.skipIf(!adminUrl)('PostgreSQL', () => {
  matrix('DATABASE_URL', async () => {
    const db: TestDatabase = await createTestDatabase(adminUrl as string);
    const migrate = await runItbot(['migrate'], { env: { DATABASE_URL: db.url } });
    if (migrate.code !== 0) throw new Error(`migrate failed: ${migrate.stderr}`);
    return { env: { DATABASE_URL: db.url }, cleanup: () => db.drop() };
  });
});

describe('DATABASE_URL at a refused port', () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    env = {
      DATABASE_URL: `postgres://itbot:itbot@127.0.0.1:${await freeLoopbackPort()}/itbot`,
      GEMINI_API_KEY: 'test-key',
    };
    env.GOOGLE_GEMINI_BASE_URL = fake.baseUrl;
  });
  // The Gemini agent may answer without touching the store, and completion never does.
  const needStore = COMMANDS.filter(
    (c) =>
      c.name !== 'ask (Gemini agent)' && c.name !== 'completion' && !c.embeddedOnly && typeof c.args !== 'function',
  );
  it.each(needStore)('$name says the store is unreachable (exit 4), promptly', async (command) => {
    const args = argsOf(command, '');
    const run = await runBounded(args, env, 'absent');
    expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(4);
    // doctor reports on stdout, the others on stderr.
    expect(run.stdout + run.stderr).toMatch(/Cannot connect to PostgreSQL/);
    expect(run.stderr).not.toMatch(/internal error|this is a bug/i);
    expect(run.ms).toBeLessThan(15_000);
  });
  it('ask with the Gemini agent and its response cache still exits (the cache is skipped, not awaited)', async () => {
    const run = await runBounded(['ask', '--provider', 'gemini', 'vpn'], env, 'absent');
    expect(run.code, run.stderr).toBe(0);
    expect(run.ms).toBeLessThan(15_000);
  });
});

describe('embedded, with the background server (ITBOT_BACKGROUND_SERVER=on)', () => {
  // Each command shares `itbot serve --local`: the command must still end (no pipe of the server's
  // held open), and `server stop` must leave nothing running.
  const BACKGROUND_COMMANDS: { name: string; args: string[] }[] = [
    { name: 'server status (none yet)', args: ['server', 'status'] },
    ...COMMANDS.filter((c) => !c.onlyWith && c.name !== 'ask (Gemini agent)' && c.name !== 'seed').map((c) => ({
      name: c.name,
      args: argsOf(c, ''),
    })),
    { name: 'server status', args: ['server', 'status', '--json'] },
    { name: 'server stop', args: ['server', 'stop'] },
    { name: 'kb search (starts a new server)', args: ['kb', 'search', 'printer offline'] },
    { name: 'server stop (again)', args: ['server', 'stop'] },
    { name: 'server stop (nothing running)', args: ['server', 'stop'] },
  ];
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
  });
  afterAll(async () => {
    await runItbot(['server', 'stop'], { env: { ITBOT_DATA_DIR: dir, ITBOT_BACKGROUND_SERVER: 'on' } }).catch(
      () => undefined,
    );
    cleanup?.();
  });

  it(
    'every command, server status and server stop exit 0 in bounded time; stop leaves no server',
    async () => {
      const env = { ITBOT_DATA_DIR: dir, ITBOT_BACKGROUND_SERVER: 'on' };
      for (const { name, args } of BACKGROUND_COMMANDS) {
        const run = await runBounded(args, env, 'absent');
        expect(run.code, `${name}\n${run.stderr}`).toBe(0);
        expect(run.stderr).not.toMatch(/internal error|this is a bug/i);
      }
      const status = await runItbot(['server', 'status', '--json'], { env });
      expect((JSON.parse(status.stdout) as { running: boolean }).running).toBe(false);
    },
    12 * (BOUND_MS + 5_000),
  );

  it('itbot serve exits 0 on SIGTERM within its grace', async () => {
    const { dir: serveDir, cleanup: cleanupServe } = makeTempDir();
    try {
      const server = await startServe({ ITBOT_DATA_DIR: serveDir, HOME: process.env.HOME ?? '/tmp' }, [
        '--shutdown-grace',
        '10',
      ]);
      const timer = setTimeout(() => server.child.kill('SIGKILL'), 40_000);
      server.child.kill('SIGTERM');
      const code = await server.exit;
      clearTimeout(timer);
      expect({ code, signal: server.child.signalCode }).toEqual({ code: 0, signal: null });
    } finally {
      cleanupServe();
    }
  }, 90_000);
});
