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
  | { role: 'model'; text: string; toolCalls: ToolCall[] }
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
}

/** The one interface every model sits behind: the offline provider, Gemini, and test fakes. */
export interface ModelProvider {
  readonly name: 'offline' | 'gemini';
  readonly model: string;
  generate(request: { messages: Message[]; tools: ToolDeclaration[] }): Promise<ModelStep>;
}

export interface ToolCallRecord {
  name: string;
  arguments: Record<string, unknown>;
  outcome: ToolCallOutcome;
  /** Why it failed or was not allowed. */
  error?: string;
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
}

/** What the loop reports as it goes, for front ends that show progress. */
export type AgentEvent =
  | { type: 'model_text'; text: string }
  | { type: 'tool_call'; call: ToolCall; changesData: boolean }
  | { type: 'tool_result'; call: ToolCall; record: ToolCallRecord };
