import fs from 'node:fs';
import path from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { errorMessage, StoreError } from '../errors.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { ensureDirectory } from './directories.js';
import type { Queryable, QueryResult, Store } from './types.js';

export interface EmbeddedStoreOptions {
  dataDir: string;
  lockWaitMs: number;
  /** Recorded in the lock so a blocked process can say who holds the store. */
  purpose: string;
  /** A prepared database directory copied instead of running initdb (seconds faster). */
  templateDir?: string;
  /** The data dir's lock, when the caller took it already (the background server takes it first). */
  lock?: DataDirLock;
}

export interface EmbeddedStore extends Store {
  /** The data dir holding the database (pgdata/) and itbot's files beside it. */
  readonly dataDir: string;
  /** True when this open created the database (first run). */
  readonly created: boolean;
  /** True when the database was created by copying the prepared template. */
  readonly fromTemplate: boolean;
  /** PGlite's own dump of the whole database directory, gzipped (`itbot backup`). */
  dumpDataDir(): Promise<Blob>;
}

function pgliteQueryable(db: PGlite | Transaction): Queryable {
  return {
    async query<Row>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
      const result = await db.query<Row>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
  };
}

/**
 * Makes a database in `pgdata` (which must not exist yet) from a dump made by dumpDataDir, and
 * opens it for checking before it is put into place (`itbot restore`).
 */
export async function openEmbeddedFromDump(
  pgdata: string,
  dump: Blob,
): Promise<Queryable & { close(): Promise<void> }> {
  const db = await PGlite.create({ dataDir: pgdata, loadDataDir: dump, extensions: { vector } });
  return { ...pgliteQueryable(db), close: () => db.close() };
}

export function hasDatabase(pgdata: string): boolean {
  return fs.existsSync(path.join(pgdata, 'PG_VERSION'));
}

/**
 * Creates the database in a side directory and renames it into place, so a crash during initdb
 * or the copy never leaves a half-made database that later opens as "existing".
 */
async function createDatabase(pgdata: string, templateDir: string | undefined): Promise<boolean> {
  const staging = `${pgdata}.creating-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const useTemplate = templateDir !== undefined && hasDatabase(templateDir);
  if (useTemplate) {
    fs.cpSync(templateDir, staging, { recursive: true });
    // A template copied from a build tree may carry a postmaster.pid; it must not survive.
    fs.rmSync(path.join(staging, 'postmaster.pid'), { force: true });
  } else {
    const db = await PGlite.create({ dataDir: staging, extensions: { vector } });
    await db.close();
  }
  fs.renameSync(staging, pgdata);
  return useTemplate;
}

/**
 * Why the data dir cannot hold the store (a file, not a directory; not writable), or undefined.
 * Checked up front so the user reads what is wrong instead of an "internal error" from deep inside.
 */
export function dataDirProblem(dataDir: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dataDir);
  } catch {
    return undefined; // Missing: created on first use.
  }
  if (!stat.isDirectory()) return `The data dir ${dataDir} is a file, not a directory.`;
  // A probe file rather than access(W_OK): it also catches read-only mounts, and root in a 0555 dir.
  const probe = path.join(dataDir, `.itbot-write-test-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
    return undefined;
  } catch (error) {
    return `The data dir ${dataDir} is not writable (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}).`;
  }
}

const DATA_DIR_HINT = 'Set ITBOT_DATA_DIR to a writable directory (or remove what is in the way).';

export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  try {
    ensureDirectory(options.dataDir);
  } catch (error) {
    throw new StoreError(`Cannot create the data dir ${options.dataDir}: ${errorMessage(error)}`, DATA_DIR_HINT);
  }
  const problem = dataDirProblem(options.dataDir);
  if (problem) throw new StoreError(problem, DATA_DIR_HINT);
  const lock =
    options.lock ??
    (await acquireDataDirLock(options.dataDir, { purpose: options.purpose, waitMs: options.lockWaitMs }));
  const pgdata = path.join(options.dataDir, 'pgdata');
  let db: PGlite;
  let created = false;
  let fromTemplate = false;
  try {
    if (!hasDatabase(pgdata)) {
      created = true;
      fromTemplate = await createDatabase(pgdata, options.templateDir);
    }
    db = await PGlite.create({ dataDir: pgdata, extensions: { vector } });
  } catch (error) {
    lock.release();
    throw new StoreError(
      `Cannot open the embedded store in ${pgdata}: ${errorMessage(error)}`,
      'If the directory was damaged, move it aside and itbot will create a fresh one.',
      { cause: error },
    );
  }

  const base = pgliteQueryable(db);
  let closed = false;
  return {
    kind: 'embedded',
    location: pgdata,
    dataDir: options.dataDir,
    created,
    fromTemplate,
    query: base.query,
    exec: base.exec,
    transaction: (fn) => db.transaction((tx) => fn(pgliteQueryable(tx))),
    dumpDataDir: () => db.dumpDataDir('gzip'),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
