/**
 * What the agent itself costs per turn, apart from the model: MCP round trips and building and
 * parsing Gemini requests. The model is the fake Gemini server answering instantly, reached
 * through the real @google/genai SDK; the tools run in the real itbot MCP server.
 *
 *   npx tsx bench/agent-overhead.ts [--turns 50]
 *
 * Each turn: the model asks for search_knowledge, then get_ticket, then answers (3 model calls,
 * 2 tool calls). Reported: tool round trip per call, overhead per turn (total minus model time),
 * and the model time itself (SDK + loopback HTTP + request building), p50/p95.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGeminiProvider } from '../src/agent/gemini/gemini-provider.js';
import { type ModelProvider, runAgentTurn } from '../src/agent/index.js';
import { summarize } from '../src/cli/bench-stats.js';
import { createGeminiClient, createMemoryRateLimiter } from '../src/gemini/index.js';
import { connectTicketServer } from '../src/mcp/index.js';
import { bundledPaths } from '../src/paths.js';
import { fakeReply, startFakeGemini } from '../test/helpers/fake-gemini-server.js';

const turnsArg = process.argv.indexOf('--turns');
const TURNS = turnsArg > 0 ? Number(process.argv[turnsArg + 1]) : 50;
const WARM_UP = 5;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-bench-agent-'));
fs.cpSync(bundledPaths.templateDatabase(), path.join(dataDir, 'pgdata'), { recursive: true });
const fake = await startFakeGemini();
const connection = await connectTicketServer({ env: { ...process.env, ITBOT_DATA_DIR: dataDir }, stderr: 'ignore' });
try {
  const tools = await connection.listTools();
  const provider: ModelProvider = createGeminiProvider({
    client: createGeminiClient('bench-key', fake.baseUrl),
    model: 'gemini-2.5-flash',
    limiter: createMemoryRateLimiter(1_000_000),
  });
  const toolRoundTrips: number[] = [];
  const overheads: number[] = [];
  const modelTimes: number[] = [];
  const subjects = ['vpn error 809', 'outlook password prompt', 'printer jam', 'wifi drops', 'teams camera'];
  for (let turn = 0; turn < WARM_UP + TURNS; turn++) {
    const subject = subjects[turn % subjects.length] as string;
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
