/**
 * What the agent itself costs per turn, apart from the model: MCP round trips and building and
 * parsing Gemini requests. The model is the fake Gemini server answering instantly, reached
 * through the real @google/genai SDK; the tools run in the real itbot MCP server.
 *
 *   npx tsx bench/agent-overhead.ts [--turns 50] [--offline]
 *
 * Each turn: the model asks for search_knowledge, then get_ticket, then answers (3 model calls,
 * 2 tool calls). Reported: tool round trip per call, overhead per turn (total minus model time),
 * and the model time itself (SDK + loopback HTTP + request building), p50/p95.
 *
 * With --offline the model is the offline provider on a mix of everyday sentences (questions,
 * lists, lookups, changes to tickets): "model" time is then its understanding and composing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGeminiProvider } from '../src/agent/gemini/gemini-provider.js';
import { type ModelProvider, runAgentTurn } from '../src/agent/index.js';
import { createOfflineProvider } from '../src/agent/offline/index.js';
import { summarize } from '../src/cli/bench-stats.js';
import { createGeminiClient, createMemoryRateLimiter } from '../src/gemini/index.js';
import { connectTicketServer } from '../src/mcp/index.js';
import { bundledPaths } from '../src/paths.js';
import { fakeReply, startFakeGemini } from '../test/helpers/fake-gemini-server.js';

const turnsArg = process.argv.indexOf('--turns');
const TURNS = turnsArg > 0 ? Number(process.argv[turnsArg + 1]) : 50;
const WARM_UP = 5;
const OFFLINE = process.argv.includes('--offline');
const OFFLINE_SENTENCES = [
  'outlook keeps asking for my password',
  'which tickets are assigned to aisha',
  'how many tickets are open',
  'any update on #12?',
  'add a note to 3: called the user, no answer',
  'make 14 a P1',
  'vpn error 809 when connecting from home',
  'list tickets waiting on the user',
  'give 21 to sophie',
  'resolve #2, replaced the toner',
];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-bench-agent-'));
fs.cpSync(bundledPaths.templateDatabase(), path.join(dataDir, 'pgdata'), { recursive: true });
const fake = await startFakeGemini();
const connection = await connectTicketServer({ env: { ...process.env, ITBOT_DATA_DIR: dataDir }, stderr: 'ignore' });
try {
  const tools = await connection.listTools();
  const provider: ModelProvider = OFFLINE
    ? createOfflineProvider()
    : createGeminiProvider({
        client: createGeminiClient('bench-key', fake.baseUrl),
        model: 'gemini-2.5-flash',
        limiter: createMemoryRateLimiter(1_000_000),
      });
  const toolRoundTrips: number[] = [];
  const overheads: number[] = [];
  const modelTimes: number[] = [];
  const subjects = ['vpn error 809', 'outlook password prompt', 'printer jam', 'wifi drops', 'teams camera'];
  for (let turn = 0; turn < WARM_UP + TURNS; turn++) {
    const subject = OFFLINE
      ? (OFFLINE_SENTENCES[turn % OFFLINE_SENTENCES.length] as string)
      : (subjects[turn % subjects.length] as string);
    if (!OFFLINE)
      fake.enqueue(
        fakeReply.functionCall('search_knowledge', { query: `${subject} ${turn}` }),
        fakeReply.functionCall('get_ticket', { ticket: String((turn % 300) + 1) }),
        fakeReply.textStream(['Here is what to do: ', 'follow the article.']),
      );
    const result = await runAgentTurn(subject, { provider, connection, tools, consent: async () => true });
    if (turn < WARM_UP) continue;
    toolRoundTrips.push(...result.toolCalls.map((call) => call.ms));
    overheads.push(result.timings.totalMs - result.timings.modelMs);
    modelTimes.push(result.timings.modelMs);
  }
  const report = {
    provider: provider.name,
    turns: TURNS,
    toolRoundTrip: summarize(toolRoundTrips),
    overheadPerTurn: summarize(overheads),
    fakeModelPerTurn: summarize(modelTimes),
    node: process.version,
    cpus: os.cpus().length,
    load: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  await connection.close();
  await fake.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
