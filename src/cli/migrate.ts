import { resolveConfig } from '../config/index.js';
import { bundledMigrations, migrate, migrationStatus, openStore } from '../store/index.js';
import { withItbotServer } from './server-calls.js';

interface MigrationReport {
  store: string;
  applied: { version: number; name: string; appliedAt: string }[];
  pending: { version: number; name: string }[];
  appliedNow: string[];
}

/**
 * `itbot migrate`: a PostgreSQL database (DATABASE_URL) is migrated directly, before any server
 * runs on it (servers refuse a database with pending migrations). The embedded store migrates
 * itself when its server opens it, so there this asks that server.
 */
export async function migrateCommand(options: { status?: boolean; json?: boolean }): Promise<number> {
  const config = resolveConfig();
  const report = config.databaseUrl
    ? await migrateDirectly(config, options.status === true)
    : await migrateThroughServer(options.status === true);
  const files = bundledMigrations();
  if (options.json) {
    const { appliedNow, ...status } = report;
    process.stdout.write(`${JSON.stringify(options.status ? status : { store: report.store, applied: appliedNow })}\n`);
    return 0;
  }
  if (options.status) {
    process.stdout.write(`Store: ${report.store}\n`);
    for (const m of report.applied)
      process.stdout.write(`  applied  ${String(m.version).padStart(3, '0')}_${m.name}  ${m.appliedAt}\n`);
    for (const m of report.pending)
      process.stdout.write(`  pending  ${String(m.version).padStart(3, '0')}_${m.name}.sql\n`);
    process.stdout.write(`${report.applied.length} applied, ${report.pending.length} pending\n`);
  } else if (report.appliedNow.length) {
    for (const file of report.appliedNow) process.stdout.write(`applied ${file}\n`);
  } else {
    process.stdout.write(`Already up to date (${files.length} migrations).\n`);
  }
  return 0;
}

async function migrateDirectly(
  config: ReturnType<typeof resolveConfig>,
  statusOnly: boolean,
): Promise<MigrationReport> {
  const store = await openStore(config, { purpose: 'itbot migrate' });
  try {
    const files = bundledMigrations();
    const appliedNow = statusOnly ? [] : (await migrate(store, files)).map((m) => m.file);
    const status = await migrationStatus(store, files);
    return {
      store: `${store.kind} (${store.location})`,
      applied: status.applied.map((m) => ({
        version: m.version,
        name: m.name,
        appliedAt: new Date(m.appliedAt).toISOString(),
      })),
      pending: status.pending.map((m) => ({ version: m.version, name: m.name })),
      appliedNow,
    };
  } finally {
    await store.close();
  }
}

function migrateThroughServer(statusOnly: boolean): Promise<MigrationReport> {
  return withItbotServer(async (server) => {
    const report = await server.call<MigrationReport & { embedded: boolean }>('migrate_store', { apply: !statusOnly });
    return { ...report, store: `${report.embedded ? 'embedded' : 'server'} (${report.store})` };
  });
}
