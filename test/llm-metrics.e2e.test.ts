import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { type FakeGemini, fakeReply, startFakeGemini } from './helpers/fake-gemini-server.js';
import { runItbot } from './helpers/run-itbot.js';
import { type ServeProcess, startServe } from './helpers/serve-process.js';

// The agent runs in the terminal; Prometheus scrapes the server. `itbot ask` with Gemini tells the
// shared server how its model calls went, and the server's /metrics carries them.
const TOKEN = 'llm-metrics-test-token-0123456789';

describe('LLM latency and tokens in the shared server’s /metrics', () => {
  const data = makeSeededDataDir();
  let serve: ServeProcess;
  let fake: FakeGemini;
  beforeAll(async () => {
    fake = await startFakeGemini();
    serve = await startServe({ ITBOT_DATA_DIR: data.dir, ITBOT_SERVER_TOKENS: TOKEN });
  }, 60_000);
  afterAll(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exit;
    await fake?.close();
    data.cleanup();
  });

  const ask = (question: string) =>
    runItbot(['ask', '--no-cache', question], {
      env: {
        ITBOT_SERVER_URL: serve.url,
        ITBOT_SERVER_TOKEN: TOKEN,
        GEMINI_API_KEY: 'test-key',
        GOOGLE_GEMINI_BASE_URL: fake.baseUrl,
        ITBOT_DATA_DIR: data.dir,
      },
      timeoutMs: 60_000,
    });
  const metrics = async () =>
    (await fetch(serve.url.replace(/\/mcp$/, '/metrics'), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const sample = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };

  it('counts each model call of a turn, with its latency in the alert buckets and its tokens', async () => {
    fake.enqueue(
      fakeReply.functionCall('search_knowledge', { query: 'vpn error 809' }),
      fakeReply.textStream(['Check the VPN server address, then reconnect.']),
    );
    const run = await ask('vpn error 809');
    expect(run.code, run.stderr).toBe(0);
    const text = await metrics();
    const series = 'itbot_llm_request_duration_seconds_count{model="gemini-2.5-flash",outcome="ok"}';
    expect(sample(text, series)).toBe(2);
    // The alert thresholds are bucket edges (3 s), so an alert reads an exact ratio.
    expect(text).toMatch(
      /itbot_llm_request_duration_seconds_bucket\{le="3",model="gemini-2\.5-flash",outcome="ok"\} 2/,
    );
    expect(sample(text, 'itbot_llm_tokens_total{model="gemini-2.5-flash",kind="input"}')).toBeGreaterThan(0);
  }, 90_000);

  it('counts a model call that failed as an error', async () => {
    fake.enqueue(fakeReply.error(400, 'Invalid request'));
    const run = await ask('why is the printer slow');
    expect(run.code).toBe(5);
    const text = await metrics();
    expect(sample(text, 'itbot_llm_request_duration_seconds_count{model="gemini-2.5-flash",outcome="error"}')).toBe(1);
  }, 90_000);
});
