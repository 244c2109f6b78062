import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { redactUrl } from '../config/index.js';
import { ConfigError, errorMessage, StoreError } from '../errors.js';
import type { Queryable } from '../store/index.js';
import { extractPayload, type OpenedBackup, sha256OfFile, writeBackupFile } from './backup-file.js';
import {
  type BackupManifest,
  contentMismatches,
  describeDatabase,
  fingerprintContents,
  invalidateCaches,
  newManifest,
} from './manifest.js';

/**
 * PostgreSQL servers are backed up with pg_dump's custom format and restored with pg_restore, over
 * a direct connection (not through pgbouncer: the dump's snapshot lives in one session).
 */

function queryable(client: pg.Client): Queryable {
  return {
    async query<Row>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    throw new StoreError(
      `Cannot connect to PostgreSQL at ${redactUrl(databaseUrl)}: ${errorMessage(error)}`,
      'Check DATABASE_URL.',
    );
  }
}

/** The password travels in PGPASSWORD, never on a command line other users' `ps` can read. */
function toolConnection(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { url: url.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function run(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

const major = (version: string) => Number.parseInt(version, 10);

/** `pg_dump`/`pg_restore` on PATH and at least `needed` (a client older than the data refuses or corrupts). */
async function checkTool(tool: 'pg_dump' | 'pg_restore', needed: number, why: string): Promise<void> {
  let found: string;
  try {
    const version = await new Promise<string>((resolve, reject) => {
      const child = spawn(tool, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.once('error', reject);
      child.once('close', () => resolve(out));
    });
    found = /(\d+)(\.\d+)?/.exec(version)?.[0] ?? '';
  } catch {
    throw new ConfigError(`${tool} is not on PATH.`, `Install PostgreSQL's client tools (version ${needed} or later).`);
  }
  if (!found || major(found) < needed) {
    throw new ConfigError(
      `${tool} ${found || '(unknown version)'} is older than ${why} (PostgreSQL ${needed}).`,
      `Use ${tool} ${needed} or later, e.g. the one in the postgres:${needed} image (the compose backup service does).`,
    );
  }
}

export async function backupServer(databaseUrl: string, output: string): Promise<BackupManifest> {
  const client = await connect(databaseUrl);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-backup-'));
  const payload = path.join(scratch, 'database.dump');
  try {
    const db = queryable(client);
    const { rows } = await db.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    await checkTool('pg_dump', major(rows[0]?.version ?? '0'), 'the server');
    // The manifest and the dump see the same snapshot, so the counts it records are the dump's.
    await db.exec('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const snapshot = (await db.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id ?? '';
    const described = await describeDatabase(db);
    const { url, env } = toolConnection(databaseUrl);
    const dump = await run(
      'pg_dump',
      ['--format=custom', `--snapshot=${snapshot}`, `--file=${payload}`, `--dbname=${url}`],
      env,
    );
    await db.exec('COMMIT');
    if (dump.code !== 0) throw new StoreError(`pg_dump failed: ${dump.stderr.trim()}`, 'Nothing was written.');
    const manifest = newManifest('server', described, await sha256OfFile(payload));
    await writeBackupFile(output, manifest, payload);
    return manifest;
  } finally {
    await client.end().catch(() => {});
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether the database holds any of itbot's tables (restoring over them needs consent). */
export async function serverHasData(databaseUrl: string): Promise<boolean> {
  const client = await connect(databaseUrl);
  try {
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('tickets', 'kb_chunks')",
    );
    return (rows[0]?.n ?? 0) > 0;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * pg_restore in one transaction (a failure changes nothing), replacing the objects the dump
 * holds, then checked against the manifest.
 */
export async function restoreServer(databaseUrl: string, file: string, opened: OpenedBackup): Promise<void> {
  await checkTool('pg_restore', major(opened.manifest.postgresVersion), 'the server the backup was made on');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-restore-'));
  const payload = path.join(scratch, 'database.dump');
  try {
    await extractPayload(file, opened, payload);
    const { url, env } = toolConnection(databaseUrl);
    const restore = await run(
      'pg_restore',
      ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${url}`, payload],
      env,
    );
    if (restore.code !== 0) {
      throw new StoreError(
        `pg_restore failed, nothing was changed: ${restore.stderr.trim()}`,
        'Check that the database can hold this backup (pgvector, PostgreSQL version).',
      );
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const client = await connect(databaseUrl);
  try {
    const db = queryable(client);
    const mismatches = contentMismatches(opened.manifest.contents, await fingerprintContents(db));
    if (mismatches.length > 0) {
      throw new StoreError(
        `The restored data does not match the backup: ${mismatches.join('; ')}.`,
        'Restore again, or from another backup.',
      );
    }
    await invalidateCaches(db);
  } finally {
    await client.end().catch(() => {});
  }
}
