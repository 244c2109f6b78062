import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BARE_TEMPLATE_DIR, makeTempDir } from '../../test/helpers/data-dir.js';
import { MigrationChecksumError } from '../errors.js';
import { openEmbeddedStore } from './embedded-store.js';
import { loadMigrations, migrate, migrationStatus } from './migrations.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function migrationDir(files: Record<string, string>): string {
  const temp = makeTempDir('itbot-sql-');
  cleanups.push(temp.cleanup);
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(temp.dir, name), sql);
  return temp.dir;
}

async function freshStore() {
  const temp = makeTempDir();
  cleanups.push(temp.cleanup);
  return openEmbeddedStore({ dataDir: temp.dir, lockWaitMs: 0, purpose: 'test', templateDir: BARE_TEMPLATE_DIR });
}

describe('migrations', () => {
  it('applies pending files in order, records them, and reports status', async () => {
    const dir = migrationDir({
      '002_add_column.sql': 'ALTER TABLE things ADD COLUMN colour text;',
      '001_create.sql': 'CREATE TABLE things (id int PRIMARY KEY);',
      'README.txt': 'not a migration',
    });
    const store = await freshStore();
    try {
      const files = loadMigrations(dir);
      expect(files.map((f) => f.file)).toEqual(['001_create.sql', '002_add_column.sql']);
      expect((await migrationStatus(store, files)).pending).toHaveLength(2);
      expect((await migrate(store, files)).map((f) => f.version)).toEqual([1, 2]);
      await store.query("INSERT INTO things VALUES (1, 'red')");
      const status = await migrationStatus(store, files);
      expect(status.pending).toHaveLength(0);
      expect(status.applied.map((m) => [m.version, m.checksum])).toEqual(files.map((f) => [f.version, f.checksum]));
      expect(await migrate(store, files)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('rolls back a failing migration completely and leaves it pending', async () => {
    const dir = migrationDir({ '001_bad.sql': 'CREATE TABLE half (id int); SELECT no_such_function();' });
    const store = await freshStore();
    try {
      await expect(migrate(store, loadMigrations(dir))).rejects.toThrow(/001_bad.sql failed/);
      const { rows } = await store.query("SELECT to_regclass('half') AS t");
      expect(rows[0]).toEqual({ t: null });
      expect((await migrationStatus(store, loadMigrations(dir))).pending).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('refuses to continue when an applied file was edited', async () => {
    const dir = migrationDir({ '001_create.sql': 'CREATE TABLE things (id int);' });
    const store = await freshStore();
    try {
      await migrate(store, loadMigrations(dir));
      fs.writeFileSync(path.join(dir, '001_create.sql'), 'CREATE TABLE things (id bigint);');
      fs.writeFileSync(path.join(dir, '002_more.sql'), 'CREATE TABLE more (id int);');
      await expect(migrate(store, loadMigrations(dir))).rejects.toBeInstanceOf(MigrationChecksumError);
      const { rows } = await store.query("SELECT to_regclass('more') AS t");
      expect(rows[0]).toEqual({ t: null });
    } finally {
      await store.close();
    }
  });

  it('applies each file once when two migrators run at the same time', async () => {
    const dir = migrationDir({
      '001_create.sql': 'CREATE TABLE counter (n int); INSERT INTO counter VALUES (1);',
      '002_bump.sql': 'UPDATE counter SET n = n + 1;',
    });
    const store = await freshStore();
    try {
      const files = loadMigrations(dir);
      const [a, b] = await Promise.all([migrate(store, files), migrate(store, files)]);
      expect(a.length + b.length).toBe(2);
      const { rows } = await store.query('SELECT n FROM counter');
      expect(rows).toEqual([{ n: 2 }]);
    } finally {
      await store.close();
    }
  });
});
