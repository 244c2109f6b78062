import { UsageError } from '../errors.js';
import { LINK_KINDS, RESOLUTION_CODES, requestIdempotencyKey, type Ticket } from '../tickets/index.js';
import { type ServerCalls, withItbotServer } from './server-calls.js';
import { requireAgent, requireGroup, requireTicket, writeAtVersion } from './tickets-lookup.js';

/**
 * `itbot tickets assign|reply|note|hold|reopen|resolve|cancel|link|merge`: one ticket tool each.
 * Changes that replace something (assignment, status) are made at the version just read, so a
 * change someone else made in between is reported rather than overwritten.
 */

interface JsonOption {
  json?: boolean;
}

function print(json: boolean | undefined, value: unknown, text: string): number {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  return 0;
}

/** The same reply or note from the same user on the same day is the same write: a retry adds it once. */
function messageKey(server: ServerCalls, kind: 'reply' | 'note', ticket: string, text: string): string {
  return requestIdempotencyKey('cli', [server.config.user, kind, ticket, text]);
}

export interface AssignOptions extends JsonOption {
  to?: string;
  group?: string;
  me?: boolean;
}

export function assignTicketCommand(reference: string, options: AssignOptions): Promise<number> {
  if (options.to && options.me) throw new UsageError('Give --to USER or --me, not both.');
  if (!options.to && !options.me && !options.group)
    throw new UsageError('Say who takes it: --to USER, --me or --group GROUP.', 'Agents: `itbot users --role agent`.');
  return withItbotServer(async (server) => {
    const { ticket: current } = await requireTicket(server, reference);
    const assignee = options.me ? 'me' : options.to ? await requireAgent(server, options.to) : undefined;
    const group = options.group ? await requireGroup(server, options.group) : undefined;
    const { ticket } = await writeAtVersion(server, current.number, current.version, (version) =>
      server.call<{ ticket: Ticket }>('assign_ticket', {
        ticket: current.number,
        assignee,
        group,
        expected_version: version,
      }),
    );
    return print(
      options.json,
      { ticket },
      `${ticket.number} is now with ${ticket.assignee ?? 'nobody'} (${ticket.group ?? 'no group'}).`,
    );
  });
}

export function replyTicketCommand(reference: string, text: string, options: JsonOption): Promise<number> {
  return withItbotServer(async (server) => {
    const { ticket: current } = await requireTicket(server, reference);
    const result = await server.call<{ ticket: Ticket; follow_up: Ticket | null; added: boolean }>('reply_to_ticket', {
      ticket: current.number,
      text,
      idempotency_key: messageKey(server, 'reply', current.number, text),
    });
    const followUp = result.follow_up;
    return print(
      options.json,
      result,
      followUp
        ? `${current.number} is closed, so the reply opened a follow-up: ${followUp.number} (${followUp.group ?? 'no group'}).`
        : result.added
          ? `Replied to the requester of ${current.number} (${current.requester}).`
          : `The same reply was already sent to the requester of ${current.number} earlier today; not sent again.`,
    );
  });
}

export function noteTicketCommand(reference: string, text: string, options: JsonOption): Promise<number> {
  return withItbotServer(async (server) => {
    const { ticket: current } = await requireTicket(server, reference);
    const result = await server.call<{ ticket: Ticket; added: boolean }>('add_internal_note', {
      ticket: current.number,
      text,
      idempotency_key: messageKey(server, 'note', current.number, text),
    });
    return print(
      options.json,
      result,
      result.added
        ? `Added an internal note to ${current.number} (only the helpdesk sees it).`
        : `The same note is already on ${current.number} from earlier today; not added again.`,
    );
  });
}

type Target = 'open' | 'pending' | 'resolved' | 'canceled';

/** One status move at the version just read; the server's status machine says what is allowed. */
async function transition(
  server: ServerCalls,
  reference: string,
  to: Target,
  fields: { reason?: string; resolution_code?: string; resolution_notes?: string },
): Promise<Ticket> {
  const { ticket: current } = await requireTicket(server, reference);
  const { ticket } = await writeAtVersion(server, current.number, current.version, (version) =>
    server.call<{ ticket: Ticket }>('transition_ticket', {
      ticket: current.number,
      to,
      ...fields,
      expected_version: version,
    }),
  );
  return ticket;
}

export function holdTicketCommand(reference: string, reason: string | undefined, options: JsonOption) {
  if (!reason?.trim())
    throw new UsageError(
      'Putting a ticket on hold needs a reason.',
      `For example: itbot tickets hold ${reference} "waiting for the user to test"`,
    );
  return withItbotServer(async (server) => {
    const ticket = await transition(server, reference, 'pending', { reason });
    return print(options.json, { ticket }, `${ticket.number} is now pending (${ticket.pendingReason ?? reason}).`);
  });
}

export function reopenTicketCommand(reference: string, reason: string | undefined, options: JsonOption) {
  return withItbotServer(async (server) => {
    const ticket = await transition(server, reference, 'open', { reason });
    return print(options.json, { ticket }, `${ticket.number} is open again.`);
  });
}

export function resolveTicketCommand(
  reference: string,
  notes: string | undefined,
  options: { code: string } & JsonOption,
) {
  if (!(RESOLUTION_CODES as readonly string[]).includes(options.code))
    throw new UsageError(
      `Unknown resolution code "${options.code}".`,
      `Choose one of: ${RESOLUTION_CODES.join(', ')}.`,
    );
  return withItbotServer(async (server) => {
    const ticket = await transition(server, reference, 'resolved', {
      resolution_code: options.code,
      resolution_notes: notes,
    });
    return print(
      options.json,
      { ticket },
      `${ticket.number} is now resolved (${ticket.resolutionCode}${ticket.resolutionNotes ? `: ${ticket.resolutionNotes}` : ''}).`,
    );
  });
}

export function cancelTicketCommand(reference: string, reason: string | undefined, options: JsonOption) {
  return withItbotServer(async (server) => {
    const ticket = await transition(server, reference, 'canceled', { reason });
    return print(options.json, { ticket }, `${ticket.number} is canceled.`);
  });
}

export function linkTicketsCommand(reference: string, options: { to: string; kind: string } & JsonOption) {
  if (!(LINK_KINDS as readonly string[]).includes(options.kind))
    throw new UsageError(`Unknown link kind "${options.kind}".`, `Choose one of: ${LINK_KINDS.join(', ')}.`);
  return withItbotServer(async (server) => {
    const { ticket } = await requireTicket(server, reference);
    const { ticket: other } = await requireTicket(server, options.to);
    const result = await server.call<{ created: boolean }>('link_tickets', {
      ticket: ticket.number,
      kind: options.kind,
      other: other.number,
    });
    const link = `${ticket.number} ${options.kind} ${other.number}`;
    return print(options.json, result, result.created ? `Linked: ${link}.` : `Already linked: ${link}.`);
  });
}

export function mergeTicketsCommand(reference: string, options: { into: string } & JsonOption) {
  return withItbotServer(async (server) => {
    const { ticket: duplicate } = await requireTicket(server, reference);
    const { ticket: survivor } = await requireTicket(server, options.into);
    const result = await server.call<{ merged: Ticket; survivor: Ticket }>('merge_tickets', {
      duplicate: duplicate.number,
      survivor: survivor.number,
    });
    return print(
      options.json,
      result,
      `Merged ${result.merged.number} into ${result.survivor.number}; ${result.merged.number} is final, work on ${result.survivor.number}.`,
    );
  });
}
