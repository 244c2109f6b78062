import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ItbotConfig } from '../config/index.js';
import { StoreError } from '../errors.js';
import { stopLocalServer } from '../mcp/local-server.js';
import { acquireDataDirLock, hasDatabase, openEmbeddedFromDump, openEmbeddedStore } from '../store/index.js';
import { extractPayload, type OpenedBackup, sha256OfFile, writeBackupFile } from './backup-file.js';
import {
  type BackupManifest,
  contentMismatches,
  describeDatabase,
  fingerprintContents,
  invalidateCaches,
  newManifest,
} from './manifest.js';

const pgdataOf = (config: ItbotConfig) => path.join(config.dataDir, 'pgdata');

function scratchFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-backup-')), name);
}

/**
 * The embedded store, whole, as PGlite dumps it. The data dir's background server is stopped
 * first (it holds the store; it finishes its running calls, and the next command starts it again).
 */
export async function backupEmbedded(config: ItbotConfig, output: string): Promise<BackupManifest> {
  if (!hasDatabase(pgdataOf(config))) {
    throw new StoreError(`There is no embedded store in ${config.dataDir} to back up.`, 'Check ITBOT_DATA_DIR.');
  }
  await stopLocalServer(config.dataDir);
  const store = await openEmbeddedStore({
    dataDir: config.dataDir,
    lockWaitMs: config.storeLockWaitMs,
    purpose: 'itbot backup',
  });
  const payload = scratchFile('pgdata.tar.gz');
  try {
    const described = await describeDatabase(store);
    const dump = await store.dumpDataDir();
    fs.writeFileSync(payload, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    const manifest = newManifest('embedded', described, await sha256OfFile(payload));
    await writeBackupFile(output, manifest, payload);
    return manifest;
  } finally {
    await store.close();
    fs.rmSync(path.dirname(payload), { recursive: true, force: true });
  }
}

export interface EmbeddedRestore {
  /** Where the database that was replaced now is (kept until the user removes it). */
  previous: string | undefined;
}

/**
 * Restores into a side directory, checks it against the manifest, and only then swaps it in: a
 * damaged or mismatching backup leaves the current store untouched.
 */
export async function restoreEmbedded(
  config: ItbotConfig,
  file: string,
  opened: OpenedBackup,
): Promise<EmbeddedRestore> {
  await stopLocalServer(config.dataDir);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const lock = await acquireDataDirLock(config.dataDir, { purpose: 'itbot restore', waitMs: config.storeLockWaitMs });
  const pgdata = pgdataOf(config);
  const staging = `${pgdata}.restoring`;
  const payload = scratchFile('pgdata.tar.gz');
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    await extractPayload(file, opened, payload);
    const restored = await openEmbeddedFromDump(staging, await fs.openAsBlob(payload));
    try {
      const mismatches = contentMismatches(opened.manifest.contents, await fingerprintContents(restored));
      if (mismatches.length > 0) {
        throw new StoreError(
          `The restored data does not match the backup (${mismatches.join('; ')}); the current store was left as it was.`,
          'Restore from another backup.',
        );
      }
      await invalidateCaches(restored);
    } finally {
      await restored.close();
    }
    let previous: string | undefined;
    if (hasDatabase(pgdata)) {
      previous = `${pgdata}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(pgdata, previous);
    } else {
      fs.rmSync(pgdata, { recursive: true, force: true });
    }
    fs.renameSync(staging, pgdata);
    return { previous };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(path.dirname(payload), { recursive: true, force: true });
    lock.release();
  }
}
