import type { ItbotConfig } from './config/index.js';
import { StoreError } from './errors.js';
import { createHashedEmbedder, type Embedder, indexBundledKnowledgeBase } from './knowledge/index.js';
import { bundledPaths } from './paths.js';
import { isEmbedded, migrateEmbeddedToLatest, openStore, pendingMigrations, type Store } from './store/index.js';
import { readCompanySeed, seedCompany } from './tickets/index.js';

export interface ReadyStoreOptions {
  purpose: string;
  /** Where to say what first-run set-up did (stderr: stdout belongs to answers and MCP). */
  log: (line: string) => void;
  templateDir?: string;
}

/** The embedder the index and queries use. Gemini's arrives with the Gemini issue; until then, local. */
export function createEmbedder(_config: ItbotConfig): Embedder {
  return createHashedEmbedder();
}

/**
 * Opens the configured store ready for use. The embedded store sets itself up on first use
 * (created, migrated, bundled knowledge base indexed); a server database is only ever migrated by
 * an explicit `itbot migrate`, so here it must already be current.
 */
export async function openReadyStore(config: ItbotConfig, options: ReadyStoreOptions): Promise<Store> {
  const started = performance.now();
  const store = await openStore(config, { purpose: options.purpose, templateDir: options.templateDir });
  try {
    if (isEmbedded(store)) {
      const applied = await migrateEmbeddedToLatest(store);
      if (store.created || applied.length) {
        const indexed = await indexBundledKnowledgeBase(store, createEmbedder(config));
        // A fresh install gets the sample company's people, groups and categories to work with
        // (the prepared image already has them; `itbot seed` refreshes them on demand).
        const { rows } = await store.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM users) AS empty');
        if (rows[0]?.empty) await seedCompany(store, readCompanySeed(bundledPaths.seed()));
        if (store.created) {
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          options.log(
            `itbot: first run: created the embedded store in ${config.dataDir}` +
              ` (${store.fromTemplate ? 'from the prepared image' : 'initdb'}, ${indexed.documents} articles indexed) in ${seconds} s`,
          );
        } else {
          options.log(`itbot: upgraded the embedded store (${applied.map((m) => m.file).join(', ')})`);
        }
      }
    } else {
      const pending = await pendingMigrations(store);
      if (pending.length) {
        throw new StoreError(
          `The database at ${store.location} has ${pending.length} pending migration(s): ${pending.map((m) => m.file).join(', ')}.`,
          'Run `itbot migrate` (then `itbot reindex`) to bring it up to date.',
        );
      }
    }
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}
