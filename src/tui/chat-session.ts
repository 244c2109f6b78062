import type {
  AgentEvent,
  Citation,
  Message,
  ModelProvider,
  RetryNotice,
  ToolCall,
  TurnResult,
} from '../agent/index.js';
import { withRequestKeys } from '../agent/request-keys.js';
import type { ItbotConfig } from '../config/index.js';
import { ItbotError } from '../errors.js';
import { type ChatStats, emptyStats, withAnsweredTurn, withKnowledgeSearch } from './chat-stats.js';
import type { ConsentChoice } from './components/ConsentPrompt.js';
import { countingKnowledgeSearches } from './counting-connection.js';
import type { SlaCounts } from './sla-watch.js';
import { runSlashCommand, type SlashCommandContext } from './slash-commands/index.js';
import type { McpHealth, TicketServerSupervisor } from './ticket-server.js';
import { summarizeOutcome } from './tool-summary.js';
import type { TranscriptEntry, TranscriptItem } from './transcript.js';

/** What is happening right now: the part of the screen that is redrawn. */
export interface LiveState {
  busy: boolean;
  startedAt: number;
  status: string;
  /** Text of the model step being streamed. */
  streamed: string;
  runningTool?: { call: ToolCall; changesData: boolean };
  retry?: { notice: RetryNotice; at: number };
  consent?: { call: ToolCall };
}

export type { ChatStats } from './chat-stats.js';

export interface ChatState {
  items: TranscriptItem[];
  live: LiveState;
  /** Inputs sent while a turn was running: they run, in order, when it ends. */
  queued: string[];
  health: McpHealth;
  stats: ChatStats;
  /** Bumped to print the whole transcript again (after a resize, or Ctrl+L). */
  reprint: number;
  /** The user asked to quit: the UI draws its last frame without the prompt, then exits. */
  leaving: boolean;
  /** The agent's (and their groups') tickets at risk or breached, once the SLA watch has looked. */
  sla?: SlaCounts;
}

export interface ChatSessionOptions {
  config: ItbotConfig;
  provider: ModelProvider;
  server: TicketServerSupervisor;
  /** Ends the chat (after /quit, Ctrl+D or a second Ctrl+C). */
  onQuit: () => void;
  now?: () => number;
}

// Read by the model and, through its answer, by the person: plain words for both.
const REFUSAL = 'the user chose "Deny" when asked in the chat.';
const IDLE: LiveState = { busy: false, startedAt: 0, status: '', streamed: '' };

/**
 * The chat's state and everything that changes it: turns of the agent, consent, slash commands,
 * cancellation. Plain TypeScript with a subscribe/getState pair, so React only renders it.
 */
export class ChatSession {
  private state: ChatState;
  private listeners = new Set<() => void>();
  private nextId = 1;
  private history: Message[] = [];
  private controller: AbortController | undefined;
  private consentResolve: ((allowed: boolean) => void) | undefined;
  private readonly allowedForSession = new Set<string>();
  /** Text of a model step that may turn out to be the answer, or a preamble to tool calls. */
  private pendingStepText: string | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ChatSessionOptions) {
    this.now = options.now ?? Date.now;
    this.state = {
      items: [{ id: 0, kind: 'welcome' }],
      live: IDLE,
      queued: [],
      health: { state: 'starting' },
      stats: emptyStats,
      reprint: 0,
      leaving: false,
    };
  }

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = () => this.state;

  get provider(): ModelProvider {
    return this.options.provider;
  }

  get config(): ItbotConfig {
    return this.options.config;
  }

  private update(change: Partial<ChatState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }

  private setLive(change: Partial<LiveState>): void {
    this.update({ live: { ...this.state.live, ...change } });
  }

  add(entry: TranscriptEntry): void {
    this.update({ items: [...this.state.items, { ...entry, id: this.nextId++ }] });
  }

  setHealth(health: McpHealth): void {
    this.update({ health });
  }

  setSla(sla: SlaCounts): void {
    const current = this.state.sla;
    if (current?.atRisk === sla.atRisk && current.breached === sla.breached) return;
    this.update({ sla });
  }

  reprint(): void {
    this.update({ reprint: this.state.reprint + 1 });
  }

  /** Input from the prompt: a slash command or a question for the agent. */
  async submit(text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    if (this.state.live.busy) {
      this.update({ queued: [...this.state.queued, text] });
      return;
    }
    try {
      await this.run(text);
    } finally {
      this.runNextQueued();
    }
  }

  private runNextQueued(): void {
    const [next, ...rest] = this.state.queued;
    if (next === undefined || this.state.live.busy) return;
    this.update({ queued: rest });
    void this.submit(next);
  }

  /** Takes back the queued inputs (Ctrl+C puts them into the input box instead of running them). */
  drainQueue(): string[] {
    const queued = this.state.queued;
    if (queued.length) this.update({ queued: [] });
    return queued;
  }

  private async run(text: string): Promise<void> {
    const trimmed = text.trim();
    if (trimmed.startsWith('/')) {
      this.add({ kind: 'user', text: trimmed });
      this.setLive({ busy: true, startedAt: this.now(), status: `running ${trimmed.split(/\s/)[0]}` });
      try {
        await runSlashCommand(trimmed, this.commandContext());
      } catch (error) {
        this.addError(error);
      } finally {
        this.setLive({ ...IDLE });
      }
      return;
    }
    await this.runTurn(text.replace(/\s+$/, ''));
  }

  private commandContext(): SlashCommandContext {
    return {
      add: (entry) => this.add(entry),
      server: async () => {
        const server = await this.options.server.get();
        return {
          ...server,
          connection: countingKnowledgeSearches(server.connection, (cached) => this.countSearch(cached)),
        };
      },
      consent: (call) => this.askConsent(call, new AbortController().signal),
      newConversation: () => {
        this.history = [];
        this.allowedForSession.clear();
      },
      stats: () => this.state.stats,
      health: () => this.state.health,
      provider: this.options.provider,
      config: this.options.config,
      quit: () => this.quit(),
      now: this.now,
      width: () => process.stdout.columns || 80,
    };
  }

  private async runTurn(question: string): Promise<void> {
    this.add({ kind: 'user', text: question });
    const controller = new AbortController();
    this.controller = controller;
    this.pendingStepText = undefined;
    const startedAt = this.now();
    this.setLive({
      busy: true,
      startedAt,
      status: this.state.health.state === 'ready' ? `asking ${this.provider.model}` : 'starting the ticket server',
      streamed: '',
    });
    try {
      const server = await abortable(this.options.server.get(), controller.signal);
      const result = await runTurnLazily(question, {
        provider: this.provider,
        connection: withRequestKeys(server.connection, this.options.config.user, question, 'chat'),
        tools: server.tools,
        consent: (call) => this.askConsent(call, controller.signal),
        refusalReason: REFUSAL,
        history: this.history,
        signal: controller.signal,
        onEvent: (event) => {
          if (!controller.signal.aborted) this.onAgentEvent(event);
        },
      });
      if (controller.signal.aborted) return; // cancelled: the late answer is not shown
      this.finishTurn(result, startedAt);
    } catch (error) {
      if (controller.signal.aborted) return; // cancel() already said so
      this.update({ stats: { ...this.state.stats, failed: this.state.stats.failed + 1 } });
      this.commitPendingText();
      this.addError(error);
    } finally {
      if (this.controller === controller) {
        this.controller = undefined;
        this.setLive({ ...IDLE });
      }
    }
  }

  /** Knowledge searches and cache hits, from turns and from /kb alike. */
  countSearch(cached: boolean): void {
    this.update({ stats: withKnowledgeSearch(this.state.stats, cached) });
  }

  private finishTurn(result: TurnResult, startedAt: number): void {
    this.history = result.messages;
    this.pendingStepText = undefined;
    const unmentioned = result.citations.filter((citation: Citation) => !result.answer.includes(citation.path));
    const seconds = ((this.now() - startedAt) / 1000).toFixed(1);
    const tokens = result.usage.inputTokens + result.usage.outputTokens;
    this.add({
      kind: 'assistant',
      text: result.answer,
      citations: unmentioned,
      footer: `${result.model} · ${seconds} s${tokens ? ` · ${tokens} tokens` : ''}`,
    });
    this.update({ stats: withAnsweredTurn(this.state.stats, result) });
  }

  private onAgentEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'status':
        // A new step (a tool, the next model call) ends any retry the last one was waiting on.
        this.setLive({ status: event.text, retry: undefined });
        break;
      case 'text_delta':
        this.setLive({ streamed: this.state.live.streamed + event.text, retry: undefined });
        break;
      case 'text_restart':
        // A retried stream said something else: what was shown of this step is void.
        this.setLive({ streamed: '' });
        break;
      case 'model_text':
        this.pendingStepText = event.text;
        this.setLive({ streamed: event.text, retry: undefined });
        break;
      case 'retry':
        this.setLive({ retry: { notice: event.notice, at: this.now() } });
        break;
      case 'tool_call':
        this.commitPendingText();
        this.setLive({ runningTool: { call: event.call, changesData: event.changesData }, streamed: '' });
        break;
      case 'tool_result': {
        if (event.call.name === 'search_knowledge' && event.record.outcome === 'done') {
          this.countSearch(event.data?.cached === true);
        }
        const changesData = this.state.live.runningTool?.changesData ?? false;
        this.add({
          kind: 'tool',
          call: event.call,
          record: event.record,
          changesData,
          summary: summarizeOutcome(event.call, event.record, event.data),
        });
        this.setLive({ runningTool: undefined, consent: undefined });
        break;
      }
    }
  }

  /** A step's text followed by tool calls is a preamble ("Let me look that up"): print it before the cards. */
  private commitPendingText(): void {
    const text = this.pendingStepText ?? (this.state.live.streamed || undefined);
    this.pendingStepText = undefined;
    if (text?.trim()) this.add({ kind: 'assistant', text, citations: [] });
    this.setLive({ streamed: '' });
  }

  private askConsent(call: ToolCall, signal: AbortSignal): Promise<boolean> {
    if (this.allowedForSession.has(call.name)) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    this.setLive({ consent: { call } });
    return new Promise((resolve) => {
      this.consentResolve = resolve;
    });
  }

  answerConsent(choice: ConsentChoice): void {
    const resolve = this.consentResolve;
    const call = this.state.live.consent?.call;
    if (!resolve || !call) return;
    this.consentResolve = undefined;
    if (choice === 'session') this.allowedForSession.add(call.name);
    this.setLive({ consent: undefined });
    resolve(choice !== 'deny');
  }

  /** Ctrl+C: stops the running turn or command. Returns false when there was nothing to stop. */
  cancel(): boolean {
    const controller = this.controller;
    if (!controller) return false;
    const toolWasRunning = this.state.live.runningTool !== undefined && this.state.live.consent === undefined;
    controller.abort();
    this.consentResolve?.(false);
    this.consentResolve = undefined;
    this.controller = undefined;
    const partial = this.state.live.streamed.trim();
    if (partial) this.add({ kind: 'assistant', text: partial, citations: [] });
    this.pendingStepText = undefined;
    this.add({
      kind: 'notice',
      tone: 'warning',
      text: toolWasRunning
        ? `Cancelled. (${this.state.live.runningTool?.call.name} had already started and may still finish on the server.)`
        : 'Cancelled.',
    });
    this.update({ stats: { ...this.state.stats, cancelled: this.state.stats.cancelled + 1 } });
    this.setLive({ ...IDLE });
    return true;
  }

  /** Ends the chat: a running turn is cancelled quietly. */
  quit(): void {
    if (this.state.leaving) return;
    this.controller?.abort();
    this.consentResolve?.(false);
    this.update({ leaving: true, live: { ...IDLE }, queued: [] });
    this.options.onQuit();
  }

  addError(error: unknown): void {
    if (error instanceof ItbotError) {
      this.add({ kind: 'notice', tone: 'error', text: error.hint ? `${error.message}\n${error.hint}` : error.message });
    } else {
      const message = error instanceof Error ? error.message : String(error);
      this.add({ kind: 'notice', tone: 'error', text: `Something went wrong: ${message}` });
    }
  }
}

/** The agent loop is imported on the first question, keeping it out of the chat's start-up. */
async function runTurnLazily(
  question: string,
  options: Parameters<typeof import('../agent/index.js').runAgentTurn>[1],
) {
  const { runAgentTurnReportingUsage } = await import('../agent/index.js');
  return runAgentTurnReportingUsage(question, options);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
