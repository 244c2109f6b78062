import { errorMessage, ToolFailedError } from '../errors.js';
import type { TicketServerConnection, ToolInfo, ToolOutcome } from './ticket-server-client.js';

/** A server that dies again within this window is broken, not unlucky: stop restarting it. */
const RESTART_WINDOW_MS = 60_000;

function lostCallOutcome(name: string): ToolOutcome {
  const text = `The ticket server stopped while running ${name} and has been restarted. The change may or may not have been applied: look the ticket up before trying again.`;
  return { ok: false, data: undefined, text, error: undefined, notice: 'the ticket server stopped and was restarted' };
}

/**
 * A ticket-server connection that survives its server dying (a crash, an out-of-memory kill): the
 * next call starts a new server. A read that was cut off is simply run again; a write is not,
 * because it may have been applied before the server died, and the caller is told to check.
 */
export function withRestarts(
  first: TicketServerConnection,
  reconnect: () => Promise<TicketServerConnection>,
): TicketServerConnection {
  let current = first;
  let lastRestart = Number.NEGATIVE_INFINITY;
  let tools: ToolInfo[] | undefined;

  async function restart(cause: string): Promise<TicketServerConnection> {
    if (Date.now() - lastRestart < RESTART_WINDOW_MS) {
      throw new ToolFailedError(
        `The ticket server stopped again (${cause}) less than a minute after a restart.`,
        'Run `itbot doctor` to see what is wrong.',
      );
    }
    lastRestart = Date.now();
    await current.close().catch(() => {});
    current = await reconnect();
    return current;
  }

  const changesData = (name: string) => tools?.find((tool) => tool.name === name)?.changesData ?? true;

  return {
    async listTools() {
      if (!current.alive) await restart('found stopped');
      tools = await current.listTools();
      return tools;
    },
    async callTool(name, args, options) {
      let notice: string | undefined;
      if (!current.alive) {
        // Dead before the call was sent: nothing was delivered, so any tool may run on the new server.
        await restart('found stopped');
        notice = 'the ticket server had stopped and was restarted';
      }
      try {
        const outcome = await current.callTool(name, args, options);
        return notice ? { ...outcome, notice } : outcome;
      } catch (error) {
        if (current.alive || options?.signal?.aborted) throw error;
        await restart(errorMessage(error));
        const delivered = (error as { mayHaveBeenDelivered?: boolean }).mayHaveBeenDelivered !== false;
        if (changesData(name) && delivered) return lostCallOutcome(name);
        const outcome = await current.callTool(name, args, options);
        return { ...outcome, notice: 'the ticket server stopped during the call and was restarted' };
      }
    },
    async readJsonResource(uri) {
      if (!current.alive) await restart('found stopped');
      return current.readJsonResource(uri);
    },
    // Metrics only: never worth starting a server for.
    reportModelUsage: (calls) => current.reportModelUsage(calls),
    get alive() {
      return current.alive;
    },
    get pid() {
      return current.pid;
    },
    close: () => current.close(),
  };
}
