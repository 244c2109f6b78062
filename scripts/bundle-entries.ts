// Bundles the two entries people wait on with esbuild: the chat (the Ink UI and what it imports)
// into dist/chat/, and `itbot ask` (agent, MCP client, offline understanding) into dist/ask/.
// Loading hundreds of small modules one by one takes 0.5–1 s on a busy machine; one bundled file
// loads in a fraction of that. Without esbuild (an install without dev dependencies) both load
// the modules unbundled.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/paths.js';

const root = packageRoot();

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile?: { outputs: Record<string, { bytes: number }> } }>;
}

let esbuild: Esbuild;
try {
  esbuild = (await import('esbuild')) as Esbuild;
} catch {
  process.stderr.write('bundle: esbuild is not installed; the chat and ask will load unbundled (slower start-up).\n');
  process.exit(0);
}

async function bundle(entry: string, outdir: string, label: string): Promise<void> {
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    // The MCP client and the agent loop stay separate chunks: loaded after the prompt is up.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir,
    // react-devtools-core: only imported when DEV=true, not a dependency of itbot. PGlite and pg find
    // their WASM and native parts next to their own modules, so they stay packages (and are only
    // loaded by the code paths that open a store).
    external: ['react-devtools-core', '@electric-sql/*', 'pg', 'pgvector', 'pg-native'],
    // Bundled CommonJS (React) calls require(); ESM output has none unless we make one.
    banner: {
      js: "import { createRequire as __itbotCreateRequire } from 'node:module'; const require = __itbotCreateRequire(import.meta.url);",
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  const bytes = Object.values(result.metafile?.outputs ?? {}).reduce((sum, output) => sum + output.bytes, 0);
  process.stdout.write(`bundle: ${label} (${(bytes / 1024 / 1024).toFixed(1)} MB)\n`);
}

await bundle(path.join(root, 'dist', 'src', 'tui', 'index.js'), path.join(root, 'dist', 'chat'), 'dist/chat/');
await bundle(path.join(root, 'dist', 'src', 'cli', 'ask.js'), path.join(root, 'dist', 'ask'), 'dist/ask/');
