import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { type FakeGemini, fakeReply, startFakeGemini } from './helpers/fake-gemini-server.js';
import { runItbot } from './helpers/run-itbot.js';

let fake: FakeGemini;
let dataDir: string;
let cleanup: () => void;
beforeAll(async () => {
  fake = await startFakeGemini();
  ({ dir: dataDir, cleanup } = makeSeededDataDir());
});
afterAll(async () => {
  await fake?.close();
  cleanup?.();
});

it('every tool call in -o stream-json has its own id, across steps (Gemini sends none)', async () => {
  fake.script([
    fakeReply.functionCall('search_knowledge', { query: 'vpn' }),
    fakeReply.functionCalls([
      { name: 'get_article', args: { path: 'kb/network/vpn-wont-connect.md' } },
      { name: 'list_groups', args: {} },
    ]),
    'Reinstall the VPN client.',
  ]);
  const run = await runItbot(['ask', '--no-cache', '-o', 'stream-json', 'vpn keeps dropping'], {
    env: { ITBOT_DATA_DIR: dataDir, GEMINI_API_KEY: 'test-key', GOOGLE_GEMINI_BASE_URL: fake.baseUrl },
  });
  expect(run.code, run.stderr).toBe(0);
  const events = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; id?: string });
  const calls = events.filter((event) => event.type === 'tool_call').map((event) => event.id);
  const results = events.filter((event) => event.type === 'tool_result').map((event) => event.id);
  expect(calls).toHaveLength(3);
  expect(new Set(calls).size).toBe(3);
  expect(results).toEqual(calls);
});
