import { type ItbotConfig, resolveConfig } from '../config/index.js';
import { type ExitCode, ItbotError, ToolFailedError, UsageError } from '../errors.js';
import { connectItbotServer } from '../mcp/connect.js';
import type { CallOptions, TicketServerConnection } from '../mcp/index.js';

/** A tool call that either returns its structured result or throws the failure as itbot's error. */
export interface ServerCalls {
  call<T>(tool: string, args: Record<string, unknown>, options?: CallOptions): Promise<T>;
  readonly connection: TicketServerConnection;
  readonly config: ItbotConfig;
}

/**
 * The server's schema refused what the command sent (a query too long, a number out of range): the
 * user's input, so a usage error (exit 2) that says which argument and why, not a failed tool.
 */
function invalidArguments(text: string): UsageError | undefined {
  const detail = /Input validation error: Invalid arguments for tool \w+: ([\s\S]*)$/.exec(text)?.[1];
  if (!detail) return undefined;
  const readable = detail
    .split(/\n|;\s*/)
    .map((line) => line.trim().replace(/^(.*?) at (\w+)$/, '$2: $1'))
    .filter(Boolean)
    .join('; ');
  return new UsageError(`Invalid input: ${readable}.`, "See the command's arguments with `itbot <command> --help`.");
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
      throw invalidArguments(outcome.text) ?? new ToolFailedError(outcome.text || `${tool} failed.`);
    },
  };
  try {
    return await run(calls);
  } finally {
    await connection.close().catch(() => {});
  }
}
