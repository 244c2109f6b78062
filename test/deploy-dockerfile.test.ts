import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../src/paths.js';
import { freeLoopbackPort } from './helpers/ports.js';

// No Docker engine runs here, so the image cannot be built. What can be checked is checked: the
// stages and what the runtime stage keeps, that everything it copies is in the build context, that
// production dependencies cover every import of the built code, and that the runtime stage's file
// layout starts `itbot serve` and answers the image's own HEALTHCHECK command.
const root = packageRoot();
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const ignored = fs
  .readFileSync(path.join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
// Instructions with their continuation lines joined.
const instructions = dockerfile
  .replace(/\\\n(\s*#.*\n)*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.trim().startsWith('#'));
const stages: { name: string; lines: string[] }[] = [];
for (const line of instructions) {
  const from = /^FROM \S+ AS (\w+)$/.exec(line);
  if (from) stages.push({ name: from[1] as string, lines: [] });
  else stages.at(-1)?.lines.push(line);
}
const runtime = stages.at(-1)?.lines ?? [];
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

describe('Dockerfile', () => {
  it('builds with dev dependencies and runs with production ones only', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    expect(stages[0]?.lines.join('\n')).toMatch(/RUN npm ci --ignore-scripts/);
    expect(stages[0]?.lines.join('\n')).toMatch(/RUN npm run build/);
    expect(runtime.join('\n')).toMatch(/RUN npm ci --omit=dev --ignore-scripts/);
    expect(runtime.join('\n')).not.toMatch(/npm run build/);
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
  });

  it('runs as a non-root user, writing only to ITBOT_DATA_DIR and /tmp', () => {
    const users = runtime.filter((line) => line.startsWith('USER '));
    expect(users).toEqual(['USER node']);
    expect(runtime.join('\n')).toMatch(/ITBOT_DATA_DIR=\/data/);
    expect(runtime.indexOf('USER node')).toBeGreaterThan(
      runtime.findIndex((line) => line.includes('chown node:node /data')),
    );
  });

  it('checks /healthz with node (no curl) and serves on all interfaces by default', () => {
    expect(runtime.find((line) => line.startsWith('HEALTHCHECK'))).toMatch(
      /CMD \["node", "-e", "fetch\('http:\/\/127\.0\.0\.1:8080\/healthz'\)/,
    );
    expect(runtime.at(-1)).toBe('CMD ["itbot", "serve", "--listen", "0.0.0.0:8080"]');
  });

  it('copies what itbot reads at run time, all of it in the build context', () => {
    const copied = runtime
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from'))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    // src/paths.ts: sql/, kb/, seed/, data/ (the thesaurus), dist/, bin/itbot, package.json.
    for (const needed of ['package.json', 'bin', 'sql', 'kb', 'seed', 'data']) expect(copied, needed).toContain(needed);
    for (const source of copied) {
      expect(fs.existsSync(path.join(root, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
    for (const secret of ['.env', '.git', 'node_modules']) expect(ignored).toContain(secret);
  });

  it('needs no dev dependency at run time (npm ci --omit=dev is enough)', () => {
    const built = ['dist/src', 'dist/mcp-server', 'dist/ask', 'dist/chat'].map((dir) => path.join(root, dir));
    const files = built.flatMap((dir) =>
      fs.existsSync(dir)
        ? fs
            .readdirSync(dir, { recursive: true, encoding: 'utf8' })
            .filter((file) => file.endsWith('.js') && !file.endsWith('.test.js'))
            .map((file) => path.join(dir, file))
        : [],
    );
    expect(files.length, 'run `npm run build` first').toBeGreaterThan(50);
    // What `npm ci --omit=dev` leaves out: lock entries marked dev (dependencies of dependencies count).
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const installed = (name: string) => {
      const entry = lock.packages[`node_modules/${name}`];
      return entry !== undefined && entry.dev !== true;
    };
    const optionalDevImports = new Map([
      ['@electric-sql/pglite-socket', '`itbot bench search --wire` loads it on demand and says to use a checkout'],
      ['react-devtools-core', 'ink loads its devtools chunk only with DEV=true'],
    ]);
    // Our compiled code: every import form. The esbuild bundles (dist/ask, dist/chat) hold third-party
    // code whose optional dynamic imports are its authors' business: only their static imports count.
    const ours = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([\w@][\w@/.-]*)['"]/g;
    const bundled = /^import(?:\s[^'"]*from)?\s*['"]([\w@][\w@/.-]*)['"]/gm;
    const packages = new Set<string>();
    for (const file of files) {
      const code = fs.readFileSync(file, 'utf8');
      const pattern = /[/\\]dist[/\\](ask|chat)[/\\]/.test(file) ? bundled : ours;
      for (const match of code.matchAll(pattern)) {
        const specifier = match[1] as string;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        if (!specifier.startsWith('node:') && !builtinModules.includes(name as string)) packages.add(name as string);
      }
    }
    expect(packages).toContain('@modelcontextprotocol/sdk');
    const missing = [...packages].filter((name) => !installed(name) && !optionalDevImports.has(name));
    expect(missing).toEqual([]);
  });

  it("lays out a runtime that refuses to serve beyond loopback without tokens, and passes the image's HEALTHCHECK", async () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-image-'));
    temps.push(app);
    // What the runtime stage holds: the build stage deletes these from dist/ and the source maps.
    const dropped = ['template', 'test', 'bench'].map((dir) => path.join(root, 'dist', dir));
    for (const entry of ['package.json', 'bin', 'sql', 'kb', 'seed', 'data', 'dist'])
      fs.cpSync(path.join(root, entry), path.join(app, entry), {
        recursive: true,
        filter: (source) => !source.endsWith('.map') && !dropped.some((dir) => source.startsWith(dir)),
      });
    expect(stages[0]?.lines.join('\n')).toContain('rm -rf dist/template dist/test dist/bench');
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(app, 'node_modules'));
    const dataDir = path.join(app, 'data-dir');
    const env = { PATH: process.env.PATH ?? '', HOME: app, ITBOT_DATA_DIR: dataDir, ITBOT_BACKGROUND_SERVER: 'off' };

    const refused = spawnSync(process.execPath, ['bin/itbot', 'serve', '--listen', '0.0.0.0:0'], {
      cwd: app,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('Refusing to listen on 0.0.0.0 without a token');

    const port = await freeLoopbackPort();
    const server = spawn(process.execPath, ['bin/itbot', 'serve', '--listen', `127.0.0.1:${port}`], {
      cwd: app,
      env: { ...env, ITBOT_SERVER_TOKENS: 'image-test-token' },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => server.once('close', () => resolve()));
    try {
      const healthcheck = /HEALTHCHECK[^\n]*CMD (\[.*\])/.exec(instructions.join('\n'))?.[1] as string;
      const command = (JSON.parse(healthcheck) as string[]).map((arg) => arg.replace(':8080/', `:${port}/`));
      let status: number | null = 1;
      for (const deadline = Date.now() + 30_000; status !== 0 && Date.now() < deadline; ) {
        status = spawnSync(command[0] as string, command.slice(1), { timeout: 10_000 }).status;
        if (status !== 0) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status).toBe(0);
    } finally {
      // Wait for it to close its store: removing the data dir while it shuts down races its writes.
      server.kill('SIGTERM');
      const killed = setTimeout(() => server.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killed);
    }
  });
});
