import type { ModelProvider, ToolCall } from '../../agent/index.js';
import type { ItbotConfig } from '../../config/index.js';
import type { ChatStats } from '../chat-session.js';
import type { McpHealth, ReadyServer } from '../ticket-server.js';
import type { TranscriptEntry } from '../transcript.js';

/** What a slash command may use: the transcript, the ticket server and the session. */
export interface SlashCommandContext {
  add(entry: TranscriptEntry): void;
  server(): Promise<ReadyServer>;
  /** Asks the agent before a command changes data, with the chat's consent prompt. */
  consent(call: ToolCall): Promise<boolean>;
  newConversation(): void;
  stats(): ChatStats;
  health(): McpHealth;
  provider: ModelProvider;
  config: ItbotConfig;
  quit(): void;
  now(): number;
  width(): number;
}

export interface SlashCommand {
  name: string;
  /** Shown in /help, e.g. "/ticket N". */
  usage: string;
  description: string;
  run(args: string, context: SlashCommandContext): Promise<void> | void;
}
