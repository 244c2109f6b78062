import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { bundledPaths } from '../../src/paths.js';
import { BARE_TEMPLATE_DIR } from './data-dir.js';

/**
 * Tests run the built CLI and copy prepared databases instead of running initdb for each test:
 * the seeded template comes from `npm run build`, the bare one (no schema) is made here once.
 */
export default async function setup(): Promise<void> {
  for (const required of [bundledPaths.mcpServerEntry(), bundledPaths.templateDatabase()]) {
    if (!fs.existsSync(required))
      throw new Error(`${required} is missing: run \`npm run build\` first (npm test does).`);
  }
  if (!fs.existsSync(`${BARE_TEMPLATE_DIR}/PG_VERSION`)) {
    const staging = `${BARE_TEMPLATE_DIR}.${process.pid}`;
    const db = await PGlite.create({ dataDir: staging, extensions: { vector } });
    await db.close();
    fs.rmSync(BARE_TEMPLATE_DIR, { recursive: true, force: true });
    fs.renameSync(staging, BARE_TEMPLATE_DIR);
  }
}
