import type { TicketServerConnection } from '../mcp/index.js';

/**
 * The ticket server connection, telling about every knowledge search whether the server answered
 * it from its cache (for /stats). Turns get that from the agent's tool_result events; slash
 * commands call tools directly, through this.
 */
export function countingKnowledgeSearches(
  connection: TicketServerConnection,
  onKnowledgeSearch: (cached: boolean) => void,
): TicketServerConnection {
  return {
    listTools: () => connection.listTools(),
    readJsonResource: (uri) => connection.readJsonResource(uri),
    reportModelUsage: (calls) => connection.reportModelUsage(calls),
    get alive() {
      return connection.alive;
    },
    get pid() {
      return connection.pid;
    },
    close: () => connection.close(),
    async callTool(name, args, options) {
      const outcome = await connection.callTool(name, args, options);
      if (name === 'search_knowledge' && outcome.ok) onKnowledgeSearch(outcome.data?.cached === true);
      return outcome;
    },
  };
}
