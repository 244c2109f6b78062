import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPaths, packageRoot } from '../src/paths.js';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { createTestDatabase } from './helpers/postgres.js';
import { runItbot } from './helpers/run-itbot.js';
import { startServe } from './helpers/serve-process.js';

// An MCP client we did not write: the official MCP Inspector in CLI mode lists and calls our tools.
// Inspector 2.12 needs Node 22.19+, so on Node 20 this skips (CI runs the suite on Node 24 too).
const INSPECTOR = path.join(
  packageRoot(),
  'node_modules',
  '@modelcontextprotocol',
  'inspector',
  'clients',
  'launcher',
  'build',
  'index.js',
);
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 19);
if (!supported)
  process.stderr.write(`MCP Inspector test skipped: it needs Node 22.19+, this is ${process.versions.node}\n`);

interface InspectorRun {
  code: number | null;
  json: Record<string, unknown>;
}

/** Runs the Inspector's CLI against a server (its arguments name which and how) and parses its JSON. */
function runInspector(args: string[]): Promise<InspectorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [INSPECTOR, '--cli', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, json: JSON.parse(stdout || '{}') as Record<string, unknown> });
    });
  });
}

describe.skipIf(!supported)('the official MCP Inspector (CLI) against itbot mcp', () => {
  let dataDir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir: dataDir, cleanup } = makeSeededDataDir());
  });
  afterAll(() => cleanup?.());

  const inspect = (...args: string[]) =>
    runInspector([
      '-e',
      `ITBOT_DATA_DIR=${dataDir}`,
      '-e',
      'ITBOT_USER=maria.lopez',
      process.execPath,
      bundledPaths.mcpServerEntry(),
      ...args,
    ]);

  it('lists every tool with its schema', async () => {
    const { code, json } = await inspect('--method', 'tools/list');
    expect(code).toBe(0);
    const tools = json.tools as { name: string; inputSchema: object; outputSchema?: object }[];
    expect(tools).toHaveLength(25);
    expect(tools.every((tool) => tool.outputSchema)).toBe(true);
  });

  it('calls a tool and gets structured content back', async () => {
    const { code, json } = await inspect(
      '--method',
      'tools/call',
      '--tool-name',
      'create_ticket',
      '--tool-arg',
      'title=Filed by the Inspector',
      '--tool-arg',
      'impact=2',
    );
    expect(code).toBe(0);
    expect(json.structuredContent).toMatchObject({
      created: true,
      ticket: { title: 'Filed by the Inspector', priority: 'P3' },
    });
  });

  it('sees an isError result for an unknown ticket (the Inspector exits 5)', async () => {
    const { code, json } = await inspect(
      '--method',
      'tools/call',
      '--tool-name',
      'get_ticket',
      '--tool-arg',
      'ticket=IT-999999',
    );
    expect(code).toBe(5);
    expect(json).toMatchObject({ isError: true });
  });
});

// On PostgreSQL (the team set-up) when a test server is configured, as in CI; embedded otherwise.
const postgresAdminUrl = process.env.ITBOT_TEST_POSTGRES_URL;

describe.skipIf(!supported)('the official MCP Inspector (CLI) against itbot serve over HTTP', () => {
  const TOKEN = 'inspector-token-0123456789abcdef';
  let cleanup: () => void | Promise<void>;
  let server: ChildProcess;
  let url = '';
  beforeAll(async () => {
    let store: Record<string, string>;
    if (postgresAdminUrl) {
      const database = await createTestDatabase(postgresAdminUrl);
      store = { DATABASE_URL: database.url };
      for (const step of [['migrate'], ['seed']]) {
        const run = await runItbot(step, { env: store });
        if (run.code !== 0) throw new Error(`itbot ${step[0]} failed: ${run.stderr}`);
      }
      cleanup = () => database.drop();
    } else {
      const seeded = makeSeededDataDir();
      store = { ITBOT_DATA_DIR: seeded.dir };
      cleanup = seeded.cleanup;
    }
    const started = await startServe({ ...store, ITBOT_SERVER_TOKENS: TOKEN, ITBOT_USER: 'maria.lopez' });
    server = started.child;
    url = started.url;
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    await new Promise((resolve) => server?.once('close', resolve));
    await cleanup?.();
  });

  const inspectHttp = (...args: string[]) =>
    runInspector(['--server-url', url, '--transport', 'http', '--header', `Authorization: Bearer ${TOKEN}`, ...args]);

  it('lists the same 25 tools over Streamable HTTP', async () => {
    const { code, json } = await inspectHttp('--method', 'tools/list');
    expect(code).toBe(0);
    expect(json.tools as unknown[]).toHaveLength(25);
  });

  it('calls a tool over HTTP, and sees an isError result for an unknown ticket', async () => {
    const created = await inspectHttp(
      '--method',
      'tools/call',
      '--tool-name',
      'create_ticket',
      '--tool-arg',
      'title=Filed over HTTP',
    );
    expect(created.code).toBe(0);
    expect(created.json.structuredContent).toMatchObject({
      created: true,
      ticket: { title: 'Filed over HTTP', requester: 'maria.lopez' },
    });
    const missing = await inspectHttp(
      '--method',
      'tools/call',
      '--tool-name',
      'get_ticket',
      '--tool-arg',
      'ticket=IT-999999',
    );
    expect(missing.code).toBe(5);
  });
});
