import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSeededDataDir, makeTempDir } from './helpers/data-dir.js';
import { type FakeGemini, fakeReply, startFakeGemini } from './helpers/fake-gemini-server.js';
import { runItbot } from './helpers/run-itbot.js';

// Gemini quota errors classified as gemini-cli does: a per-minute limit waits its RetryInfo delay
// and carries on; a per-day quota, or a wait of more than a few minutes, ends the run at once with
// what ran out, when it resets and how to raise it (exit 5), instead of retrying for hours.

let fake: FakeGemini;
let dataDir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir: dataDir, cleanup } = makeSeededDataDir());
});
afterAll(() => cleanup?.());
beforeEach(async () => {
  fake = await startFakeGemini();
});
afterEach(async () => fake.close());

const env = () => ({ ITBOT_DATA_DIR: dataDir, GEMINI_API_KEY: 'test-key', GOOGLE_GEMINI_BASE_URL: fake.baseUrl });
const generations = () => fake.requests.filter((r) => r.endpoint === 'streamGenerateContent').length;

describe('Gemini quota errors', () => {
  it('a per-day quota is terminal: one request, what ran out and when it resets (exit 5)', async () => {
    fake.script([fakeReply.quotaExhausted({ perDay: true }), 'never reached']);
    const started = Date.now();
    const run = await runItbot(['ask', '--no-cache', 'vpn keeps dropping'], { env: env() });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(
      /Gemini's daily quota for generate_content_free_tier_requests \(limit 250 a day\) is used up\. It resets at midnight Pacific time, in \d+ h \d+ min\./,
    );
    expect(run.stderr).toMatch(/Raise the quota .*--provider offline/);
    expect(run.stderr).not.toMatch(/retrying/);
    expect(generations()).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a per-minute limit waits the RetryInfo delay, says so, and answers', async () => {
    fake.script([fakeReply.quotaExhausted({ retryDelaySeconds: 1 }), 'Reconnect the VPN client.']);
    const run = await runItbot(['ask', '--no-cache', 'vpn keeps dropping'], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('itbot: retrying in 1 s (rate limited)');
    expect(run.stdout).toContain('Reconnect the VPN client.');
    expect(generations()).toBe(2);
  });

  it('a per-minute limit that asks for a wait of many minutes is terminal too', async () => {
    fake.script([fakeReply.quotaExhausted({ retryDelaySeconds: 600 })]);
    const run = await runItbot(['ask', '--no-cache', 'vpn keeps dropping'], { env: env() });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(
      /quota for generate_content_free_tier_requests \(limit 10\) is used up\. Gemini asks to wait 10 min/,
    );
    expect(generations()).toBe(1);
  });

  it('embeddings: a daily quota ends a search with the same clear message', async () => {
    const fresh = makeTempDir();
    try {
      fake.enqueueEmbedding(fakeReply.quotaExhausted({ perDay: true }));
      const run = await runItbot(['kb', 'search', 'printer offline'], {
        env: { ...env(), ITBOT_DATA_DIR: fresh.dir, ITBOT_EMBEDDER: 'gemini' },
      });
      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(/Gemini's daily quota for .* is used up\. It resets at midnight Pacific time/);
      expect(run.stderr).not.toMatch(/internal error/);
    } finally {
      fresh.cleanup();
    }
  });
});
