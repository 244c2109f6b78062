import { migrateToLatest, openEmbeddedStore, openServerStore, type Store } from '../../src/store/index.js';
import { seedCompany } from '../../src/tickets/index.js';
import { TEST_COMPANY } from './company.js';
import { BARE_TEMPLATE_DIR, makeTempDir } from './data-dir.js';
import { createTestDatabase, postgresUrl } from './postgres.js';

export interface OpenedTestStore {
  store: Store;
  /** For a server store: the database URL, so child processes can use it too. */
  databaseUrl?: string;
  close(): Promise<void>;
}

/** A migrated store holding the test company: embedded PGlite, or a fresh database on the PostgreSQL server. */
export type TestStoreKind = 'embedded' | 'postgres';

export async function openTestStore(kind: TestStoreKind, options: { poolMax?: number } = {}): Promise<OpenedTestStore> {
  if (kind === 'embedded') {
    const temp = makeTempDir();
    const store = await openEmbeddedStore({
      dataDir: temp.dir,
      lockWaitMs: 0,
      purpose: 'test',
      templateDir: BARE_TEMPLATE_DIR,
    });
    await migrateToLatest(store);
    await seedCompany(store, TEST_COMPANY);
    return {
      store,
      async close() {
        await store.close();
        temp.cleanup();
      },
    };
  }
  const database = await createTestDatabase(postgresUrl() as string);
  const store = await openServerStore({ databaseUrl: database.url, poolMax: options.poolMax ?? 20 });
  await migrateToLatest(store);
  await seedCompany(store, TEST_COMPANY);
  return {
    store,
    databaseUrl: database.url,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}

/** The store kinds to run a suite on: PostgreSQL too when a server is configured. */
export function testStoreKinds(): TestStoreKind[] {
  return postgresUrl() ? ['embedded', 'postgres'] : ['embedded'];
}
