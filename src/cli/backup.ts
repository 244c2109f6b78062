import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { BackupManifest } from '../backup/manifest.js';
import { resolveConfig } from '../config/index.js';
import { UsageError } from '../errors.js';

function defaultOutput(): string {
  return path.resolve(
    `itbot-backup-${new Date()
      .toISOString()
      .replace(/[:.]/g, '-')
      .replace(/-\d+Z$/, 'Z')}.itbot`,
  );
}

function summary(manifest: BackupManifest): string {
  const { tickets, ticketEvents, knowledgeChunks } = manifest.contents;
  const vector = manifest.pgvectorVersion ? `, pgvector ${manifest.pgvectorVersion}` : ', no pgvector';
  return (
    `${tickets.rows} tickets, ${ticketEvents.rows} timeline events, ${knowledgeChunks.rows} knowledge chunks ` +
    `(PostgreSQL ${manifest.postgresVersion}${vector}, migration ${manifest.migrationLevel}, made by itbot ${manifest.itbotVersion} on ${manifest.createdAt})`
  );
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** `itbot backup [--output FILE]`: the whole store, with a manifest to check a restore against. */
export async function backupCommand(options: { output?: string }): Promise<number> {
  const config = resolveConfig();
  const output = path.resolve(options.output ?? defaultOutput());
  if (fs.existsSync(output)) {
    throw new UsageError(`${output} exists already.`, 'Choose another --output; a backup never overwrites a file.');
  }
  if (!fs.existsSync(path.dirname(output))) {
    throw new UsageError(
      `The folder ${path.dirname(output)} does not exist.`,
      'Create it, or choose another --output.',
    );
  }
  const manifest = config.databaseUrl
    ? await (await import('../backup/server.js')).backupServer(config.databaseUrl, output)
    : await (await import('../backup/embedded.js')).backupEmbedded(config, output);
  process.stdout.write(
    `Backed up the ${manifest.store === 'server' ? 'PostgreSQL database' : 'embedded store'}: ${summary(manifest)}\n` +
      `  ${output}  (${megabytes(fs.statSync(output).size)}, sha256 ${manifest.payloadSha256.slice(0, 16)}…, readable by you only)\n`,
  );
  return 0;
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

/** `itbot restore FILE [--yes]`: replaces the store with a backup, after checking both. */
export async function restoreCommand(file: string, options: { yes?: boolean }): Promise<number> {
  const config = resolveConfig();
  const { readBackupFile } = await import('../backup/backup-file.js');
  const opened = await readBackupFile(file);
  const { manifest } = opened;
  const target = config.databaseUrl ? 'server' : 'embedded';
  if (manifest.store !== target) {
    throw new UsageError(
      `${file} is a backup of ${manifest.store === 'server' ? 'a PostgreSQL database' : 'an embedded store'}, and this itbot uses ${target === 'server' ? 'DATABASE_URL' : 'the embedded store'}.`,
      manifest.store === 'server'
        ? 'Set DATABASE_URL to the database to restore into.'
        : 'Unset DATABASE_URL to restore into the embedded store.',
    );
  }
  process.stderr.write(`Backup: ${summary(manifest)}\n`);

  const { hasDatabase } = await import('../store/index.js');
  const hasData = config.databaseUrl
    ? await (await import('../backup/server.js')).serverHasData(config.databaseUrl)
    : hasDatabase(path.join(config.dataDir, 'pgdata'));
  const where = config.databaseUrl ? 'the PostgreSQL database' : `the embedded store in ${config.dataDir}`;
  if (hasData && !options.yes) {
    const agreed = process.stdin.isTTY && process.stderr.isTTY && (await confirm(`Replace ${where} with this backup?`));
    if (!agreed) {
      throw new UsageError(
        `Restoring replaces ${where}; nothing was changed.`,
        'Run again with --yes to replace it (the embedded store keeps the replaced database beside it).',
      );
    }
  }

  if (config.databaseUrl) {
    await (await import('../backup/server.js')).restoreServer(config.databaseUrl, file, opened);
    process.stdout.write(
      `Restored ${where}; checked: ${summary(manifest).split(' (')[0]}. Cached answers were invalidated.\n`,
    );
  } else {
    const { restoreEmbedded } = await import('../backup/embedded.js');
    const { previous } = await restoreEmbedded(config, file, opened);
    process.stdout.write(
      `Restored ${where}; checked: ${summary(manifest).split(' (')[0]}. Cached answers were invalidated.\n`,
    );
    if (previous)
      process.stdout.write(`  The database it replaced is in ${previous} (remove it when you no longer need it).\n`);
  }
  return 0;
}
