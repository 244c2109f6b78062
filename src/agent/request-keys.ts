import type { TicketServerConnection } from '../mcp/index.js';
import { requestIdempotencyKey } from '../tickets/request-key.js';

/**
 * Every create_ticket, reply_to_ticket, add_internal_note and add_attachment from `ask` and the chat carries an idempotency
 * key derived from the request, unless the model gave one: `ask --yes` killed mid-write and run again (or the chat restarted
 * and asked again) returns the ticket it opened.
 */
const KEYED_WRITES = new Set(['create_ticket', 'reply_to_ticket', 'add_internal_note', 'add_attachment']);

export function withRequestKeys(
  connection: TicketServerConnection,
  user: string,
  question: string,
  origin = 'ask',
): TicketServerConnection {
  return {
    listTools: () => connection.listTools(),
    readJsonResource: <T>(uri: string) => connection.readJsonResource<T>(uri),
    reportModelUsage: (calls) => connection.reportModelUsage(calls),
    close: () => connection.close(),
    get alive() {
      return connection.alive;
    },
    get pid() {
      return connection.pid;
    },
    callTool(name, args, callOptions) {
      const keyed =
        KEYED_WRITES.has(name) && args.idempotency_key === undefined
          ? { ...args, idempotency_key: requestIdempotencyKey(origin, [user, question, args]) }
          : args;
      return connection.callTool(name, keyed, callOptions);
    },
  };
}
