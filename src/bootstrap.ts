import type { ItbotConfig } from './config/index.js';
import { ConfigError, StoreError, warn } from './errors.js';
import {
  createHashedEmbedder,
  EMBEDDING_DIMENSIONS,
  type Embedder,
  indexBundledKnowledgeBase,
} from './knowledge/index.js';
import { bundledPaths } from './paths.js';
import {
  type DataDirLock,
  isEmbedded,
  migrateEmbeddedToLatest,
  type OpenStoreOptions,
  openStore,
  pendingMigrations,
  type Store,
} from './store/index.js';
import { readCompanySeed, seedCompany } from './tickets/index.js';

export interface ReadyStoreOptions {
  purpose: string;
  /** Where to say what first-run set-up did (stderr: stdout belongs to answers and MCP). */
  log: (line: string) => void;
  templateDir?: string;
  /** The embedded data dir's lock, already taken by the caller (the background server). */
  lock?: DataDirLock;
  /** Told when a lag-tolerant read failed on the replica (DATABASE_READ_URL) and ran on the primary. */
  onReadFallback?: OpenStoreOptions['onReadFallback'];
}

/**
 * The embedder the index and queries use: the local hashed one by default, Gemini's
 * gemini-embedding-001 with ITBOT_EMBEDDER=gemini (the next reindex re-embeds the index once).
 */
export function createEmbedder(config: ItbotConfig): Embedder {
  if (config.embedder === 'hashed') return createHashedEmbedder();
  if (!config.geminiApiKey) {
    throw new ConfigError(
      'ITBOT_EMBEDDER=gemini needs a Gemini API key.',
      'Set GEMINI_API_KEY, or unset ITBOT_EMBEDDER.',
    );
  }
  return createLazyGeminiEmbedder(config, config.geminiApiKey);
}

/** Runs `use` with the configured embedder and closes the embedder on every way out. */
export async function withEmbedder<T>(config: ItbotConfig, use: (embedder: Embedder) => Promise<T>): Promise<T> {
  const embedder = createEmbedder(config);
  try {
    return await use(embedder);
  } finally {
    await embedder.close();
  }
}

/** Gemini's embedder, its Redis-backed pieces connected on first use rather than at start-up. */
function createLazyGeminiEmbedder(config: ItbotConfig, apiKey: string): Embedder {
  let ready: Promise<Embedder> | undefined;
  const connect = async () => {
    const [{ createGeminiClient, createGeminiLimiter }, { createCache }, { createGeminiEmbedder }] = await Promise.all([
      import('./gemini/index.js'),
      import('./cache/index.js'),
      import('./knowledge/gemini-embedder.js'),
    ]);
    const limiter = await createGeminiLimiter(config, warn);
    return createGeminiEmbedder({
      client: createGeminiClient(apiKey),
      model: config.embedModel,
      dimensions: EMBEDDING_DIMENSIONS,
      limiter,
      cache: createCache({ redisUrl: config.redisUrl, namespace: 'itbot', warn }),
      concurrency: config.embedConcurrency,
      retry: {
        onRetry: ({ waitMs, reason }) =>
          warn(`Gemini embeddings: retrying${waitMs ? ` in ${Math.ceil(waitMs / 1000)} s` : ''} (${reason})`),
      },
    });
  };
  return {
    id: `gemini:${config.embedModel}@${EMBEDDING_DIMENSIONS}`,
    dimensions: EMBEDDING_DIMENSIONS,
    async embed(texts, task) {
      ready ??= connect();
      return (await ready).embed(texts, task);
    },
    async close() {
      // Never connected: nothing to close. Connecting: wait for it (bounded), then close.
      await ready?.then((embedder) => embedder.close()).catch(() => {});
    },
  };
}

/**
 * Opens the configured store ready for use. The embedded store sets itself up on first use
 * (created, migrated, bundled knowledge base indexed); a server database is only ever migrated by
 * an explicit `itbot migrate`, so here it must already be current.
 */
export async function openReadyStore(config: ItbotConfig, options: ReadyStoreOptions): Promise<Store> {
  const started = performance.now();
  const store = await openStore(config, {
    purpose: options.purpose,
    templateDir: options.templateDir,
    lock: options.lock,
    onReadFallback: options.onReadFallback,
  });
  try {
    if (isEmbedded(store)) {
      const applied = await migrateEmbeddedToLatest(store);
      if (store.created || applied.length) {
        // The prepared image is indexed by the local embedder; with another one chosen (Gemini's)
        // this re-embeds it once.
        const embedder = createEmbedder(config);
        const indexed = await indexBundledKnowledgeBase(store, embedder).finally(() => embedder.close());
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
