import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../src/paths.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';

// The compose stack's backup service runs deploy/backup/backup-loop.sh in the pg16 image; here it
// runs against the CI's PostgreSQL with the machine's pg_dump: one backup, pruning, health check.
const root = packageRoot();
const script = path.join(root, 'deploy/backup/backup-loop.sh');
const adminUrl = postgresUrl();
const DAY_MS = 24 * 60 * 60 * 1000;

describe.skipIf(!adminUrl)('deploy/backup/backup-loop.sh', () => {
  let database: TestDatabase;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(adminUrl as string);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('CREATE TABLE backup_probe (id int PRIMARY KEY, note text)');
    await client.query("INSERT INTO backup_probe VALUES (1, 'kept by the backup')");
    await client.end();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-backups-'));
    const url = new URL(database.url);
    env = {
      PATH: process.env.PATH ?? '',
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username),
      PGPASSWORD: decodeURIComponent(url.password),
      PGDATABASE: url.pathname.slice(1),
      BACKUP_DIR: dir,
      BACKUP_INTERVAL_SECONDS: '3600',
      BACKUP_RETENTION_DAYS: '14',
    };
  });

  afterAll(async () => {
    await database?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const dumps = () => fs.readdirSync(dir).sort();
  const age = (file: string, days: number) => {
    const when = new Date(Date.now() - days * DAY_MS);
    fs.utimesSync(path.join(dir, file), when, when);
  };

  it('is unhealthy with only stale dumps, writes a restorable dump, prunes past retention, then is healthy', () => {
    fs.writeFileSync(path.join(dir, 'itbot-20200101T000000Z.dump'), 'old');
    age('itbot-20200101T000000Z.dump', 20);
    fs.writeFileSync(path.join(dir, 'itbot-20200102T000000Z.dump'), 'recent');
    age('itbot-20200102T000000Z.dump', 2);
    expect(spawnSync('bash', [script, '--check'], { env }).status).not.toBe(0);

    const run = spawnSync('bash', [script, '--once'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const files = dumps();
    expect(files).not.toContain('itbot-20200101T000000Z.dump');
    expect(files).toContain('itbot-20200102T000000Z.dump');
    const fresh = files.filter((file) => /^itbot-\d{8}T\d{6}Z\.dump$/.test(file) && !file.startsWith('itbot-2020'));
    expect(fresh).toHaveLength(1);
    expect(files.filter((file) => file.endsWith('.partial'))).toEqual([]);

    const listing = spawnSync('pg_restore', ['--list', path.join(dir, fresh[0] as string)], { encoding: 'utf8' });
    expect(listing.status).toBe(0);
    expect(listing.stdout).toMatch(/TABLE DATA public backup_probe/);
    expect(spawnSync('bash', [script, '--check'], { env }).status).toBe(0);
  });

  it('leaves no partial file and keeps old dumps when pg_dump fails', () => {
    const before = dumps();
    const run = spawnSync('bash', [script, '--once'], {
      env: { ...env, PGDATABASE: 'itbot_no_such_database' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('backup: pg_dump failed');
    expect(dumps()).toEqual(before);
  });
});
