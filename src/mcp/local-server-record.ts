import fs from 'node:fs';
import path from 'node:path';

/**
 * Where a data dir's background server can be found: written by the server once it listens,
 * removed when it stops, readable by this user only (it holds the server's secret).
 */
export interface LocalServerRecord {
  version: string;
  pid: number;
  url: string;
  /** The secret every request must carry; whoever can read this file is the owner. */
  token: string;
  dataDir: string;
  startedAt: string;
  /** A digest of the settings it was started with (see serverSettingsFingerprint). */
  settings: string;
  /** Seconds without a request after which the server exits. */
  idleTimeoutSeconds: number;
}

const RECORD_FILE = 'server.json';

export function localServerRecordPath(dataDir: string): string {
  return path.join(dataDir, RECORD_FILE);
}

export function readLocalServerRecord(dataDir: string): LocalServerRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(localServerRecordPath(dataDir), 'utf8')) as Partial<LocalServerRecord>;
    if (typeof record.url !== 'string' || typeof record.token !== 'string' || typeof record.pid !== 'number') {
      return undefined;
    }
    return record as LocalServerRecord;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a reader never sees half a file), with mode 0600 from the start. */
export function writeLocalServerRecord(record: LocalServerRecord): void {
  const target = localServerRecordPath(record.dataDir);
  const staging = `${target}.${record.pid}.tmp`;
  fs.writeFileSync(staging, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(staging, target);
}

/** Removes the record if it is still this server's (a newer server may have replaced it). */
export function removeLocalServerRecord(dataDir: string, pid: number): void {
  if (readLocalServerRecord(dataDir)?.pid === pid) fs.rmSync(localServerRecordPath(dataDir), { force: true });
}
