import type { ModelStep, ToolCall, ToolResult } from '../types.js';
import type { TicketOperation } from './ticket-operations.js';

/**
 * How the offline provider carries out a change to a ticket: which tools, in what order, and what
 * to say. Missing values are asked for, never invented; names of people and groups are looked up.
 */

let callCounter = 0;
function call(name: string, args: Record<string, unknown>): ToolCall {
  callCounter += 1;
  return { id: `offline-op-${callCounter}`, name, args };
}

const step = (toolCalls: ToolCall[]): ModelStep => ({ text: '', toolCalls });
const say = (text: string): ModelStep => ({ text, toolCalls: [] });

function resultOf(results: ToolResult[], name: string): ToolResult | undefined {
  return results.find((result) => result.name === name);
}

function data(result: ToolResult | undefined): Record<string, unknown> | undefined {
  return result?.outcome === 'done' && typeof result.content !== 'string' ? result.content : undefined;
}

interface UserView {
  username: string;
  displayName: string;
  groups: string[];
}

/** "maria", "Maria Lopez", "maria.lopez": the agent meant, if exactly one matches. */
function matchPeople(users: UserView[], name: string): UserView[] {
  const wanted = name.trim().toLowerCase();
  const exact = users.filter((u) => u.username === wanted || u.displayName.toLowerCase() === wanted);
  if (exact.length) return exact;
  return users.filter(
    (u) =>
      u.username.startsWith(`${wanted}.`) ||
      u.username.startsWith(wanted) ||
      u.displayName.toLowerCase().split(/\s+/).includes(wanted),
  );
}

/** "network team", "the Security team", "service desk": the group meant, if one matches. */
function matchGroup(groups: string[], name: string): string | undefined {
  const wanted = name
    .toLowerCase()
    .replace(/^the\s+/, '')
    .replace(/\s+(?:team|group)$/, '')
    .trim();
  return (
    groups.find((group) => group.toLowerCase() === wanted) ??
    groups.find((group) => group.toLowerCase().startsWith(wanted))
  );
}

function describe(op: TicketOperation): string {
  switch (op.kind) {
    case 'resolve_ticket':
      return `resolve ${op.ticket} as ${op.resolutionCode}${op.notes ? ` ("${op.notes}")` : ''}`;
    case 'close_ticket':
      return `close ${op.ticket}`;
    case 'reopen_ticket':
      return `reopen ${op.ticket}${op.reason ? ` ("${op.reason}")` : ''}`;
    case 'pending_ticket':
      return `put ${op.ticket} on hold ("${op.reason}")`;
    case 'cancel_ticket':
      return `cancel ${op.ticket}`;
    case 'add_note':
      return `add an internal note to ${op.ticket}: "${op.text}"`;
    case 'add_reply':
      return `reply to the requester of ${op.ticket}: "${op.text}"`;
    case 'assign_ticket':
      return `assign ${op.ticket}${op.assignee ? ` to ${op.assignee}` : ''}${op.group ? ` (group ${op.group})` : ''}`;
    case 'set_priority':
      return `set ${op.ticket} to ${op.priority}`;
    case 'update_ticket':
      return `update ${op.ticket}`;
  }
}

/** The answer once the write has run (or was refused). */
function report(op: TicketOperation, result: ToolResult): ModelStep {
  if (result.outcome === 'not_allowed') return say(`I would ${describe(op)}, but did not: ${String(result.content)}`);
  if (result.outcome === 'failed') return say(`I could not ${describe(op)}: ${String(result.content)}`);
  const ticket = (data(result)?.ticket ?? {}) as {
    number?: string;
    status?: string;
    priority?: string;
    assignee?: string | null;
    group?: string | null;
    version?: number;
  };
  const followUp = data(result)?.follow_up as { number: string } | null | undefined;
  switch (op.kind) {
    case 'add_note':
      return say(`Added an internal note to ${op.ticket} (only the helpdesk sees it).`);
    case 'add_reply':
      return say(
        followUp
          ? `${op.ticket} is closed, so your reply opened the follow-up ticket ${followUp.number}.`
          : `Replied to the requester of ${op.ticket}.`,
      );
    case 'assign_ticket':
      return say(`${op.ticket} is now with ${ticket.assignee ?? 'nobody'}${ticket.group ? ` (${ticket.group})` : ''}.`);
    case 'set_priority':
      return say(`${op.ticket} is now ${ticket.priority} (set by hand; its SLA due times moved with it).`);
    case 'update_ticket':
      return say(
        `Updated ${op.ticket}: ${Object.keys((data(result)?.changes as object) ?? {}).join(', ') || 'nothing changed'}.`,
      );
    default:
      return say(`${op.ticket} is now ${ticket.status}.`);
  }
}

/** One write tool call for the operation, or a question when a required value is missing. */
function writeCall(op: TicketOperation, results: ToolResult[]): ToolCall | ModelStep {
  const version = (data(resultOf(results, 'get_ticket'))?.ticket as { version?: number } | undefined)?.version;
  switch (op.kind) {
    case 'resolve_ticket':
      if (!op.resolutionCode) {
        return say(
          `To resolve ${op.ticket} I need a resolution code: fixed, workaround, user_error, duplicate, no_fault_found, wont_fix or known_error. For example: resolve ${op.ticket} fixed: ${op.notes ?? 'reinstalled the driver'}`,
        );
      }
      return call('transition_ticket', {
        ticket: op.ticket,
        to: 'resolved',
        resolution_code: op.resolutionCode,
        resolution_notes: op.notes,
      });
    case 'close_ticket':
      return call('transition_ticket', { ticket: op.ticket, to: 'closed', reason: op.notes });
    case 'reopen_ticket':
      return call('transition_ticket', { ticket: op.ticket, to: 'open', reason: op.reason });
    case 'pending_ticket':
      if (!op.reason)
        return say(`What is ${op.ticket} waiting for? For example: put ${op.ticket} on hold, waiting for the user`);
      return call('transition_ticket', { ticket: op.ticket, to: 'pending', reason: op.reason });
    case 'cancel_ticket':
      return call('transition_ticket', { ticket: op.ticket, to: 'canceled', reason: op.reason });
    case 'add_note':
      if (!op.text)
        return say(
          `What should the note on ${op.ticket} say? For example: internal note on ${op.ticket}: called the user`,
        );
      return call('add_internal_note', { ticket: op.ticket, text: op.text });
    case 'add_reply':
      if (!op.text)
        return say(
          `What should I tell the requester of ${op.ticket}? For example: reply to ${op.ticket}: we are on it`,
        );
      return call('reply_to_ticket', { ticket: op.ticket, text: op.text });
    case 'set_priority':
      if (!op.priority)
        return say(`Which priority should ${op.ticket} get: P1 (critical), P2 (high), P3 (normal) or P4 (low)?`);
      return call('update_ticket', { ticket: op.ticket, expected_version: version, priority: op.priority });
    case 'update_ticket': {
      const changes = {
        ...(op.title ? { title: op.title } : {}),
        ...(op.category ? { category: op.category } : {}),
        ...(op.addTags?.length ? { add_tags: op.addTags } : {}),
      };
      if (Object.keys(changes).length === 0)
        return say(`What should change on ${op.ticket}: the title, the category or the tags?`);
      return call('update_ticket', { ticket: op.ticket, expected_version: version, ...changes });
    }
    case 'assign_ticket':
      return assignCall(op, results);
  }
}

function assignCall(
  op: Extract<TicketOperation, { kind: 'assign_ticket' }>,
  results: ToolResult[],
): ToolCall | ModelStep {
  if (!op.assignee && !op.group) return say(`Who should take ${op.ticket}? For example: assign ${op.ticket} to maria`);
  const users = (data(resultOf(results, 'list_users'))?.users ?? []) as UserView[];
  const groups = ((data(resultOf(results, 'list_groups'))?.groups ?? []) as { name: string }[]).map((g) => g.name);
  let assignee: string | undefined;
  if (op.assignee && op.assignee !== 'me') {
    const matches = matchPeople(users, op.assignee);
    if (matches.length !== 1) {
      const options = matches.length
        ? matches.map((u) => `${u.displayName} (${u.username})`).join(', ')
        : users.map((u) => u.username).join(', ');
      return say(
        `I am not sure who "${op.assignee}" is. ${matches.length ? 'Did you mean' : 'Agents are'}: ${options}?`,
      );
    }
    assignee = matches[0]?.username;
  }
  let group: string | undefined;
  if (op.group) {
    group = matchGroup(groups, op.group);
    if (!group) return say(`There is no group "${op.group}". Groups are: ${groups.join(', ')}.`);
  }
  return call('assign_ticket', {
    ticket: op.ticket,
    ...(op.assignee ? { assignee: assignee ?? 'me' } : {}),
    ...(group ? { group } : {}),
  });
}

/** The lookups an operation needs before it can write. */
function lookups(op: TicketOperation): ToolCall[] {
  if (op.kind === 'set_priority' || op.kind === 'update_ticket') return [call('get_ticket', { ticket: op.ticket })];
  if (op.kind === 'assign_ticket') {
    return [
      ...(op.assignee && op.assignee !== 'me' ? [call('list_users', { role: 'agent' })] : []),
      ...(op.group ? [call('list_groups', {})] : []),
    ];
  }
  return [];
}

const WRITE_TOOLS = new Set([
  'transition_ticket',
  'add_internal_note',
  'reply_to_ticket',
  'update_ticket',
  'assign_ticket',
]);

/** The next step for a ticket operation given the tool results of this turn so far. */
export function planTicketOperation(op: TicketOperation, results: ToolResult[]): ModelStep {
  const written = results.find((result) => WRITE_TOOLS.has(result.name));
  if (written) return report(op, written);
  const failedLookup = results.find((result) => result.outcome !== 'done');
  if (failedLookup) return say(`I could not look that up: ${String(failedLookup.content)}`);
  const needed = lookups(op).filter((lookup) => !resultOf(results, lookup.name));
  if (needed.length) return step(needed);
  const next = writeCall(op, results);
  return 'toolCalls' in next ? next : step([next]);
}
