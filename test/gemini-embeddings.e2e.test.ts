import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledArticleCount, makeTempDir } from './helpers/data-dir.js';
import { type FakeGemini, startFakeGemini } from './helpers/fake-gemini-server.js';
import { runItbot } from './helpers/run-itbot.js';

// ITBOT_EMBEDDER=gemini end to end: the built CLI, the real SDK, a loopback fake of the API.
describe('knowledge search with Gemini embeddings', () => {
  let fake: FakeGemini;
  let dataDir: string;
  let cleanup: () => void;
  const env = () => ({
    ITBOT_DATA_DIR: dataDir,
    ITBOT_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GOOGLE_GEMINI_BASE_URL: fake.baseUrl,
  });
  beforeAll(async () => {
    fake = await startFakeGemini();
    ({ dir: dataDir, cleanup } = makeTempDir());
  });
  afterAll(async () => {
    await fake?.close();
    cleanup?.();
  });

  const embedRequests = () =>
    fake.requests
      .filter((r) => r.endpoint === 'batchEmbedContents')
      .map((r) => (r.body as { requests: { taskType: string; outputDimensionality: number }[] }).requests);

  it('builds a new store with Gemini embeddings (documents) and searches with them (query)', async () => {
    const run = await runItbot(['kb', 'search', '--json', 'printer offline'], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).results.length).toBeGreaterThan(0);
    const batches = embedRequests();
    expect(batches.every((batch) => batch.length <= 100)).toBe(true);
    expect(
      batches
        .slice(0, -1)
        .flat()
        .every((r) => r.taskType === 'RETRIEVAL_DOCUMENT' && r.outputDimensionality === 768),
    ).toBe(true);
    expect(batches.at(-1)?.[0]?.taskType).toBe('RETRIEVAL_QUERY');
    expect(fake.requests[0]?.headers['x-goog-api-key']).toBe('test-key');
  });

  it('records the embedder, and refuses to search that index with another one', async () => {
    const doctor = await runItbot(['doctor'], { env: env() });
    expect(doctor.stdout).toMatch(
      new RegExp(
        `knowledge index: ${bundledArticleCount()} documents, \\d+ chunks, built with gemini:gemini-embedding-001@768`,
      ),
    );
    const local = await runItbot(['kb', 'search', 'printer'], { env: { ITBOT_DATA_DIR: dataDir } });
    expect(local.code).toBe(4);
    expect(local.stderr).toMatch(/built with gemini:gemini-embedding-001@768 but search would use hashed-ngram-v1@768/);
    expect(local.stderr).toMatch(/Run `itbot reindex`: it re-embeds the whole index/);
  });

  it('explains a missing key', async () => {
    const run = await runItbot(['kb', 'search', 'printer'], {
      env: { ITBOT_DATA_DIR: dataDir, ITBOT_EMBEDDER: 'gemini' },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/ITBOT_EMBEDDER=gemini needs a Gemini API key/);
  });
});
