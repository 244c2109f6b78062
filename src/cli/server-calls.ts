import { type ItbotConfig, resolveConfig } from '../config/index.js';
import { type ExitCode, ItbotError, ToolFailedError } from '../errors.js';
import { connectItbotServer } from '../mcp/connect.js';
import type { CallOptions, TicketServerConnection } from '../mcp/index.js';

/** A tool call that either returns its structured result or throws the failure as itbot's error. */
export interface ServerCalls {
  call<T>(tool: string, args: Record<string, unknown>, options?: CallOptions): Promise<T>;
  readonly connection: TicketServerConnection;
  readonly config: ItbotConfig;
}

/**
 * Runs an admin command's work through the ticket server (the data dir's background server, a
 * team's, or a private one), acting as the agent who typed it. The store itself is never opened
 * here, so these commands run beside the chat and other one-shots.
 */
export async function withItbotServer<T>(run: (server: ServerCalls) => Promise<T>): Promise<T> {
  const config = resolveConfig();
  const connection = await connectItbotServer(config, {
    actorKind: 'agent',
    notice: (line) => process.stderr.write(`${line}\n`),
  });
  const calls: ServerCalls = {
    connection,
    config,
    async call<R>(tool: string, args: Record<string, unknown>, options?: CallOptions): Promise<R> {
      const outcome = await connection.callTool(tool, args, options);
      if (outcome.ok) return (outcome.data ?? {}) as R;
      if (outcome.error) {
        throw new ItbotError(
          outcome.error.message,
          outcome.error.exitCode as ExitCode,
          outcome.error.hint ?? undefined,
        );
      }
      throw new ToolFailedError(outcome.text || `${tool} failed.`);
    },
  };
  try {
    return await run(calls);
  } finally {
    await connection.close().catch(() => {});
  }
}
