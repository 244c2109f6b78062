// Bundles the chat (the Ink UI and what it imports) into dist/chat/ with esbuild. Loading Ink,
// React and their ~200 small modules one by one takes 0.5–1 s on a busy machine; one bundled file
// loads in about 0.1 s, which is what keeps `itbot` under half a second to a usable prompt.
// Without esbuild (an install without dev dependencies) the chat loads the modules unbundled.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/paths.js';

const root = packageRoot();
const entry = path.join(root, 'dist', 'src', 'tui', 'index.js');
const outdir = path.join(root, 'dist', 'chat');

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile?: { outputs: Record<string, { bytes: number }> } }>;
}

let esbuild: Esbuild;
try {
  esbuild = (await import('esbuild')) as Esbuild;
} catch {
  process.stderr.write('bundle-chat: esbuild is not installed; the chat will load unbundled (slower start-up).\n');
  process.exit(0);
}

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
  // Only imported when DEV=true (React devtools); not a dependency of itbot.
  external: ['react-devtools-core'],
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
process.stdout.write(`bundle-chat: dist/chat/ (${(bytes / 1024 / 1024).toFixed(1)} MB)\n`);
