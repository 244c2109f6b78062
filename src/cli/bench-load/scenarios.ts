import { UsageError } from '../../errors.js';
import type { TicketServerConnection } from '../../mcp/index.js';
import type { TicketLedger } from './ticket-ledger.js';

export const SCENARIOS = ['search', 'tickets', 'mixed', 'agent'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export function parseScenario(value: string): Scenario {
  if ((SCENARIOS as readonly string[]).includes(value)) return value as Scenario;
  throw new UsageError(`Unknown scenario "${value}".`, `Available: ${SCENARIOS.join(', ')}.`);
}

/** What one call needs: the server, the run's ledger, and (for agent turns) a turn runner. */
export interface OperationContext {
  connection: TicketServerConnection;
  ledger: TicketLedger;
  runTurn?: (question: string) => Promise<void>;
  /** Each call's bound: a server that stops answering shows up as failed calls, not a stuck run. */
  timeoutMs: number;
}

export interface Operation {
  name: string;
  /** Share of the calls, relative to the scenario's other operations. */
  weight: number;
  /** Resolves when the call succeeded; throws with what went wrong otherwise. */
  run(context: OperationContext): Promise<void>;
}

// Everyday questions in staff's words, so the cache sees the repeats a helpdesk really sends.
const QUESTIONS = [
  'outlook keeps asking for my password',
  'vpn error 809',
  'printer is offline',
  'wifi keeps dropping',
  'teams camera not working',
  'how do I reset my password',
  'onedrive is not syncing',
  'laptop very slow after update',
  'cannot connect to the shared drive',
  'set up MFA on a new phone',
];
const TICKET_QUESTIONS = ['my open tickets', 'show the newest tickets', 'any P1 tickets open right now'];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

async function call(context: OperationContext, tool: string, args: Record<string, unknown>) {
  const outcome = await context.connection.callTool(tool, args, { timeoutMs: context.timeoutMs });
  if (!outcome.ok) throw new Error(outcome.error?.message ?? (outcome.text || `${tool} failed`));
  return outcome.data ?? {};
}

const searchKnowledge: Operation = {
  name: 'search',
  weight: 1,
  run: async (context) => void (await call(context, 'search_knowledge', { query: pick(QUESTIONS) })),
};

const createTicket: Operation = {
  name: 'create',
  weight: 1,
  async run(context) {
    const { ledger } = context;
    const { key, args } = ledger.newCreate();
    try {
      const data = await call(context, 'create_ticket', args);
      ledger.acknowledge(key, (data.ticket as { number: string }).number);
    } catch (error) {
      ledger.doubt(key, args);
      throw error;
    }
  },
};

const readTicket: Operation = {
  name: 'read',
  weight: 1,
  async run(context) {
    const { ledger } = context;
    const ticket = ledger.anyTicket();
    if (ticket) await call(context, 'get_ticket', { ticket });
    else await call(context, 'search_tickets', { limit: 1 });
  },
};

const noteTicket: Operation = {
  name: 'note',
  weight: 1,
  async run(context) {
    const { ledger } = context;
    const ticket = ledger.anyTicket();
    if (ticket) await call(context, 'add_internal_note', { ticket, text: 'Load test note.' });
    else await call(context, 'search_tickets', { limit: 1 });
  },
};

const listTickets: Operation = {
  name: 'list',
  weight: 1,
  run: async (context) => void (await call(context, 'search_tickets', { limit: 20 })),
};

const agentTurn: Operation = {
  name: 'turn',
  weight: 1,
  async run({ runTurn }) {
    if (!runTurn) throw new Error('no agent for this run');
    await runTurn(Math.random() < 0.8 ? pick(QUESTIONS) : pick(TICKET_QUESTIONS));
  },
};

const weighted = (operation: Operation, weight: number): Operation => ({ ...operation, weight });

/** The operations of a scenario, with the share each gets. */
export function scenarioOperations(scenario: Scenario): Operation[] {
  switch (scenario) {
    case 'search':
      return [searchKnowledge];
    case 'tickets':
      return [
        weighted(createTicket, 30),
        weighted(readTicket, 40),
        weighted(noteTicket, 10),
        weighted(listTickets, 20),
      ];
    case 'mixed':
      return [
        weighted(searchKnowledge, 50),
        weighted(createTicket, 20),
        weighted(readTicket, 15),
        weighted(noteTicket, 5),
        weighted(listTickets, 10),
      ];
    case 'agent':
      return [agentTurn];
  }
}

/** Picks operations at random in proportion to their weights. */
export function operationPicker(operations: Operation[]): () => Operation {
  const total = operations.reduce((sum, operation) => sum + operation.weight, 0);
  return () => {
    let roll = Math.random() * total;
    for (const operation of operations) {
      roll -= operation.weight;
      if (roll < 0) return operation;
    }
    return operations[operations.length - 1] as Operation;
  };
}
