import path from 'node:path';
import type { ToolCall, ToolCallRecord, TurnResult } from '../agent/index.js';
import { parseProviderChoice, usesGemini } from '../agent/provider-choice.js';
import { type ItbotConfig, resolveConfig } from '../config/index.js';
import { ExitCode, ItbotError, UsageError, warn } from '../errors.js';
// The light entry of src/mcp: a private server is spawned before the MCP SDK loads.
import { connectItbotServer } from '../mcp/connect.js';
import type { TicketServerConnection } from '../mcp/index.js';
import { KNOWLEDGE_STATUS_URI, type KnowledgeBaseStatus } from '../mcp/resources.js';
import { type AskOutput, createAskOutput, OUTPUT_FORMATS, type OutputFormat } from './ask-output.js';
import { questionComesFromStdin, readQuestion } from './read-question.js';
import { reportError } from './run-command.js';
import { createWriteConsent, describeWrites } from './write-consent.js';

export interface AskOptions {
  json?: boolean;
  output?: string;
  yes?: boolean;
  provider: string;
  maxSteps: number;
  /** false with --no-cache. */
  cache: boolean;
  toolTimeout?: number;
  /** Tools that may change data (comma-separated); see write-consent.ts. */
  allow?: string;
  maxWrites: number;
}

function chooseOutput(options: AskOptions): OutputFormat {
  if (options.json && options.output && options.output !== 'json') {
    throw new UsageError('--json and --output disagree.', '--json is short for --output json; give one of them.');
  }
  const format = options.json ? 'json' : (options.output ?? 'text');
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Unknown output format "${format}".`, `Choose one of: ${OUTPUT_FORMATS.join(', ')}.`);
  }
  return format as OutputFormat;
}

export async function askCommand(words: string[], options: AskOptions): Promise<number> {
  const format = chooseOutput(options);
  const output = createAskOutput(format, { stdout: process.stdout, stderr: process.stderr });
  try {
    return await ask(words, options, output);
  } catch (error) {
    // JSON readers get the failure on stdout as well; stderr keeps the human message and the exit code.
    const exitCode = error instanceof ItbotError ? error.exitCode : ExitCode.internal;
    output.fail(error as Error, exitCode);
    return reportError(error);
  }
}

async function ask(words: string[], options: AskOptions, output: AskOutput): Promise<number> {
  const started = performance.now();
  const processStartMs = Math.round(process.uptime() * 1000);
  const config = resolveConfig();
  const choice = parseProviderChoice(options.provider);
  if (!usesGemini(config, choice) && choice === 'auto') {
    process.stderr.write(
      'itbot: no GEMINI_API_KEY set; answering offline (knowledge base and rules, no language model).\n',
    );
  }

  // A question on the command line is checked before anything starts; one on stdin is read
  // while the server warms up.
  const questionFromArgs = questionComesFromStdin(words) ? undefined : await readQuestion(words);

  // Reach the ticket server first (the shared one, or a private one that warms up its store)
  // while this process loads the agent.
  const connecting = connectItbotServer(config, {
    actorKind: 'ai',
    notice: (line) => process.stderr.write(`${line}\n`),
  });
  connecting.catch(() => {});
  const { createProvider, runAgentTurnReportingUsage, turnExitCode, withRequestKeys } = await import(
    '../agent/index.js'
  );
  const question =
    questionFromArgs ??
    (await readQuestion(words).catch(async (error: unknown) => {
      await connecting.then((connection) => connection.close()).catch(() => {});
      throw error;
    }));
  const provider = createProvider(config, choice, {
    warn,
  });
  output.start({ provider: provider.name, model: provider.model, question });

  const connection = await connecting;
  const mcpReadyMs = performance.now() - started;
  // Ctrl+C cancels the turn (exit 130) and lets the server shut down cleanly; a second one quits at once.
  const cancel = new AbortController();
  const onInterrupt = () => {
    if (cancel.signal.aborted) process.exit(ExitCode.cancelled);
    cancel.abort();
  };
  process.on('SIGINT', onInterrupt);
  let responses: ResponseCache | undefined;
  try {
    // Opened inside the try: a failure here (the server gone, say) still closes everything below.
    if (provider.name === 'gemini' && options.cache) {
      responses = await openResponseCache(config, connection, provider.model, question);
    }
    const timings = (turn: TurnResult['timings']) => ({
      ...turn,
      mcpReadyMs: Math.round(mcpReadyMs),
      processStartMs,
      totalMs: Math.round(performance.now() - started),
    });
    const cached = await responses?.lookUp();
    if (cached) {
      output.event({ type: 'model_text', text: cached.answer });
      output.finish({ result: cached, exitCode: ExitCode.ok, cached: true, timings: timings(cached.timings) });
      return ExitCode.ok;
    }
    const tools = await connection.listTools();
    // Writes this turn started, by call id, until their results arrive: what Ctrl+C must report.
    const startedWrites = new Map<string, ToolCall>();
    const finishedWrites: ToolCallRecord[] = [];
    cancel.signal.addEventListener('abort', () => reportInterruptedWrites(startedWrites, finishedWrites));
    const writing = createWriteConsent(
      options,
      tools.filter((tool) => tool.changesData).map((tool) => tool.name),
      question,
    );
    const result = await runAgentTurnReportingUsage(question, {
      provider,
      connection: withRequestKeys(connection, config.user, question),
      tools,
      consent: writing.consent,
      refusalReason: writing.refusalReason,
      maxSteps: options.maxSteps,
      toolTimeoutMs: options.toolTimeout,
      signal: cancel.signal,
      onEvent: (event) => {
        writing.observe(event);
        if (event.type === 'tool_call' && event.changesData) startedWrites.set(event.call.id, event.call);
        if (event.type === 'tool_result' && startedWrites.delete(event.call.id) && event.record.outcome === 'done') {
          finishedWrites.push(event.record);
        }
        output.event(event);
      },
    });
    const exitCode = turnExitCode(result.toolCalls);
    await responses?.store(result);
    const writes = writing.writes(result.toolCalls);
    output.finish({ result, exitCode, cached: false, timings: timings(result.timings), writes });
    return exitCode;
  } finally {
    // Still listening while everything closes: a Ctrl+C now must not kill the process by default
    // action after a write it has already made (it would exit as if nothing had happened).
    await Promise.all([connection.close(), responses?.close(), provider.close?.()]);
    process.off('SIGINT', onInterrupt);
  }
}

/**
 * On Ctrl+C, the writes of this turn: those done are listed as usual; one still running may or may
 * not be applied (the server finishes what it started), so the user is told how to find out.
 */
function reportInterruptedWrites(started: Map<string, ToolCall>, finished: ToolCallRecord[]): void {
  for (const line of describeWrites(finished)) process.stderr.write(`${line}\n`);
  for (const call of started.values()) {
    process.stderr.write(
      `itbot: interrupted while ${call.name} was running: it may have been applied. Running the same request again is safe (it carries the same idempotency key), and itbot tickets list shows what changed.\n`,
    );
  }
}

interface ResponseCache {
  lookUp(): Promise<TurnResult | undefined>;
  store(result: TurnResult): Promise<void>;
  close(): Promise<void>;
}

/** The response cache for this question, keyed on the knowledge index version the server reports. */
async function openResponseCache(
  config: ItbotConfig,
  connection: TicketServerConnection,
  model: string,
  question: string,
): Promise<ResponseCache | undefined> {
  const [{ createCache }, { isCacheable, lookUpAnswer, responseCacheKey, storeAnswer }, { SYSTEM_PROMPT }] =
    await Promise.all([
      import('../cache/index.js'),
      import('../agent/response-cache.js'),
      import('../agent/gemini/system-prompt.js'),
    ]);
  // The cache is an optimisation: a server that cannot say its index version (its store is down)
  // means no cache, and the turn meets the real failure with its own exit code.
  const status = await connection.readJsonResource<KnowledgeBaseStatus>(KNOWLEDGE_STATUS_URI).catch(() => undefined);
  if (!status) return undefined;
  const cache = createCache({
    redisUrl: config.redisUrl,
    // Without Redis the answers are kept in the data dir, so the next `itbot ask` finds them.
    directory: path.join(config.dataDir, 'cache', 'answers'),
    namespace: 'itbot',
    warn,
  });
  const key = responseCacheKey({ model, systemPrompt: SYSTEM_PROMPT, question, knowledgeIndexVersion: status.version });
  return {
    async lookUp(): Promise<TurnResult | undefined> {
      const hit = await lookUpAnswer(cache, key);
      if (!hit) return undefined;
      const timings = { modelMs: 0, toolMs: 0, totalMs: 0 };
      return { ...hit, provider: 'gemini', timings, messages: [] };
    },
    async store(result: TurnResult) {
      if (isCacheable(result)) await storeAnswer(cache, key, result);
    },
    close: () => cache.close(),
  };
}
