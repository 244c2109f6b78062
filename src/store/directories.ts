import fs from 'node:fs';
import path from 'node:path';

/**
 * mkdir -p, one level at a time: Node's own recursive mkdir spins forever on some paths (under
 * /proc, for one) instead of failing.
 */
export function ensureDirectory(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing) fs.mkdirSync(level);
}
