import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { UsageError } from '../errors.js';
import type { BackupManifest } from './manifest.js';

/**
 * A backup file: a magic line, the manifest as one JSON line, then the payload as it was made
 * (PGlite's tar.gz, or pg_dump's custom format). `head -2 FILE` shows what it is; `tail -n +3
 * FILE > db.dump` gives the payload to PostgreSQL's own tools.
 */
const MAGIC = 'ITBOT-BACKUP 1\n';
const MAX_HEADER_BYTES = 64 * 1024;

export async function sha256OfFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Writes header + payload to `output` (0600, never world-readable: it holds every ticket). */
export async function writeBackupFile(output: string, manifest: BackupManifest, payloadFile: string): Promise<void> {
  const partial = `${output}.partial`;
  const out = fs.createWriteStream(partial, { mode: 0o600 });
  out.write(MAGIC);
  out.write(`${JSON.stringify(manifest)}\n`);
  await pipeline(fs.createReadStream(payloadFile), out);
  fs.chmodSync(partial, 0o600);
  // Renamed into place only when whole: a backup cut short never looks like a backup.
  fs.renameSync(partial, output);
}

export interface OpenedBackup {
  manifest: BackupManifest;
  /** Where the payload starts in the file. */
  payloadOffset: number;
}

/** Reads and checks a backup's header and its payload's checksum. */
export async function readBackupFile(file: string): Promise<OpenedBackup> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    throw new UsageError(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}.`,
      'Give the path of a file made by `itbot backup`.',
    );
  }
  let header: string;
  try {
    const buffer = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_HEADER_BYTES, 0);
    header = buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
  const notOurs = new UsageError(`${file} is not an itbot backup.`, 'Give the path of a file made by `itbot backup`.');
  if (!header.startsWith(MAGIC)) throw notOurs;
  const end = header.indexOf('\n', MAGIC.length);
  if (end < 0) throw notOurs;
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(Buffer.from(header.slice(MAGIC.length, end), 'latin1').toString('utf8')) as BackupManifest;
  } catch {
    throw notOurs;
  }
  if (manifest.format !== 'itbot-backup/1') {
    throw new UsageError(
      `${file} is a backup format this itbot does not know (${String(manifest.format)}).`,
      'Restore it with the itbot version that made it.',
    );
  }
  const payloadOffset = end + 1;
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { start: payloadOffset }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  if (bytes !== manifest.payloadBytes || hash.digest('hex') !== manifest.payloadSha256) {
    throw new UsageError(
      `${file} is damaged: its contents do not match the checksum it was written with.`,
      'Restore from another backup; nothing was changed.',
    );
  }
  return { manifest, payloadOffset };
}

/** Copies the payload out to its own file (pg_restore and PGlite want one). */
export async function extractPayload(file: string, opened: OpenedBackup, target: string): Promise<void> {
  await pipeline(
    fs.createReadStream(file, { start: opened.payloadOffset }),
    fs.createWriteStream(target, { mode: 0o600 }),
  );
}
