import { ToolFailedError } from '../../errors.js';
import type { SlashCommandContext } from './types.js';

/** Calls a read-only ticket-server tool for a command; a business failure becomes a clear error. */
export async function callReadTool(
  context: SlashCommandContext,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { connection } = await context.server();
  const outcome = await connection.callTool(name, args);
  if (!outcome.ok) throw new ToolFailedError(outcome.text || `${name} failed.`);
  return outcome.data ?? {};
}
