import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir, makeTempDir } from './helpers/data-dir.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';
import { type ItbotRun, runItbot } from './helpers/run-itbot.js';

// `itbot backup` then `itbot restore` as an admin runs them, on both stores: what comes back is
// what was backed up (checked against the manifest), and nothing is replaced without consent.

function ticketNumbers(run: ItbotRun): string[] {
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { tickets: { number: string }[] }).tickets.map((t) => t.number).sort();
}

function manifestOf(file: string): Record<string, unknown> {
  const [magic, manifest] = fs
    .readFileSync(file)
    .subarray(0, 64 * 1024)
    .toString('utf8')
    .split('\n');
  expect(magic).toBe('ITBOT-BACKUP 1');
  return JSON.parse(manifest ?? '{}') as Record<string, unknown>;
}

function roundTrip(name: string, env: () => Record<string, string>) {
  describe(`itbot backup and restore: ${name}`, () => {
    const scratch = makeTempDir('itbot-backup-test-');
    const file = path.join(scratch.dir, 'store.itbot');
    const itbot = (args: string[]) => runItbot(args, { env: env(), timeoutMs: 120_000 });
    afterAll(() => scratch.cleanup());

    it('backs up to a 0600 file with a manifest, refuses to overwrite it, and restores what it held', async () => {
      const created = await itbot(['tickets', 'create', '--title', 'Printer on floor 3 jams', '--json']);
      expect(created.code, created.stderr).toBe(0);
      const { number } = (JSON.parse(created.stdout) as { ticket: { number: string } }).ticket;
      const photo = path.join(scratch.dir, 'jam.png');
      const photoBytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
      fs.writeFileSync(photo, photoBytes);
      const attached = await itbot(['tickets', 'attach', number, photo]);
      expect(attached.code, attached.stderr).toBe(0);
      const before = ticketNumbers(await itbot(['tickets', 'list', '--json']));

      const backup = await itbot(['backup', '--output', file]);
      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stdout).toMatch(/Backed up the .*: \d+ tickets, \d+ timeline events, \d+ knowledge chunks/);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const manifest = manifestOf(file);
      expect(manifest).toMatchObject({ format: 'itbot-backup/1', migrationLevel: expect.any(Number) });
      expect(manifest.postgresVersion).toMatch(/^\d+/);
      expect(manifest.contents).toMatchObject({ ticketAttachments: { rows: 1 } });

      const again = await itbot(['backup', '--output', file]);
      expect([again.code, again.stderr]).toEqual([2, expect.stringMatching(/exists already/)]);

      // A change after the backup, then a restore without consent: refused, nothing changed.
      expect((await itbot(['tickets', 'create', '--title', 'Made after the backup'])).code).toBe(0);
      expect((await itbot(['tickets', 'attach', number, photo])).code).toBe(0);
      const refused = await itbot(['restore', file]);
      expect([refused.code, refused.stderr]).toEqual([2, expect.stringMatching(/nothing was changed.*\n.*--yes/)]);
      expect(ticketNumbers(await itbot(['tickets', 'list', '--json']))).toHaveLength(before.length + 1);

      const restored = await itbot(['restore', file, '--yes']);
      expect(restored.code, restored.stderr).toBe(0);
      expect(restored.stdout).toMatch(/Restored .*checked: \d+ tickets/);
      expect(ticketNumbers(await itbot(['tickets', 'list', '--json']))).toEqual(before);
      // The attachment made before the backup comes back byte for byte; the one made after is gone.
      const fetched = path.join(scratch.dir, 'fetched.png');
      const back = await itbot(['tickets', 'attachment', number, '1', '--output', fetched]);
      expect(back.code, back.stderr).toBe(0);
      expect(fs.readFileSync(fetched)).toEqual(photoBytes);
      expect((await itbot(['tickets', 'attachment', number, '2', '--output', `${fetched}.2`])).code).toBe(8);
      const search = await itbot(['kb', 'search', 'vpn error 809', '--json']);
      expect(search.code, search.stderr).toBe(0);
    }, 300_000);

    it('refuses a damaged backup and a file that is not a backup, changing nothing', async () => {
      const damaged = path.join(scratch.dir, 'damaged.itbot');
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
      fs.writeFileSync(damaged, bytes);
      const run = await itbot(['restore', damaged, '--yes']);
      expect([run.code, run.stderr]).toEqual([2, expect.stringMatching(/damaged.*checksum/)]);
      const notOurs = path.join(scratch.dir, 'notes.txt');
      fs.writeFileSync(notOurs, 'hello');
      const other = await itbot(['restore', notOurs, '--yes']);
      expect([other.code, other.stderr]).toEqual([2, expect.stringMatching(/is not an itbot backup/)]);
      const missing = await itbot(['restore', path.join(scratch.dir, 'nope.itbot')]);
      expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/Cannot read .*ENOENT/)]);
    }, 120_000);
  });
}

const embedded = makeSeededDataDir();
afterAll(() => embedded.cleanup());
roundTrip('the embedded store', () => ({ ITBOT_DATA_DIR: embedded.dir }));

describe.skipIf(!postgresUrl())('on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl() as string);
    const migrate = await runItbot(['migrate'], { env: { DATABASE_URL: database.url } });
    expect(migrate.code, migrate.stderr).toBe(0);
    expect((await runItbot(['seed'], { env: { DATABASE_URL: database.url } })).code).toBe(0);
  }, 120_000);
  afterAll(async () => database?.drop());

  it('refuses a pg_dump older than the server, saying why, and writes nothing', async () => {
    // Debian 12 has only pg_dump 15, so an older one is stood in by a script that reports 14.
    const bin = makeTempDir('itbot-old-pg-dump-');
    try {
      fs.writeFileSync(path.join(bin.dir, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 14.11"\n', {
        mode: 0o755,
      });
      const output = path.join(bin.dir, 'never.itbot');
      const run = await runItbot(['backup', '--output', output], {
        env: { DATABASE_URL: database?.url ?? '', PATH: `${bin.dir}:${process.env.PATH ?? ''}` },
      });
      expect([run.code, run.stderr]).toEqual([
        3,
        expect.stringMatching(/pg_dump 14\.11 is older than the server \(PostgreSQL 15\)/),
      ]);
      expect(fs.existsSync(output)).toBe(false);
    } finally {
      bin.cleanup();
    }
  }, 60_000);

  roundTrip('a PostgreSQL 15 server (pg_dump / pg_restore)', () => ({ DATABASE_URL: database?.url ?? '' }));
});
