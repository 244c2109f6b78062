import type { Queryable } from '../store/index.js';
import { ITBOT_VERSION } from '../version.js';

/** What a backup says about itself: enough to refuse a wrong restore and to verify a right one. */
export interface BackupManifest {
  format: 'itbot-backup/1';
  itbotVersion: string;
  createdAt: string;
  /** embedded: PGlite's own data-dir dump (tar.gz); server: pg_dump's custom format. */
  store: 'embedded' | 'server';
  /** The highest migration applied. */
  migrationLevel: number;
  postgresVersion: string;
  /** null where the database has no pgvector (Debian's PostgreSQL, say). */
  pgvectorVersion: string | null;
  payloadBytes: number;
  /** sha256 of the payload, hex. */
  payloadSha256: string;
  contents: ContentFingerprint;
}

/** Counts and checksums of what matters most, compared after a restore. */
export interface ContentFingerprint {
  tickets: TableFingerprint;
  ticketEvents: TableFingerprint;
  knowledgeChunks: TableFingerprint;
  /** Since migration 012; absent from the manifests of older backups. */
  ticketAttachments?: TableFingerprint;
}

export interface TableFingerprint {
  rows: number;
  md5: string;
}

// Each row reduced to the columns that change when it does, in a stable order: the same data
// gives the same checksum on PGlite and on a server.
const FINGERPRINTS: Record<keyof ContentFingerprint, string> = {
  ticketAttachments: `SELECT count(*)::int AS rows, coalesce(md5(string_agg(
      id || ':' || ticket_id || ':' || sha256 || ':' || md5(content), ',' ORDER BY id)), '') AS md5 FROM ticket_attachments`,
  tickets: `SELECT count(*)::int AS rows, coalesce(md5(string_agg(
      id || ':' || number || ':' || version || ':' || status, ',' ORDER BY id)), '') AS md5 FROM tickets`,
  ticketEvents: `SELECT count(*)::int AS rows, coalesce(md5(string_agg(
      id || ':' || ticket_id || ':' || kind || ':' || md5(coalesce(body, '')), ',' ORDER BY id)), '') AS md5 FROM ticket_events`,
  knowledgeChunks: `SELECT count(*)::int AS rows, coalesce(md5(string_agg(
      id || ':' || document_id || ':' || md5(content), ',' ORDER BY id)), '') AS md5 FROM kb_chunks`,
};

// One query at a time: a server backup runs these on the single connection that holds its snapshot.
export async function fingerprintContents(db: Queryable): Promise<ContentFingerprint> {
  const fingerprint: Partial<ContentFingerprint> = {};
  const attachments = await db.query<{ present: boolean }>(
    "SELECT to_regclass('ticket_attachments') IS NOT NULL AS present",
  );
  for (const [name, sql] of Object.entries(FINGERPRINTS) as [keyof ContentFingerprint, string][]) {
    // A store restored from a backup made before migration 012 has no attachments table yet.
    if (name === 'ticketAttachments' && !attachments.rows[0]?.present) continue;
    const { rows } = await db.query<TableFingerprint>(sql);
    fingerprint[name] = rows[0] ?? { rows: 0, md5: '' };
  }
  return fingerprint as ContentFingerprint;
}

export async function describeDatabase(
  db: Queryable,
): Promise<Pick<BackupManifest, 'migrationLevel' | 'postgresVersion' | 'pgvectorVersion' | 'contents'>> {
  const level = await db.query<{ level: number }>(
    'SELECT coalesce(max(version), 0)::int AS level FROM schema_migrations',
  );
  const server = await db.query<{ version: string }>("SELECT current_setting('server_version') AS version");
  const vector = await db.query<{ version: string }>(
    "SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'",
  );
  const contents = await fingerprintContents(db);
  return {
    migrationLevel: level.rows[0]?.level ?? 0,
    postgresVersion: server.rows[0]?.version ?? 'unknown',
    pgvectorVersion: vector.rows[0]?.version ?? null,
    contents,
  };
}

export function newManifest(
  store: BackupManifest['store'],
  described: Awaited<ReturnType<typeof describeDatabase>>,
  payload: { bytes: number; sha256: string },
): BackupManifest {
  return {
    format: 'itbot-backup/1',
    itbotVersion: ITBOT_VERSION,
    createdAt: new Date().toISOString(),
    store,
    ...described,
    payloadBytes: payload.bytes,
    payloadSha256: payload.sha256,
  };
}

/** The tables whose restored contents differ from what the backup recorded (empty when all match). */
export function contentMismatches(expected: ContentFingerprint, actual: ContentFingerprint): string[] {
  const empty: TableFingerprint = { rows: 0, md5: '' };
  return (Object.keys(expected) as (keyof ContentFingerprint)[]).flatMap((name) => {
    const want = expected[name] ?? empty;
    const found = actual[name] ?? empty;
    return want.rows !== found.rows || want.md5 !== found.md5
      ? [`${name}: expected ${want.rows} rows, found ${found.rows}`]
      : [];
  });
}

/**
 * Caches key knowledge answers on kb_index.version, a counter. A restore can bring back an older
 * counter that later reindexes would reuse for different content, so it is moved past any value a
 * counter could have reached: every cached entry (in Redis too) becomes unreachable, none stale.
 */
export async function invalidateCaches(db: Queryable): Promise<void> {
  await db.query(
    'UPDATE kb_index SET version = greatest(version + 1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)',
  );
}
