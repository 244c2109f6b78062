// Prepares the embedded database image that a first run copies instead of running initdb (which
// takes 3–7 s): schema migrated, bundled knowledge base indexed. Skipped when nothing it is made
// from has changed since the last build.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openReadyStore } from '../src/bootstrap.js';
import { resolveConfig } from '../src/config/index.js';
import { bundledPaths, packageRoot } from '../src/paths.js';

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Everything the image is made from: migrations, articles, the PGlite build, our own code. */
function inputsHash(): string {
  const hash = createHash('sha256');
  const inputs = [
    ...filesUnder(bundledPaths.migrations()),
    ...filesUnder(bundledPaths.knowledgeBase()),
    ...filesUnder(path.join(packageRoot(), 'dist', 'src', 'knowledge')),
    path.join(packageRoot(), 'node_modules', '@electric-sql', 'pglite', 'package.json'),
  ];
  for (const file of inputs) hash.update(path.relative(packageRoot(), file)).update(fs.readFileSync(file));
  return hash.digest('hex');
}

const templateDataDir = path.dirname(bundledPaths.templateDatabase());
const stampFile = path.join(templateDataDir, 'inputs.sha256');
const stamp = inputsHash();
if (
  fs.existsSync(bundledPaths.templateDatabase()) &&
  fs.existsSync(stampFile) &&
  fs.readFileSync(stampFile, 'utf8') === stamp
) {
  process.stdout.write('template database is up to date\n');
} else {
  const started = performance.now();
  fs.rmSync(templateDataDir, { recursive: true, force: true });
  const config = { ...resolveConfig({}), dataDir: templateDataDir };
  // No template to copy from: this run is the one that makes it.
  const store = await openReadyStore(config, {
    purpose: 'build-template',
    log: () => {},
    templateDir: path.join(templateDataDir, 'none'),
  });
  await store.close();
  fs.writeFileSync(stampFile, stamp);
  process.stdout.write(`template database built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
