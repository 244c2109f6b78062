import type { TurnResult } from '../agent/index.js';
import { resolveConfig } from '../config/index.js';
import { ExitCode, ItbotError, UsageError } from '../errors.js';
// The light entry of src/mcp: spawning needs no MCP SDK, so the server starts before the SDK loads.
import { spawnTicketServer } from '../mcp/spawn.js';
import { questionComesFromStdin, readQuestion } from './read-question.js';

export interface AskOptions {
  json?: boolean;
  yes?: boolean;
  provider: string;
  maxSteps: number;
}

const PROVIDERS = ['auto', 'offline', 'gemini'] as const;
const WRITE_REFUSAL = 'tools that change data only run with consent; run again with --yes to allow it.';

function formatText(result: TurnResult): string {
  const unmentioned = result.citations.filter((citation) => !result.answer.includes(citation.path));
  const sources = unmentioned.map((citation) => `- ${citation.title} — ${citation.path}`);
  return sources.length ? `${result.answer}\n\nSources:\n${sources.join('\n')}\n` : `${result.answer}\n`;
}

export async function askCommand(words: string[], options: AskOptions): Promise<number> {
  const started = performance.now();
  const processStartMs = Math.round(process.uptime() * 1000);
  const config = resolveConfig();
  if (!(PROVIDERS as readonly string[]).includes(options.provider)) {
    throw new UsageError(`Unknown provider "${options.provider}".`, `Choose one of: ${PROVIDERS.join(', ')}.`);
  }
  if (options.provider === 'gemini') {
    throw new ItbotError(
      'The Gemini provider is not available in this version of itbot.',
      ExitCode.modelUnavailable,
      'Use --provider offline.',
    );
  }
  if (options.provider === 'auto' && config.geminiApiKey) {
    process.stderr.write('itbot: Gemini support is not built yet; answering with the offline provider.\n');
  }

  // A question on the command line is checked before anything starts; one on stdin is read
  // while the server warms up.
  const questionFromArgs = questionComesFromStdin(words) ? undefined : await readQuestion(words);

  // Start the MCP server (and so the store) first: it warms up while this process loads the
  // agent and the MCP client.
  const child = spawnTicketServer();
  const [{ createProvider, hasUnrecoveredToolFailure, runAgentTurn }, { connectTicketServer }] = await Promise.all([
    import('../agent/index.js'),
    import('../mcp/index.js'),
  ]);
  const connecting = connectTicketServer({ child });
  connecting.catch(() => {});
  const question =
    questionFromArgs ??
    (await readQuestion(words).catch(async (error: unknown) => {
      await connecting.then((connection) => connection.close()).catch(() => {});
      throw error;
    }));
  const connection = await connecting;
  const mcpReadyMs = performance.now() - started;
  const stop = () => {
    void connection.close().finally(() => process.exit(ExitCode.cancelled));
  };
  process.once('SIGINT', stop);
  try {
    const tools = await connection.listTools();
    const result = await runAgentTurn(question, {
      provider: createProvider(config),
      connection,
      tools,
      consent: async () => options.yes === true,
      refusalReason: WRITE_REFUSAL,
      maxSteps: options.maxSteps,
    });
    const exitCode = hasUnrecoveredToolFailure(result.toolCalls) ? ExitCode.toolFailed : ExitCode.ok;
    if (options.json) {
      const timings = {
        ...result.timings,
        mcpReadyMs: Math.round(mcpReadyMs),
        processStartMs,
        totalMs: Math.round(performance.now() - started),
      };
      const { messages: _conversation, ...summary } = result;
      process.stdout.write(`${JSON.stringify({ ...summary, timings, exitCode })}\n`);
    } else {
      process.stdout.write(formatText(result));
    }
    return exitCode;
  } finally {
    process.off('SIGINT', stop);
    await connection.close();
  }
}
