import { UsageError } from '../../errors.js';
import { relativeTime, toTicketSummary } from '../ticket-data.js';
import { callReadTool } from './call-tool.js';
import type { SlashCommand } from './types.js';

const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed', 'canceled', 'merged'];

/**
 * "/tickets p1 open mine vpn" → search_tickets arguments. Words that name a status, a priority,
 * "mine", "unassigned", "all" or "@user" filter; the rest is searched for in the text.
 */
export function parseTicketFilter(filter: string): Record<string, unknown> {
  const args: Record<string, unknown> = { limit: 25 };
  const status: string[] = [];
  const priority: string[] = [];
  const text: string[] = [];
  for (const word of filter.split(/\s+/).filter(Boolean)) {
    const lower = word.toLowerCase();
    if (STATUSES.includes(lower)) status.push(lower);
    else if (/^p[1-4]$/.test(lower)) priority.push(lower.toUpperCase());
    else if (lower === 'all') status.push(...STATUSES);
    else if (lower === 'mine') args.assignee = 'me';
    else if (lower === 'unassigned') args.assignee = 'unassigned';
    else if (lower.startsWith('@') && lower.length > 1) args.assignee = word.slice(1);
    else text.push(word);
  }
  if (status.length) args.status = [...new Set(status)];
  if (priority.length) args.priority = priority;
  if (text.length) args.text = text.join(' ');
  return args;
}

export const ticketsCommand: SlashCommand = {
  name: 'tickets',
  usage: '/tickets [filter]',
  description: 'active tickets as a table; filter with words: open, p1, mine, unassigned, @user, all, or any text',
  async run(args, context) {
    if (args.length > 500) throw new UsageError('That filter is too long.');
    const data = await callReadTool(context, 'search_tickets', parseTicketFilter(args));
    const tickets = Array.isArray(data.tickets) ? data.tickets.map(toTicketSummary) : [];
    const now = context.now();
    if (tickets.length === 0) {
      context.add({ kind: 'notice', tone: 'info', text: args ? `No tickets match "${args}".` : 'No active tickets.' });
      return;
    }
    context.add({
      kind: 'table',
      title: args ? `Tickets matching "${args}"` : 'Active tickets',
      columns: [
        { header: 'ticket' },
        { header: 'status' },
        { header: 'pri' },
        { header: 'title', flexible: true },
        { header: 'assignee' },
        { header: 'updated' },
      ],
      rows: tickets.map((t) => [
        t.number,
        t.status,
        t.priority,
        t.title,
        t.assignee ?? '-',
        relativeTime(t.updatedAt, now),
      ]),
      footer: data.has_more
        ? `First ${tickets.length} shown; narrow the filter to see others. /ticket N shows one.`
        : '/ticket N shows one.',
    });
  },
};
