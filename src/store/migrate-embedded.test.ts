import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BARE_TEMPLATE_DIR, makeTempDir } from '../../test/helpers/data-dir.js';
import { bundledMigrations, migrateEmbeddedToLatest, migrationStatus, openEmbeddedStore } from './index.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('migrateEmbeddedToLatest', () => {
  it('migrates once, stamps the data dir, and checks again whenever the migration files change', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    const store = await openEmbeddedStore({
      dataDir: temp.dir,
      lockWaitMs: 0,
      purpose: 'test',
      templateDir: BARE_TEMPLATE_DIR,
    });
    try {
      const stamp = path.join(temp.dir, 'schema.sha256');
      expect((await migrateEmbeddedToLatest(store)).map((m) => m.file)).toEqual(bundledMigrations().map((m) => m.file));
      const written = fs.readFileSync(stamp, 'utf8');
      expect(written).toMatch(/^[0-9a-f]{64}$/);
      expect(await migrateEmbeddedToLatest(store)).toEqual([]);

      // A stamp from other migration files forces a real check (which finds nothing pending here).
      fs.writeFileSync(stamp, 'stale');
      expect(await migrateEmbeddedToLatest(store)).toEqual([]);
      expect(fs.readFileSync(stamp, 'utf8')).toBe(written);
      expect((await migrationStatus(store, bundledMigrations())).pending).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
