import { type Level, TICKET_PRIORITIES, type TicketPriority } from '../../tickets/index.js';
import type { ModelStep, ToolCall, ToolResult } from '../types.js';
import {
  type AttachmentView,
  attachmentLookup,
  describeAttachmentList,
  describeFetchedAttachment,
} from './attachment-answers.js';
import { composeCreateAnswer, composeStatusAnswer } from './compose-answer.js';
import { holdReasonQuestion, resolutionCodeQuestion } from './understanding/message-parts.js';

/**
 * How the offline provider carries out ticket work it understood: the tool call (with a lookup
 * first where a write needs the ticket's version or current priority), then an answer composed
 * from the result. Every value was read from the sentence; nothing here invents one.
 */
export interface TicketWork {
  tool: string;
  args: Record<string, unknown>;
  intent: string;
}

interface TicketView {
  number: string;
  title: string;
  status: string;
  priority: string;
  requester: string;
  assignee: string | null;
  group: string | null;
  version: number;
  createdAt: string;
}

let counter = 0;
const call = (name: string, args: Record<string, unknown>): ToolCall => {
  counter += 1;
  return { id: `offline-work-${counter}`, name, args };
};
const step = (toolCalls: ToolCall[]): ModelStep => ({ text: '', toolCalls });
const say = (text: string): ModelStep => ({ text, toolCalls: [] });

function data(result: ToolResult | undefined): Record<string, unknown> | undefined {
  return result?.outcome === 'done' && typeof result.content !== 'string' ? result.content : undefined;
}

/** The impact × urgency that yields each priority (see PRIORITY_MATRIX): new tickets keep the matrix. */
const IMPACT_AND_URGENCY: Record<TicketPriority, { impact: Level; urgency: Level }> = {
  P1: { impact: 1, urgency: 1 },
  P2: { impact: 2, urgency: 1 },
  P3: { impact: 3, urgency: 2 },
  P4: { impact: 3, urgency: 3 },
};

function shifted(current: string, change: 'up' | 'down'): TicketPriority {
  const index = TICKET_PRIORITIES.indexOf(current as TicketPriority);
  const next = change === 'up' ? Math.max(index - 1, 0) : Math.min(index + 1, TICKET_PRIORITIES.length - 1);
  return TICKET_PRIORITIES[next] as TicketPriority;
}

/** The call that does the work, given this turn's lookups; or the answer when it cannot be made. */
function workCall(work: TicketWork, results: ToolResult[]): ToolCall | ModelStep {
  const { tool, args } = work;
  if (tool === 'create_ticket') {
    const { priority, ...rest } = args;
    return call('create_ticket', { ...rest, ...IMPACT_AND_URGENCY[(priority as TicketPriority) ?? 'P3'] });
  }
  if (tool === 'transition_ticket' && args.to === 'resolved' && !args.resolution_code)
    return say(resolutionCodeQuestion(String(args.ticket)));
  if (tool === 'transition_ticket' && args.to === 'pending' && !args.reason)
    return say(holdReasonQuestion(String(args.ticket)));
  if (tool === 'get_attachment' && !args.id) {
    // "show vpn.log on 88": the file's id comes from the ticket's list.
    const listed = data(results.find((result) => result.name === 'list_attachments'))?.attachments;
    const next = attachmentLookup(args, listed as AttachmentView[] | undefined);
    return 'say' in next ? say(next.say) : call(next.call.name, next.call.args);
  }
  if (tool !== 'update_ticket') return call(tool, args);
  const current = data(results.find((result) => result.name === 'get_ticket'))?.ticket as TicketView | undefined;
  if (!current) return call('get_ticket', { ticket: args.ticket });
  const changes: Record<string, unknown> = { ...args, expected_version: current.version };
  if (args.priority === 'up' || args.priority === 'down') {
    const priority = shifted(current.priority, args.priority);
    if (priority === current.priority)
      return say(
        `${current.number} is already ${current.priority}, as ${args.priority === 'up' ? 'high' : 'low'} as it goes.`,
      );
    changes.priority = priority;
  }
  return call('update_ticket', changes);
}

export function planTicketWork(work: TicketWork, question: string, results: ToolResult[]): ModelStep {
  const done = results.find((result) => result.name === work.tool);
  if (done) return say(describeResult(work, done, question));
  const failedLookup = results.find((result) => result.outcome !== 'done');
  if (failedLookup) return say(`I could not look that up: ${String(failedLookup.content)}`);
  const next = workCall(work, results);
  return 'toolCalls' in next ? next : step([next]);
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function filtersInWords(args: Record<string, unknown>): string {
  const parts: string[] = [];
  if (Array.isArray(args.status)) parts.push(`status ${args.status.join(' or ')}`);
  else parts.push('active (new, open or pending)');
  if (Array.isArray(args.priority)) parts.push(args.priority.join(' or '));
  if (args.assignee === 'me') parts.push('assigned to you');
  else if (args.assignee === 'unassigned') parts.push('unassigned');
  else if (args.assignee) parts.push(`assigned to ${args.assignee}`);
  if (args.group) parts.push(`in ${args.group}`);
  if (args.requester) parts.push(`raised by ${args.requester === 'me' ? 'you' : args.requester}`);
  if (args.category) parts.push(`category ${args.category}`);
  if (Array.isArray(args.tags)) parts.push(`tagged ${args.tags.join(', ')}`);
  if (args.text) parts.push(`about "${args.text}"`);
  if (args.topic) parts.push(`about ${args.topic} (its category or its words)`);
  if (args.sla) parts.push(args.sla === 'breached' ? 'past their SLA' : 'at risk of breaching their SLA');
  if (args.created_after) parts.push(`created since ${args.created_after}`);
  if (args.created_before) parts.push(`created before ${args.created_before}`);
  return parts.join(', ');
}

function ticketLine(ticket: TicketView): string {
  const owner = ticket.assignee ?? (ticket.group ? `${ticket.group}, unassigned` : 'unassigned');
  return `- ${ticket.number} [${ticket.status}, ${ticket.priority}] ${ticket.title} (${owner}; opened ${ticket.createdAt.slice(0, 10)})`;
}

const WRITE_VERBS: Record<string, string> = {
  create_ticket: 'open the ticket',
  update_ticket: 'change',
  transition_ticket: 'move',
  add_internal_note: 'add a note to',
  reply_to_ticket: 'reply on',
  assign_ticket: 'assign',
  link_tickets: 'link',
  merge_tickets: 'merge',
  save_macro: 'save the macro',
  remove_macro: 'remove the macro',
  reply_with_macro: 'send the macro on',
};

function intended(work: TicketWork): string {
  const a = work.args;
  switch (work.tool) {
    case 'transition_ticket':
      return `move ${a.ticket} to ${a.to}${a.resolution_code ? ` (${a.resolution_code})` : ''}${a.reason ? ` ("${a.reason}")` : ''}`;
    case 'add_internal_note':
      return `add an internal note to ${a.ticket}: "${a.text}"`;
    case 'reply_to_ticket':
      return `reply to the requester of ${a.ticket}: "${a.text}"`;
    case 'assign_ticket':
      return `assign ${a.ticket} to ${a.assignee === null ? 'nobody' : (a.assignee ?? '')}${a.group ? `${a.assignee ? ' in ' : ''}${a.group}` : ''}`;
    case 'update_ticket':
      return `change ${a.ticket} (${Object.keys(a)
        .filter((key) => key !== 'ticket' && key !== 'expected_version')
        .map((key) => `${key} ${JSON.stringify(a[key])}`)
        .join(', ')})`;
    case 'link_tickets':
      return `record ${a.ticket} ${String(a.kind).replace(/_/g, ' ')} ${a.other}`;
    case 'merge_tickets':
      return `merge ${a.duplicate} into ${a.survivor}`;
    case 'save_macro':
    case 'remove_macro':
      return `${WRITE_VERBS[work.tool]} ${a.name}`;
    case 'reply_with_macro':
      return `send the macro ${a.macro} as a reply on ${a.ticket}`;
    default:
      return `${WRITE_VERBS[work.tool] ?? work.tool}`;
  }
}

function describeResult(work: TicketWork, result: ToolResult, question: string): string {
  if (work.tool === 'create_ticket')
    return composeCreateAnswer(result, { title: String(work.args.title), priority: String(work.args.priority ?? 'P3') })
      .text;
  if (work.tool === 'get_ticket') return composeStatusAnswer(result, String(work.args.ticket)).text;
  if (result.outcome === 'not_allowed') return `I would ${intended(work)}, but did not: ${String(result.content)}`;
  if (result.outcome === 'failed')
    return `I could not ${WRITE_VERBS[work.tool] ? intended(work) : `run ${work.tool}`}: ${String(result.content)}`;
  const content = data(result) ?? {};
  const ticket = content.ticket as TicketView | undefined;
  switch (work.tool) {
    case 'search_tickets': {
      const tickets = (content.tickets ?? []) as TicketView[];
      const filters = filtersInWords(work.args);
      if (typeof content.total === 'number') {
        const head = `${plural(content.total, 'ticket')} match (${filters}).`;
        return tickets.length
          ? `${head}\n${tickets.slice(0, 5).map(ticketLine).join('\n')}${content.total > 5 ? '\n…' : ''}`
          : head;
      }
      if (!tickets.length) return `No tickets match (${filters}).`;
      const more = content.has_more === true ? ', the newest shown; there are more' : '';
      return [`${plural(tickets.length, 'ticket')} (${filters}${more}):`, ...tickets.map(ticketLine)].join('\n');
    }
    case 'transition_ticket':
      return `${ticket?.number ?? work.args.ticket} is now ${ticket?.status ?? work.args.to}${work.args.resolution_code ? ` (${work.args.resolution_code})` : ''}.`;
    case 'add_internal_note':
      return `Added an internal note to ${work.args.ticket} (only the helpdesk sees it).`;
    case 'reply_to_ticket': {
      const followUp = content.follow_up as { number: string } | null | undefined;
      return followUp
        ? `${work.args.ticket} is closed, so your reply opened the follow-up ticket ${followUp.number}.`
        : `Replied to the requester of ${work.args.ticket}.`;
    }
    case 'assign_ticket':
      return `${ticket?.number ?? work.args.ticket} is now with ${ticket?.assignee ?? 'nobody'}${ticket?.group ? ` (${ticket.group})` : ''}.`;
    case 'update_ticket': {
      const changes = Object.entries((content.changes ?? {}) as Record<string, { from: unknown; to: unknown }>);
      return changes.length
        ? `Updated ${work.args.ticket}: ${changes.map(([field, change]) => `${field} ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`).join(', ')}.`
        : `${work.args.ticket} already had those values; nothing changed.`;
    }
    case 'link_tickets':
      return content.created === false
        ? `${work.args.ticket} and ${work.args.other} were already linked that way.`
        : `Linked: ${work.args.ticket} ${String(work.args.kind).replace(/_/g, ' ')} ${work.args.other}.`;
    case 'merge_tickets':
      return `Merged ${work.args.duplicate} into ${work.args.survivor}; ${work.args.duplicate} is closed and points at ${work.args.survivor}.`;
    case 'find_similar_tickets': {
      const list = (key: string) =>
        ((content[key] ?? []) as { ticket: TicketView }[]).map((hit) => ticketLine(hit.ticket));
      const duplicates = list('likely_duplicates');
      const past = list('past_resolutions');
      if (!duplicates.length && !past.length) return 'I found no similar tickets.';
      return [
        ...(duplicates.length ? ['Likely duplicates among active tickets:', ...duplicates] : []),
        ...(past.length ? ['Resolved before:', ...past] : []),
      ].join('\n');
    }
    case 'suggest_triage': {
      const confidence = (content.confidence ?? {}) as { category?: number; priority?: number };
      const cues = (content.priority_cues ?? []) as string[];
      return [
        `Suggested category: ${content.category ?? 'none (no similar resolved tickets)'}${content.category ? ` (confidence ${(confidence.category ?? 0).toFixed(2)})` : ''}`,
        `Suggested priority: ${content.priority ?? 'P3'}${cues.length ? ` (from: ${cues.join(', ')})` : ''}`,
        'Nothing was changed; say "set the category of … to …" to apply it.',
      ].join('\n');
    }
    case 'list_users': {
      const users = (content.users ?? []) as {
        username: string;
        displayName: string;
        groups: string[];
        role: string;
      }[];
      if (!users.length) return 'Nobody matches.';
      return users
        .map((u) => `- ${u.displayName} (${u.username}, ${u.role}${u.groups.length ? `; ${u.groups.join(', ')}` : ''})`)
        .join('\n');
    }
    case 'list_groups': {
      const groups = (content.groups ?? []) as { name: string; description: string; members: string[] }[];
      return groups.map((g) => `- ${g.name} (${plural(g.members.length, 'member')}): ${g.description}`).join('\n');
    }
    case 'list_categories': {
      const categories = (content.categories ?? []) as { path: string; defaultGroup: string | null }[];
      return categories.map((c) => `- ${c.path}${c.defaultGroup ? ` → ${c.defaultGroup}` : ''}`).join('\n');
    }
    case 'list_macros': {
      const macros = (content.macros ?? []) as { name: string; body: string }[];
      if (!macros.length) return 'No macros match.';
      return macros.map((m) => `- ${m.name}: ${m.body}`).join('\n');
    }
    case 'list_attachments':
      return describeAttachmentList(String(work.args.ticket), (content.attachments ?? []) as AttachmentView[]);
    case 'get_attachment':
      return describeFetchedAttachment(String(work.args.ticket), content);
    case 'save_macro':
      return `Saved the macro ${work.args.name}.`;
    case 'remove_macro':
      return `Removed the macro ${work.args.name}.`;
    case 'reply_with_macro':
      return `Replied to the requester of ${work.args.ticket} with the macro ${work.args.macro}.`;
    default:
      return `Done (${work.tool}) for: ${question}`;
  }
}
