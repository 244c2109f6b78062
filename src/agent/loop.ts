import { ExitCode, errorMessage, ItbotError } from '../errors.js';
import type { TicketServerConnection } from '../mcp/index.js';
import type { ModelCallReport } from '../mcp/model-usage.js';
import type {
  AgentEvent,
  Citation,
  Message,
  ModelProvider,
  ToolCall,
  ToolCallRecord,
  ToolDeclaration,
  ToolResult,
  TurnResult,
} from './types.js';

export class TurnLimitError extends ItbotError {
  constructor(readonly steps: number) {
    super(
      `The agent stopped after ${steps} model steps without reaching an answer.`,
      ExitCode.turnLimit,
      'Ask a narrower question, or raise the limit with --max-steps.',
    );
  }
}

export interface AgentTurnOptions {
  provider: ModelProvider;
  connection: TicketServerConnection;
  tools: ToolDeclaration[];
  /** Asked before any tool that changes data runs; a refusal is reported to the model. */
  consent: (call: ToolCall) => Promise<boolean>;
  /** Why a refused call was refused, as the model (and the user) will read it. */
  refusalReason?: string | ((call: ToolCall) => string);
  /** Earlier messages of the conversation. */
  history?: Message[];
  maxSteps?: number;
  /** Overrides the per-tool default (defaultToolTimeoutMs) for every call. */
  toolTimeoutMs?: number;
  /** Cancels the turn (Ctrl+C): the model call is aborted and no further tool runs. */
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
  /** After each model call, finished or failed (not cancelled): for metrics. */
  onModelCall?: (call: ModelCallReport) => void;
}

export class TurnCancelledError extends ItbotError {
  constructor() {
    super('Cancelled.', ExitCode.cancelled);
  }
}

const TOOL_ACTIVITY: Record<string, string> = {
  search_knowledge: 'searching the knowledge base',
  get_article: 'reading the article',
  analyze_log: 'reading the log',
  search_tickets: 'searching tickets',
  get_ticket: 'looking up the ticket',
  find_similar_tickets: 'looking for similar tickets',
  suggest_triage: 'suggesting a category and priority',
  list_users: 'looking up people',
  list_groups: 'looking up groups',
  list_categories: 'looking up categories',
};

/** What the spinner says while a tool runs. */
export function describeToolActivity(name: string): string {
  return TOOL_ACTIVITY[name] ?? `running ${name}`;
}

const DEFAULT_MAX_STEPS = 8;

/**
 * How long one tool call may take. Reads answer in milliseconds when healthy, so 20 s means the
 * server is stuck; writes get longer because giving up on one leaves its outcome unknown.
 */
export function defaultToolTimeoutMs(tool: ToolDeclaration): number {
  return tool.changesData ? 30_000 : 20_000;
}

function isTimeout(error: unknown): boolean {
  return /timed? ?out/i.test(errorMessage(error));
}

async function runToolCall(
  call: ToolCall,
  options: AgentTurnOptions,
  declarations: Map<string, ToolDeclaration>,
): Promise<{ result: ToolResult; record: ToolCallRecord }> {
  // The call's own time: waiting for the user's consent does not count.
  let started = performance.now();
  const finish = (
    outcome: ToolResult['outcome'],
    content: ToolResult['content'],
    error?: string,
    notice?: string,
    exitCode?: number,
  ) => ({
    result: { callId: call.id, name: call.name, outcome, content },
    record: {
      name: call.name,
      arguments: call.args,
      outcome,
      ms: Math.round(performance.now() - started),
      ...(error ? { error } : {}),
      ...(notice ? { notice } : {}),
      ...(exitCode === undefined ? {} : { exitCode }),
    },
  });
  const declaration = declarations.get(call.name);
  if (!declaration) {
    const error = `There is no tool named ${call.name}. Available: ${[...declarations.keys()].join(', ')}.`;
    return finish('failed', error, error);
  }
  options.onEvent?.({ type: 'tool_call', call, changesData: declaration.changesData });
  options.onEvent?.({ type: 'status', text: describeToolActivity(call.name) });
  if (declaration.changesData && !(await options.consent(call))) {
    const reason =
      (typeof options.refusalReason === 'function' ? options.refusalReason(call) : options.refusalReason) ??
      'the user did not allow this change.';
    return finish('not_allowed', reason, reason);
  }
  started = performance.now();
  const timeoutMs = options.toolTimeoutMs ?? defaultToolTimeoutMs(declaration);
  try {
    const outcome = await options.connection.callTool(call.name, call.args, {
      timeoutMs: timeoutMs,
      signal: options.signal,
    });
    if (outcome.notice) options.onEvent?.({ type: 'status', text: outcome.notice });
    return outcome.ok
      ? finish('done', outcome.data ?? { text: outcome.text }, undefined, outcome.notice)
      : finish('failed', outcome.text, outcome.text, outcome.notice, outcome.error?.exitCode);
  } catch (error) {
    // A store outage is not something the model can fix: stop the turn with the store's exit code.
    if (error instanceof ItbotError) throw error;
    if (isTimeout(error) && !options.signal?.aborted) {
      const limit = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
      const explanation = declaration.changesData
        ? `${call.name} did not answer within ${limit}; the change may still be applied, so look it up before trying again.`
        : `${call.name} did not answer within ${limit}.`;
      return finish('failed', explanation, explanation);
    }
    return finish('failed', `The tool call did not complete: ${errorMessage(error)}`, errorMessage(error));
  }
}

/** Articles the model saw in search results and then named in its answer. */
function inferCitations(answer: string, results: ToolResult[]): Citation[] {
  const seen = new Map<string, Citation>();
  for (const result of results) {
    if (result.name !== 'search_knowledge' || result.outcome !== 'done' || typeof result.content === 'string') continue;
    for (const hit of (result.content.results ?? []) as Citation[]) {
      if ((answer.includes(hit.path) || answer.includes(hit.title)) && !seen.has(hit.path)) {
        seen.set(hit.path, { title: hit.title, path: hit.path, heading: hit.heading });
      }
    }
  }
  return [...seen.values()];
}

/**
 * One turn of the agent: ask the model, run the tools it asks for through MCP (asking consent for
 * tools that change data), give it the results, and repeat until it answers or the step limit.
 */
export async function runAgentTurn(question: string, options: AgentTurnOptions): Promise<TurnResult> {
  const started = performance.now();
  const declarations = new Map(options.tools.map((tool) => [tool.name, tool]));
  const messages: Message[] = [...(options.history ?? []), { role: 'user', text: question }];
  const records: ToolCallRecord[] = [];
  const results: ToolResult[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  let modelMs = 0;
  let toolMs = 0;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;

  const reportModelCall = (
    outcome: ModelCallReport['outcome'],
    seconds: number,
    used?: { inputTokens?: number; outputTokens?: number },
  ) =>
    options.onModelCall?.({
      model: options.provider.model,
      outcome,
      seconds,
      inputTokens: used?.inputTokens ?? 0,
      outputTokens: used?.outputTokens ?? 0,
    });
  const throwIfCancelled = () => {
    if (options.signal?.aborted) throw new TurnCancelledError();
  };

  for (let step = 0; step < maxSteps; step++) {
    throwIfCancelled();
    const modelStarted = performance.now();
    options.onEvent?.({
      type: 'status',
      text: options.provider.name === 'offline' ? 'working it out' : `asking ${options.provider.model}`,
    });
    const reply = await options.provider
      .generate({
        messages,
        tools: options.tools,
        signal: options.signal,
        onTextDelta: (text) => options.onEvent?.({ type: 'text_delta', text }),
        onTextRestart: () => options.onEvent?.({ type: 'text_restart' }),
        onRetry: (notice) => options.onEvent?.({ type: 'retry', notice }),
      })
      .catch((error: unknown) => {
        throwIfCancelled();
        reportModelCall('error', (performance.now() - modelStarted) / 1000);
        throw error;
      });
    modelMs += performance.now() - modelStarted;
    reportModelCall('ok', (performance.now() - modelStarted) / 1000, reply.usage);
    usage.inputTokens += reply.usage?.inputTokens ?? 0;
    usage.outputTokens += reply.usage?.outputTokens ?? 0;
    messages.push({
      role: 'model',
      text: reply.text,
      toolCalls: reply.toolCalls,
      ...(reply.providerContent === undefined ? {} : { providerContent: reply.providerContent }),
    });
    if (reply.text) options.onEvent?.({ type: 'model_text', text: reply.text });

    if (reply.toolCalls.length === 0) {
      return {
        answer: reply.text,
        citations: reply.citations ?? inferCitations(reply.text, results),
        toolCalls: records,
        timings: {
          modelMs: Math.round(modelMs),
          toolMs: Math.round(toolMs),
          totalMs: Math.round(performance.now() - started),
        },
        provider: options.provider.name,
        model: options.provider.model,
        usage,
        messages,
      };
    }

    const stepResults: ToolResult[] = [];
    for (const call of reply.toolCalls) {
      throwIfCancelled();
      const { result, record } = await runToolCall(call, options, declarations);
      const data = result.outcome === 'done' && typeof result.content !== 'string' ? result.content : undefined;
      options.onEvent?.({ type: 'tool_result', call, record, ...(data ? { data } : {}) });
      records.push(record);
      stepResults.push(result);
      toolMs += record.ms;
    }
    results.push(...stepResults);
    messages.push({ role: 'tool', results: stepResults });
  }
  throw new TurnLimitError(maxSteps);
}

/** The turn's last call of each tool that failed: the requests that were not carried out. */
function unrecoveredFailures(records: ToolCallRecord[]): ToolCallRecord[] {
  const lastByTool = new Map<string, ToolCallRecord>();
  for (const record of records) lastByTool.set(record.name, record);
  return [...lastByTool.values()].filter((record) => record.outcome === 'failed');
}

/** True when the turn's last call of some tool failed: the request was not carried out. */
export function hasUnrecoveredToolFailure(records: ToolCallRecord[]): boolean {
  return unrecoveredFailures(records).length > 0;
}

/**
 * The exit code of a turn: 0, or for a request not carried out the code the same failure has in
 * `itbot tickets` (no such ticket 8, a stale version 9), else 7 (a tool call failed).
 */
export function turnExitCode(records: ToolCallRecord[]): ExitCode {
  const failures = unrecoveredFailures(records);
  if (failures.length === 0) return ExitCode.ok;
  const classified = failures.map((record) => record.exitCode);
  if (classified.includes(ExitCode.conflict)) return ExitCode.conflict;
  if (classified.includes(ExitCode.notFound)) return ExitCode.notFound;
  return ExitCode.toolFailed;
}
