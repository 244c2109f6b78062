import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A real multi-connection PostgreSQL server (Debian's postgresql package; `.ci/run` starts it).
 * ITBOT_TEST_POSTGRES_URL names a role that may create databases; each test file gets its own.
 */
export function postgresUrl(): string | undefined {
  const url = process.env.ITBOT_TEST_POSTGRES_URL;
  if (url) return url;
  const reason =
    'ITBOT_TEST_POSTGRES_URL is not set (a PostgreSQL role with CREATEDB); skipping the PostgreSQL server tests';
  if (process.env.ITBOT_TEST_REQUIRE_POSTGRES) throw new Error(reason);
  process.stderr.write(`${reason}\n`);
  return undefined;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `itbot_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      // An autovacuum worker may still be in the fresh database; FORCE cannot end it without
      // pg_signal_backend, so try a few times before leaving the database behind.
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            return;
          } catch (error) {
            if (attempt === 10) {
              process.stderr.write(`could not drop test database ${name}: ${(error as Error).message}\n`);
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}
