import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ItbotConfig, resolveConfig } from '../../src/config/index.js';
import { bundledPaths } from '../../src/paths.js';

const PGLITE_VERSION = '0.5.14';

/** An initdb'd PGlite database without any schema, made once per machine by the global setup. */
export const BARE_TEMPLATE_DIR = path.join(os.tmpdir(), `itbot-test-bare-pgdata-${PGLITE_VERSION}`);

/** A throwaway data dir, removed by the returned cleanup. */
export function makeTempDir(prefix = 'itbot-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A data dir holding a copy of the prepared template database (migrated, bundled KB indexed):
 * copying takes milliseconds where initdb takes seconds.
 */
export function makeSeededDataDir(): { dir: string; cleanup: () => void } {
  const temp = makeTempDir();
  fs.cpSync(bundledPaths.templateDatabase(), path.join(temp.dir, 'pgdata'), { recursive: true });
  return temp;
}

export function testConfig(overrides: Partial<ItbotConfig> = {}): ItbotConfig {
  return { ...resolveConfig({}), user: 'test.user', storeLockWaitMs: 2_000, ...overrides };
}

/** Articles in the bundled knowledge base, so tests follow it as articles are added. */
export function bundledArticleCount(): number {
  return fs
    .readdirSync(bundledPaths.knowledgeBase(), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md')).length;
}
