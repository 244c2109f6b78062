import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errorMessage, MigrationChecksumError, StoreError } from '../errors.js';
import type { Queryable, Store } from './types.js';

export interface MigrationFile {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  appliedAt: Date;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: MigrationFile[];
}

const FILE_PATTERN = /^(\d+)_([\w-]+)\.sql$/;
/** Any fixed number shared by every itbot process: serialises migrators on one database. */
const MIGRATION_LOCK_KEY = 727_001;

export function loadMigrations(dir: string): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((file) => FILE_PATTERN.test(file));
  const migrations = files.map((file) => {
    const [, version, name] = FILE_PATTERN.exec(file) as RegExpExecArray;
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    return {
      version: Number(version),
      name: name as string,
      file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new StoreError(`Two migration files share version ${migrations[i]?.version} in ${dir}.`);
    }
  }
  return migrations;
}

const CREATE_LEDGER = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
  )`;

async function readLedger(db: Queryable): Promise<AppliedMigration[]> {
  const { rows } = await db.query<{ version: number; name: string; checksum: string; applied_at: Date }>(
    'SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version',
  );
  return rows.map((row) => ({
    version: row.version,
    name: row.name,
    checksum: row.checksum,
    appliedAt: row.applied_at,
  }));
}

function assertUnedited(applied: AppliedMigration[], files: MigrationFile[]): void {
  const byVersion = new Map(files.map((file) => [file.version, file]));
  for (const migration of applied) {
    const file = byVersion.get(migration.version);
    if (file && file.checksum !== migration.checksum) {
      throw new MigrationChecksumError(
        `Migration ${file.file} was edited after it was applied (checksum differs), so the database no longer matches it.`,
        'Restore the original file and put the change in a new numbered migration.',
      );
    }
  }
}

export async function migrationStatus(store: Store, files: MigrationFile[]): Promise<MigrationStatus> {
  await ensureLedger(store);
  const applied = await readLedger(store);
  const appliedVersions = new Set(applied.map((m) => m.version));
  return { applied, pending: files.filter((file) => !appliedVersions.has(file.version)) };
}

async function ensureLedger(store: Store): Promise<void> {
  // Two processes racing on CREATE TABLE IF NOT EXISTS can still collide in the catalog; the lock prevents it.
  await store.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(CREATE_LEDGER);
  });
}

/**
 * Applies pending migrations in order, each in its own transaction under an advisory lock, so
 * concurrent migrators apply each file exactly once. Refuses to run if an applied file was edited.
 */
export async function migrate(store: Store, files: MigrationFile[]): Promise<MigrationFile[]> {
  const status = await migrationStatus(store, files);
  assertUnedited(status.applied, files);
  const appliedNow: MigrationFile[] = [];
  for (const file of status.pending) {
    const applied = await store.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const { rows } = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM schema_migrations WHERE version = $1',
        [file.version],
      );
      if (rows[0]) return false; // another process applied it while we waited for the lock
      try {
        await tx.exec(file.sql);
      } catch (error) {
        throw new StoreError(`Migration ${file.file} failed: ${errorMessage(error)}`, undefined, { cause: error });
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        file.version,
        file.name,
        file.checksum,
      ]);
      return true;
    });
    if (applied) appliedNow.push(file);
  }
  return appliedNow;
}
