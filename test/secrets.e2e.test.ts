import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from './helpers/data-dir.js';
import { type FakeGemini, startFakeGemini } from './helpers/fake-gemini-server.js';
import { freeLoopbackPort } from './helpers/ports.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';
import { runItbot } from './helpers/run-itbot.js';

// A whole session with secrets planted in every form a user can give them (API key, passwords in
// database and Redis URLs as user:pw@ and as ?password=, a server token): none may appear in any
// output, JSON, error message, or file in the data dir.

// Made fresh each run, so nothing that looks like a credential is committed and a hit can only
// come from this run's leak.
const planted = (label: string) => `planted${label}${randomBytes(8).toString('hex')}`;
const SECRETS = {
  apiKey: planted('GeminiKey'),
  dbPassword: planted('DbPassword'),
  dbQueryPassword: planted('DbQueryPassword'),
  redisPassword: planted('RedisPassword'),
  serverToken: planted('ServerToken'),
};
const plantedSecrets = Object.values(SECRETS);

/** Every file under dir, read as bytes, searched for each secret. */
function secretsInFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = fs.readFileSync(file);
    for (const secret of plantedSecrets) if (bytes.includes(secret)) found.push(`${file}: ${secret}`);
  }
  return found;
}

const SESSION: string[][] = [
  ['doctor'],
  ['doctor', '--json'],
  ['migrate', '--status'],
  ['reindex'],
  ['seed'],
  ['kb', 'search', 'printer offline'],
  ['kb', 'search', '--json', 'printer offline'],
  ['tickets', 'list'],
  ['tickets', 'list', '--json'],
  ['tickets', 'show', 'IT-999999'],
  ['tickets', 'create', '--title', 'Planted secrets session', '--json'],
  ['ask', 'vpn keeps dropping'],
  ['ask', '--json', 'vpn keeps dropping'],
  ['ask', '-o', 'stream-json', 'vpn keeps dropping'],
  ['ask', '--provider', 'offline', '--yes', 'open a ticket: planted secrets check'],
];

describe('secrets never show', () => {
  let fake: FakeGemini;
  let temp: { dir: string; cleanup: () => void };
  let closedPort: number;
  beforeAll(async () => {
    fake = await startFakeGemini();
    temp = makeTempDir();
    closedPort = await freeLoopbackPort();
  });
  afterAll(async () => {
    await fake?.close();
    temp?.cleanup();
  });

  const common = () => ({
    GEMINI_API_KEY: SECRETS.apiKey,
    GOOGLE_GEMINI_BASE_URL: fake.baseUrl,
    ITBOT_SERVER_TOKEN: SECRETS.serverToken,
    ITBOT_SERVER_TOKENS: `other,${SECRETS.serverToken}`,
  });

  async function runSession(env: Record<string, string>): Promise<string[]> {
    const leaks: string[] = [];
    for (const args of SESSION) {
      const run = await runItbot(args, { env, timeoutMs: 60_000 });
      for (const secret of plantedSecrets) {
        if (run.stdout.includes(secret) || run.stderr.includes(secret))
          leaks.push(`itbot ${args.join(' ')}: ${secret}`);
      }
    }
    return leaks;
  }

  it('embedded store, Gemini embeddings, Redis URLs with passwords (down)', async () => {
    const env = {
      ...common(),
      ITBOT_DATA_DIR: temp.dir,
      ITBOT_EMBEDDER: 'gemini',
      REDIS_URL: `redis://default:${SECRETS.redisPassword}@127.0.0.1:${closedPort}/0`,
    };
    expect(await runSession(env)).toEqual([]);
    expect(secretsInFiles(temp.dir)).toEqual([]);
  }, 600_000);

  it.each([
    ['user:password@', `postgres://itbot:${SECRETS.dbPassword}@127.0.0.1:PORT/itbot`],
    ['?password=', `postgres://itbot@127.0.0.1:PORT/itbot?password=${SECRETS.dbQueryPassword}`],
    [
      'both, and a Redis ?password=',
      `postgresql://itbot:${SECRETS.dbPassword}@127.0.0.1:PORT/itbot?sslmode=disable&password=${SECRETS.dbQueryPassword}`,
    ],
  ])(
    'DATABASE_URL with %s at a server that is down',
    async (_form, url) => {
      const env = {
        ...common(),
        DATABASE_URL: url.replace('PORT', String(closedPort)),
        REDIS_URL: `redis://127.0.0.1:${closedPort}?password=${SECRETS.redisPassword}`,
      };
      const leaks = await runSession(env);
      expect(leaks).toEqual([]);
      // …and the errors still say where it tried, with the password masked.
      const run = await runItbot(['tickets', 'list'], { env });
      expect(run.stderr).toMatch(/Cannot connect to PostgreSQL at postgres(ql)?:\/\/itbot(:\*\*\*)?@127\.0\.0\.1/);
    },
    600_000,
  );

  const adminUrl = postgresUrl();
  describe.skipIf(!adminUrl)('a live PostgreSQL reached with the password in the query', () => {
    it('never prints the password', async () => {
      const db: TestDatabase = await createTestDatabase(adminUrl as string);
      try {
        await passwordInQuerySession(db);
      } finally {
        await db.drop();
      }
    }, 600_000);
  });

  async function passwordInQuerySession(db: TestDatabase): Promise<void> {
    {
      const url = new URL(db.url);
      const password = decodeURIComponent(url.password);
      url.password = '';
      url.searchParams.set('password', password);
      const env = { ...common(), DATABASE_URL: url.toString() };
      const migrate = await runItbot(['migrate'], { env });
      expect(migrate.code, migrate.stderr).toBe(0);
      const outputs: string[] = [];
      for (const args of SESSION) {
        const run = await runItbot(args, { env, timeoutMs: 60_000 });
        outputs.push(run.stdout, run.stderr);
      }
      const all = outputs.join('\n');
      expect(all).not.toContain(`password=${password}`);
      expect(all).not.toContain(`:${password}@`);
      expect(all).toMatch(/password=\*\*\*/);
    }
  }
});
