import type { TicketServerConnection } from '../mcp/index.js';

/**
 * The ticket server connection, remembering each tool's latest structured result. The agent
 * loop's events carry the outcome of a call but not its data; the tool cards want both
 * ("5 articles, best: …"). The loop runs calls one at a time, so "latest by name" is the call
 * the next tool_result event is about.
 */
export function recordingConnection(
  connection: TicketServerConnection,
  /** Told about every knowledge search: whether the server answered it from its cache. */
  onKnowledgeSearch?: (cached: boolean) => void,
): {
  connection: TicketServerConnection;
  latestData: (toolName: string) => Record<string, unknown> | undefined;
} {
  const latest = new Map<string, Record<string, unknown> | undefined>();
  return {
    connection: {
      listTools: () => connection.listTools(),
      close: () => connection.close(),
      async callTool(name, args, options) {
        latest.delete(name);
        const outcome = await connection.callTool(name, args, options);
        latest.set(name, outcome.data);
        if (name === 'search_knowledge' && outcome.ok) onKnowledgeSearch?.(outcome.data?.cached === true);
        return outcome;
      },
    },
    latestData: (name) => latest.get(name),
  };
}
