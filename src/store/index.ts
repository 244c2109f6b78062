import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ItbotConfig } from '../config/index.js';
import { bundledPaths } from '../paths.js';
import type { DataDirLock } from './data-dir-lock.js';
import { type EmbeddedStore, openEmbeddedStore } from './embedded-store.js';
import { loadMigrations, type MigrationFile, migrate, migrationStatus } from './migrations.js';
import type { ReadFallbackReason } from './read-routing.js';
import type { Queryable, Store } from './types.js';

export { acquireDataDirLock, type DataDirLock, isProcessAlive } from './data-dir-lock.js';
export { ensureDirectory } from './directories.js';
export type { EmbeddedStore } from './embedded-store.js';
export { dataDirProblem, hasDatabase, openEmbeddedFromDump, openEmbeddedStore } from './embedded-store.js';
export type { AppliedMigration, MigrationFile, MigrationStatus } from './migrations.js';
export { loadMigrations, migrate, migrationStatus } from './migrations.js';
export {
  classifyReplicaFailure,
  createReadRouter,
  READ_FALLBACK_REASONS,
  type ReadFallbackReason,
} from './read-routing.js';
export type { Queryable, QueryResult, ReplicaStatus, Store, StoreKind } from './types.js';
export { yieldingStore } from './yielding-store.js';

export interface OpenStoreOptions {
  /** Recorded in the embedded store's lock, e.g. "itbot mcp". */
  purpose: string;
  templateDir?: string;
  /** The embedded data dir's lock, already taken by the caller. */
  lock?: DataDirLock;
  /** Told when a lag-tolerant read failed on the replica (DATABASE_READ_URL) and ran on the primary. */
  onReadFallback?: (reason: ReadFallbackReason, error: unknown) => void;
}

/** PostgreSQL when DATABASE_URL is set, the embedded PGlite store otherwise. */
export async function openStore(config: ItbotConfig, options: OpenStoreOptions): Promise<Store | EmbeddedStore> {
  if (config.databaseUrl) {
    // pg is loaded only when it is used: the embedded path starts faster without it.
    const { openServerStore } = await import('./server-store.js');
    return openServerStore({
      databaseUrl: config.databaseUrl,
      readUrl: config.databaseReadUrl,
      poolMax: config.databasePoolMax,
      onReadFallback: options.onReadFallback,
    });
  }
  return openEmbeddedStore({
    dataDir: config.dataDir,
    lockWaitMs: config.storeLockWaitMs,
    purpose: options.purpose,
    templateDir: options.templateDir ?? bundledPaths.templateDatabase(),
    lock: options.lock,
  });
}

export function bundledMigrations(): MigrationFile[] {
  return loadMigrations(bundledPaths.migrations());
}

/** Where reads that tolerate replication lag go: the replica if there is one, else the store itself. */
export function lagTolerantReads(store: Store): Queryable {
  return store.lagTolerant ?? store;
}

export function isEmbedded(store: Store): store is EmbeddedStore {
  return store.kind === 'embedded';
}

export async function pendingMigrations(store: Store): Promise<MigrationFile[]> {
  return (await migrationStatus(store, bundledMigrations())).pending;
}

export async function migrateToLatest(store: Store): Promise<MigrationFile[]> {
  return migrate(store, bundledMigrations());
}

/**
 * migrateToLatest for the embedded store, skipped when the migration files are exactly those it
 * last applied (a stamp beside the database): the check costs ~30 ms of every `itbot ask`. The
 * embedded database belongs to itbot alone, so nothing else can change its schema meanwhile.
 */
export async function migrateEmbeddedToLatest(store: EmbeddedStore): Promise<MigrationFile[]> {
  const files = bundledMigrations();
  const fingerprint = createHash('sha256')
    .update(files.map((file) => `${file.version}:${file.checksum}`).join('\n'))
    .digest('hex');
  const stamp = path.join(store.dataDir, 'schema.sha256');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === fingerprint) return [];
  const applied = await migrate(store, files);
  fs.writeFileSync(stamp, fingerprint);
  return applied;
}

export async function openServerStore(options: import('./server-store.js').ServerStoreOptions): Promise<Store> {
  return (await import('./server-store.js')).openServerStore(options);
}
