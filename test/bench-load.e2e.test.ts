import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';
import { type ServeProcess, startServe } from './helpers/serve-process.js';

// `itbot bench load` as an admin runs it: against a running `itbot serve` (what a balancer
// fronts) and against this data dir's own background server, with its data check and --assert.
const TOKEN = 'bench-load-test-token-0123456789';

interface LoadJson {
  total: { calls: number; errors: number; p95: number };
  operations: Record<string, { calls: number }>;
  tickets?: { attempted: number; confirmed: number; present: number; lost: number; duplicated: number };
  thresholds?: { text: string; passed: boolean }[];
}

describe('itbot bench load', () => {
  const data = makeSeededDataDir();
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe({ ITBOT_DATA_DIR: data.dir, ITBOT_SERVER_TOKENS: TOKEN, ITBOT_USER: 'maria.lopez' });
  }, 60_000);
  afterAll(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exit;
    data.cleanup();
  });

  const load = (args: string[], env: Record<string, string> = {}) =>
    runItbot(['bench', 'load', '--duration', '3s', '--concurrency', '4', ...args], {
      env: { ITBOT_DATA_DIR: data.dir, ...env },
      timeoutMs: 90_000,
    });

  it('runs the tickets scenario through /mcp and counts every created ticket: none lost, none twice', async () => {
    const run = await load(['--target', serve.url, '--token', TOKEN, '--scenario', 'tickets', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as LoadJson;
    expect(Object.keys(report.operations).sort()).toEqual(expect.arrayContaining(['create', 'read']));
    expect(report.total.errors).toBe(0);
    expect(report.tickets?.attempted).toBeGreaterThan(0);
    expect(report.tickets).toMatchObject({ lost: 0, duplicated: 0 });
    expect(report.tickets?.present).toBe(report.tickets?.confirmed);
  }, 120_000);

  it('exits 10 when a threshold is not met, and says which in the text report', async () => {
    const run = await load([
      '--target',
      serve.url,
      '--token',
      TOKEN,
      '--scenario',
      'search',
      '--assert',
      'search.p50<0.001ms,errors<5%',
    ]);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stdout).toMatch(/✗ search\.p50<0\.001ms/);
    expect(run.stdout).toMatch(/✓ errors<5%/);
    expect(run.stdout).toMatch(/^search\s+\d+/m);
  }, 120_000);

  it('runs whole offline agent turns at a fixed rate (open model)', async () => {
    const run = await load(['--target', serve.url, '--token', TOKEN, '--scenario', 'agent', '--rate', '4']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/open model, 4 calls\/s/);
    expect(run.stdout).toMatch(/offline provider, read-only/);
    expect(run.stdout).toMatch(/^turn\s+\d+/m);
  }, 120_000);

  it('runs Gemini turns through the real SDK against its fake model, retrying its 429s, and the server counts them', async () => {
    const run = await load([
      '--target',
      serve.url,
      '--token',
      TOKEN,
      '--scenario',
      'agent',
      '--agent',
      'fake-gemini',
      '--model-latency',
      '50ms',
      '--model-429',
      '20%',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/against a FAKE model server: 50 ms a call, 20 % answered 429/);
    expect(run.stdout).toMatch(/^turn\s+\d+\s.*\s0\.0 %$/m);
    expect(run.stderr).toMatch(/fake model: \d+ calls, \d+ answered 429/);
    const metrics = await (
      await fetch(serve.url.replace(/\/mcp$/, '/metrics'), { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/itbot_llm_request_duration_seconds_count\{model="gemini-2\.5-flash",outcome="ok"\} [1-9]/);
  }, 120_000);

  it("aims at this data dir's background server with --target embedded (the default)", async () => {
    const own = makeSeededDataDir();
    try {
      const run = await runItbot(['bench', 'load', '--duration', '2s', '--concurrency', '2', '--scenario', 'search'], {
        env: { ITBOT_DATA_DIR: own.dir },
        timeoutMs: 90_000,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`against the embedded store in ${own.dir} (its background server)`);
    } finally {
      await runItbot(['server', 'stop'], { env: { ITBOT_DATA_DIR: own.dir } });
      own.cleanup();
    }
  }, 120_000);

  it('refuses a wrong token, an unknown scenario and an unreadable duration with clear errors', async () => {
    const denied = await load(['--target', serve.url, '--token', 'wrong-token-wrong-token']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/token/i);
    expect(denied.stderr).not.toMatch(/\n\s+at /);
    const scenario = await load(['--scenario', 'storm']);
    expect([scenario.code, scenario.stderr]).toEqual([2, expect.stringMatching(/Unknown scenario "storm"/)]);
    const agent = await load(['--scenario', 'agent', '--agent', 'hal9000']);
    expect([agent.code, agent.stderr]).toEqual([2, expect.stringMatching(/Unknown agent "hal9000"/)]);
    const duration = await load(['--duration', 'soon']);
    expect([duration.code, duration.stderr]).toEqual([2, expect.stringMatching(/Cannot read --duration "soon"/)]);
  }, 120_000);
});
