import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { ModelProvider } from '../../agent/types.js';
import { type ItbotConfig, resolveConfig } from '../../config/index.js';
import { ExitCode, UsageError } from '../../errors.js';
import type { TicketServerConnection } from '../../mcp/index.js';
import { type Assertion, checkAssertions, parseAssertions } from './assertions.js';
import { LatencyRecord } from './latency.js';
import { formatLoadReport, type LoadReport, measure, progressLine, thresholdsForReport } from './report.js';
import { runLoad } from './runner.js';
import {
  type OperationContext,
  operationPicker,
  parseScenario,
  type Scenario,
  scenarioOperations,
} from './scenarios.js';
import { TicketLedger } from './ticket-ledger.js';

export interface BenchLoadOptions {
  target?: string;
  scenario?: string;
  concurrency?: number;
  duration?: string;
  rate?: number;
  assert?: string;
  token?: string;
  callTimeout?: string;
  agent?: string;
  modelLatency?: string;
  model429?: string;
  json?: boolean;
}

/** "60", "60s", "2m", "500ms" → ms. */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1000) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`Cannot read ${what} "${text}".`, 'Give a time like 60, 60s, 2m or 500ms.');
  }
  return ms;
}

/** "5%" or "5" → 0.05. */
function parsePercent(text: string, what: string): number {
  const value = Number(text.trim().replace(/%$/, ''));
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new UsageError(`Cannot read ${what} "${text}".`, 'Give a share from 0% to 100%, e.g. 5%.');
  }
  return value / 100;
}

/** Where the load goes: an `itbot serve` URL (through its balancer), or this data dir's own server. */
async function connectTarget(
  target: string,
  config: ItbotConfig,
  token: string | undefined,
): Promise<{ connection: TicketServerConnection; describe: string }> {
  const { connectHttpTicketServer } = await import('../../mcp/http-connection.js');
  if (target === 'embedded') {
    if (config.databaseUrl) {
      throw new UsageError(
        '--target embedded is the embedded store, but DATABASE_URL is set.',
        'Aim at an `itbot serve` on that database with --target URL, or unset DATABASE_URL.',
      );
    }
    const { ensureLocalServer } = await import('../../mcp/local-server.js');
    const server = await ensureLocalServer(config);
    const connection = await connectHttpTicketServer({
      url: server.url,
      token: server.token,
      user: config.user,
      actorKind: 'agent',
      describe: 'the background itbot server',
      pid: server.pid,
    });
    return { connection, describe: `the embedded store in ${config.dataDir} (its background server)` };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(
      `--target "${target}" is neither a URL nor "embedded".`,
      'Example: --target http://127.0.0.1:8080',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `--target must be an http(s) URL, not ${url.protocol}.`,
      'Example: --target http://127.0.0.1:8080',
    );
  }
  const connection = await connectHttpTicketServer({
    url: target,
    token: token ?? config.serverToken,
    user: config.user,
    actorKind: 'agent',
    describe: target,
    connectTimeoutMs: 10_000,
  });
  return { connection, describe: url.origin + url.pathname.replace(/\/$/, '') };
}

export const AGENTS = ['offline', 'fake-gemini', 'gemini'] as const;
type Agent = (typeof AGENTS)[number];

interface AgentTurns {
  runTurn: (question: string) => Promise<void>;
  /** What the report says about the model, e.g. that it was a fake. */
  note: string;
  close(): Promise<void>;
}

/**
 * Whole agent turns, read-only (writes are refused, as for a user without --yes): the offline
 * provider; Gemini through the real SDK against a local fake with a set latency and 429 share;
 * or the configured Gemini itself (it costs quota).
 */
async function agentTurns(
  connection: TicketServerConnection,
  config: ItbotConfig,
  agent: Agent,
  fake: { latencyMs: number; rateLimitedShare: number },
): Promise<AgentTurns> {
  const [{ createOfflineProvider }, { runAgentTurnReportingUsage }] = await Promise.all([
    import('../../agent/offline/index.js'),
    import('../../agent/usage-report.js'),
  ]);
  const tools = (await connection.listTools()).filter((tool) => !tool.admin);
  const turnsWith = (provider: () => ModelProvider) => async (question: string) => {
    await runAgentTurnReportingUsage(question, { provider: provider(), connection, tools, consent: async () => false });
  };
  if (agent === 'offline') {
    return {
      runTurn: turnsWith(() => createOfflineProvider({ speaker: config.user })),
      note: 'agent turns: the offline provider, read-only (writes refused)',
      close: async () => {},
    };
  }
  const [{ createGeminiClient, createGeminiLimiter }, { createGeminiProvider }, { startFakeModel }] = await Promise.all(
    [import('../../gemini/index.js'), import('../../agent/gemini/gemini-provider.js'), import('./fake-model.js')],
  );
  const model = agent === 'fake-gemini' ? await startFakeModel(fake) : undefined;
  const apiKey = model ? 'fake-key' : config.geminiApiKey;
  if (!apiKey) {
    throw new UsageError(
      '--agent gemini needs GEMINI_API_KEY.',
      'Or load the agent against a fake model: --agent fake-gemini.',
    );
  }
  // Against the fake, the request budget would only pace the load generator.
  const limits = model ? { geminiRequestsPerMinute: 1_000_000_000, geminiTokensPerMinute: 1_000_000_000_000 } : {};
  const limiter = await createGeminiLimiter({ ...config, ...limits }, () => {});
  const provider = createGeminiProvider({
    client: createGeminiClient(apiKey, model?.baseUrl),
    model: config.model,
    limiter,
  });
  return {
    runTurn: turnsWith(() => provider),
    note: model
      ? `agent turns: Gemini (${config.model}) through the real SDK against a FAKE model server: ${fake.latencyMs} ms a call, ${Math.round(fake.rateLimitedShare * 100)} % answered 429; read-only`
      : `agent turns: the real Gemini (${config.model}), read-only — this used your quota`,
    async close() {
      await provider.close?.();
      await model?.close();
      if (model)
        process.stderr.write(`fake model: ${model.stats.calls} calls, ${model.stats.rateLimited} answered 429\n`);
    },
  };
}

function describeModel(options: { rate?: number; concurrency: number }): string {
  return options.rate
    ? `open model, ${options.rate} calls/s (at most ${options.concurrency} in flight)`
    : `closed loop, ${options.concurrency} workers`;
}

/** `itbot bench load`: load against a running itbot, then latency per operation and a data check. */
export async function benchLoadCommand(options: BenchLoadOptions): Promise<number> {
  const scenario: Scenario = parseScenario(options.scenario ?? 'mixed');
  const durationMs = parseDuration(options.duration ?? '60s', '--duration');
  const callTimeoutMs = parseDuration(options.callTimeout ?? '30s', '--call-timeout');
  const concurrency = options.concurrency ?? 8 * os.availableParallelism();
  const assertions: Assertion[] = options.assert ? parseAssertions(options.assert) : [];
  // Every argument is checked before anything connects: a usage error leaves nothing open.
  const agent = (options.agent ?? 'offline') as Agent;
  if (!AGENTS.includes(agent))
    throw new UsageError(`Unknown agent "${options.agent}".`, `Available: ${AGENTS.join(', ')}.`);
  const fakeModel = {
    latencyMs: parseDuration(options.modelLatency ?? '800ms', '--model-latency'),
    rateLimitedShare: parsePercent(options.model429 ?? '0%', '--model-429'),
  };
  const config = resolveConfig();
  const { connection, describe } = await connectTarget(options.target ?? 'embedded', config, options.token);
  // As itbot's own clients do: the tool list says which calls only read, and so may be sent
  // again when a balancer answers 502 for a replica that died.
  await connection.listTools().catch(async (error) => {
    await connection.close().catch(() => {});
    throw error;
  });

  const turns =
    scenario === 'agent'
      ? await agentTurns(connection, config, agent, fakeModel).catch(async (error) => {
          await connection.close().catch(() => {});
          throw error;
        })
      : undefined;

  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  const ledger = new TicketLedger(`${Date.now().toString(36)}${randomBytes(2).toString('hex')}`);
  const live = process.stderr.isTTY;
  let lastLine = 0;
  try {
    const context: OperationContext = {
      connection,
      ledger,
      timeoutMs: callTimeoutMs,
      runTurn: turns?.runTurn,
    };
    const result = await runLoad({
      durationMs,
      concurrency,
      ratePerSecond: options.rate,
      pickOperation: operationPicker(scenarioOperations(scenario)),
      context,
      signal: stop.signal,
      onProgress: ({ elapsedMs, calls, errors, inFlight }) => {
        const text = progressLine(elapsedMs, durationMs, calls, errors, inFlight);
        if (live) process.stderr.write(`\r${text}\u001b[K`);
        else if (elapsedMs - lastLine >= 10_000) {
          lastLine = elapsedMs;
          process.stderr.write(`${text}\n`);
        }
      },
    });
    if (live) process.stderr.write('\r\u001b[K');

    const total = new LatencyRecord();
    for (const record of result.byOperation.values()) record.addTo(total);
    const operations = Object.fromEntries(
      [...result.byOperation].map(([name, record]) => [name, measure(record, result.elapsedMs)]),
    );
    const report: LoadReport = {
      target: describe,
      scenario,
      model: describeModel({ rate: options.rate, concurrency }),
      durationS: Math.round(result.elapsedMs / 100) / 10,
      total: measure(total, result.elapsedMs),
      operations,
      failures: [...total.failures].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count),
      notes: [
        ...(stop.signal.aborted ? ['stopped early (Ctrl+C): the figures cover what ran'] : []),
        ...(turns ? [turns.note] : []),
        ...(result.abandoned ? [`${result.abandoned} calls never answered (counted as failures)`] : []),
      ],
    };
    if (ledger.attempted > 0) report.tickets = await ledger.verify(connection);
    const outcomes = checkAssertions(assertions, { total: report.total, operations });
    if (assertions.length) report.thresholds = thresholdsForReport(outcomes);
    for (const record of [total, ...result.byOperation.values()]) record.destroy();

    process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatLoadReport(report));
    const dataOk = !report.tickets || (report.tickets.lost === 0 && report.tickets.duplicated === 0);
    if (!dataOk) process.stderr.write('itbot: tickets were lost or duplicated under load (see above).\n');
    return dataOk && outcomes.every((outcome) => outcome.passed) ? ExitCode.ok : ExitCode.checkFailed;
  } finally {
    process.off('SIGINT', onInterrupt);
    await turns?.close().catch(() => {});
    await connection.close().catch(() => {});
  }
}
