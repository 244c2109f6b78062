import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The directory holding itbot's package.json. Code runs both from `src/` (tests) and from
 * `dist/src/` (the built CLI), so bundled files (sql/, kb/, the template database) are found from here.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('itbot: cannot find its package root');
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}

export const bundledPaths = {
  migrations: () => path.join(packageRoot(), 'sql'),
  knowledgeBase: () => path.join(packageRoot(), 'kb'),
  /** The sample company (users, groups, categories) and its historical tickets. */
  seed: () => path.join(packageRoot(), 'seed'),
  /** Everyday IT phrases mapped to the words articles use, for query expansion. */
  thesaurus: () => path.join(packageRoot(), 'data', 'it-thesaurus.json'),
  /** A migrated, indexed embedded database made by `npm run build`, copied on first run. */
  templateDatabase: () => path.join(packageRoot(), 'dist', 'template', 'pgdata'),
  mcpServerEntry: () => path.join(packageRoot(), 'dist', 'mcp-server', 'main.js'),
  cliEntry: () => path.join(packageRoot(), 'bin', 'itbot'),
};
