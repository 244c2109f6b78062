import { resolveConfig } from '../config/index.js';
import { bundledMigrations, migrate, migrationStatus, openStore } from '../store/index.js';

export async function migrateCommand(options: { status?: boolean; json?: boolean }): Promise<number> {
  const config = resolveConfig();
  const store = await openStore(config, { purpose: 'itbot migrate' });
  try {
    const files = bundledMigrations();
    if (options.status) {
      const status = await migrationStatus(store, files);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({
            store: store.location,
            applied: status.applied.map((m) => ({
              version: m.version,
              name: m.name,
              appliedAt: new Date(m.appliedAt).toISOString(),
            })),
            pending: status.pending.map((m) => ({ version: m.version, name: m.name })),
          })}\n`,
        );
      } else {
        process.stdout.write(`Store: ${store.kind} (${store.location})\n`);
        for (const m of status.applied)
          process.stdout.write(
            `  applied  ${String(m.version).padStart(3, '0')}_${m.name}  ${new Date(m.appliedAt).toISOString()}\n`,
          );
        for (const m of status.pending) process.stdout.write(`  pending  ${m.file}\n`);
        process.stdout.write(`${status.applied.length} applied, ${status.pending.length} pending\n`);
      }
      return 0;
    }
    const applied = await migrate(store, files);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ store: store.location, applied: applied.map((m) => m.file) })}\n`);
    } else if (applied.length) {
      for (const m of applied) process.stdout.write(`applied ${m.file}\n`);
    } else {
      process.stdout.write(`Already up to date (${files.length} migrations).\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
