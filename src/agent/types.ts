/** The agent's vocabulary, shared by the loop, the providers and every front end (ask, TUI). */

export interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** How a requested tool call ended. */
export type ToolCallOutcome = 'done' | 'failed' | 'not_allowed';

export interface ToolResult {
  callId: string;
  name: string;
  outcome: ToolCallOutcome;
  /** The structured result when done; otherwise the explanation given to the model. */
  content: Record<string, unknown> | string;
}

export type Message =
  | { role: 'user'; text: string }
  | {
      role: 'model';
      text: string;
      toolCalls: ToolCall[];
      /**
       * The provider's own record of this reply (Gemini's content with its thought signatures),
       * sent back unchanged on the next request. Other providers ignore it.
       */
      providerContent?: unknown;
    }
  | { role: 'tool'; results: ToolResult[] };

/** An article the answer relies on. */
export interface Citation {
  title: string;
  path: string;
  heading?: string;
}

export interface ToolDeclaration {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  changesData: boolean;
}

/** One model response: text, tool calls to run, or both. No tool calls means the turn is answered. */
export interface ModelStep {
  text: string;
  toolCalls: ToolCall[];
  /** Providers that know exactly which articles they used say so; otherwise the loop infers it. */
  citations?: Citation[];
  usage?: { inputTokens: number; outputTokens: number };
  providerContent?: unknown;
}

/** Why a model call is waiting before it tries again. */
export interface RetryNotice {
  /** The attempt that failed, from 1; 0 for a wait before the first attempt (the request budget). */
  attempt: number;
  delayMs: number;
  /** Short and human: "rate limited", "server unavailable (503)", "connection lost". */
  reason: string;
}

export interface GenerateRequest {
  messages: Message[];
  tools: ToolDeclaration[];
  /** Aborted when the user cancels the turn (Ctrl+C). */
  signal?: AbortSignal;
  /** Text as it streams. A provider that retries mid-stream never repeats text it already gave. */
  onTextDelta?: (text: string) => void;
  /** The text given so far is void: a retried stream said something else. Deltas start again. */
  onTextRestart?: () => void;
  onRetry?: (notice: RetryNotice) => void;
}

/** The one interface every model sits behind: the offline provider, Gemini, and test fakes. */
export interface ModelProvider {
  readonly name: 'offline' | 'gemini';
  readonly model: string;
  generate(request: GenerateRequest): Promise<ModelStep>;
  /** Releases connections it holds (a Redis rate limiter); the process may not exit otherwise. */
  close?(): Promise<void>;
}

export interface ToolCallRecord {
  name: string;
  arguments: Record<string, unknown>;
  outcome: ToolCallOutcome;
  /** Why it failed or was not allowed. */
  error?: string;
  /** For a failure the server classified (no such ticket, a stale version): the exit code it maps to. */
  exitCode?: number;
  /** How the call went, when that matters to the user ("the ticket server … was restarted"). */
  notice?: string;
  ms: number;
}

export interface TurnTimings {
  modelMs: number;
  toolMs: number;
  totalMs: number;
}

export interface TurnResult {
  answer: string;
  citations: Citation[];
  toolCalls: ToolCallRecord[];
  timings: TurnTimings;
  provider: ModelProvider['name'];
  model: string;
  usage: { inputTokens: number; outputTokens: number };
  /** The conversation including this turn: pass it as `history` to continue it. */
  messages: Message[];
}

/** What the loop reports as it goes, for front ends that show progress. */
export type AgentEvent =
  /** A piece of the model's text as it streams (only from streaming providers). */
  | { type: 'text_delta'; text: string }
  /** Forget this step's streamed text: a retried stream said something else and starts again. */
  | { type: 'text_restart' }
  /** The whole text of one model step, once it is complete. */
  | { type: 'model_text'; text: string }
  /** What the agent is doing now, for a spinner: "asking gemini-2.5-flash", "searching the knowledge base". */
  | { type: 'status'; text: string }
  | { type: 'retry'; notice: RetryNotice }
  | { type: 'tool_call'; call: ToolCall; changesData: boolean }
  /** `data` is the tool's structured result when it ran (for cards that summarise it). */
  | { type: 'tool_result'; call: ToolCall; record: ToolCallRecord; data?: Record<string, unknown> };
