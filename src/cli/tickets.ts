import { UsageError } from '../errors.js';
import {
  type Level,
  RESOLUTION_CODES,
  type ResolutionCode,
  requestIdempotencyKey,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type Ticket,
  type TicketPriority,
  type TicketStatus,
} from '../tickets/index.js';
import { withItbotServer } from './server-calls.js';
import { formatTable } from './table.js';
import { attachmentLines } from './tickets-attach.js';
import { describeEvent, requireTicket, type ShownTicket, writeAtVersion } from './tickets-lookup.js';

/**
 * `itbot tickets …`: the ticket tools as plain commands for staff, called on the ticket server
 * like everything else (so they work while the chat is open), acting as the agent typing them.
 */

type SimilarTicket = { ticket: Ticket; score: number };
interface Triage {
  category: string | null;
  priority: TicketPriority | null;
  confidence: { category: number; priority: number };
}

function print(json: boolean | undefined, value: unknown, text: () => string): number {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
  return 0;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`Unknown ${what} "${value}".`, `Choose one of: ${allowed.join(', ')}.`);
  return value as T;
}

function level(value: string | undefined, what: string): Level | undefined {
  if (value === undefined) return undefined;
  if (!['1', '2', '3'].includes(value)) throw new UsageError(`${what} must be 1, 2 or 3 (got "${value}").`);
  return Number(value) as Level;
}

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

function ticketRows(tickets: Ticket[], options: { due?: boolean } = {}): string {
  if (tickets.length === 0) return 'No tickets match.';
  const due = (t: Ticket) => (options.due ? [utcMinute(t.sla.resolutionDue).replace(' UTC', '')] : []);
  return formatTable(
    ['NUMBER', 'STATUS', 'PRI', 'ASSIGNEE', 'GROUP', 'OPENED', ...(options.due ? ['DUE (UTC)'] : []), 'TITLE'],
    tickets.map((t) => [
      t.number,
      t.status,
      t.priority,
      t.assignee ?? '-',
      t.group ?? '-',
      t.createdAt.slice(0, 10),
      ...due(t),
      t.title,
    ]),
  );
}

/** `--sla at-risk|breached` as the search tool spells it. */
function slaFilter(value: string | undefined): 'at_risk' | 'breached' | undefined {
  if (value === undefined) return undefined;
  const spelled = value.trim().toLowerCase().replace(/[-\s]/g, '_');
  if (spelled === 'at_risk' || spelled === 'breached') return spelled;
  throw new UsageError(`Unknown SLA state "${value}".`, 'Choose at-risk or breached.');
}

/** "Aisha Khan <aisha.khan@example.com> · Finance · Madrid": how to reach the requester, from the directory. */
function requesterContact({ requesterProfile: p }: ShownTicket): string | undefined {
  if (!p) return undefined;
  const parts = [`${p.displayName}${p.email ? ` <${p.email}>` : ''}`, p.department, p.location];
  return parts.filter(Boolean).join(' · ');
}

/** An ISO time as a person reads it: "2026-12-06 15:53 UTC". */
function utcMinute(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '-';
}

function ticketCard(details: ShownTicket): string {
  const { ticket, events, links } = details;
  const contact = requesterContact(details);
  const lines = [
    `${ticket.number}  ${ticket.title}`,
    `  status ${ticket.status}${ticket.pendingReason ? ` (${ticket.pendingReason})` : ''} · priority ${ticket.priority}${ticket.priorityOverridden ? ' (set by hand)' : ''} (impact ${ticket.impact}, urgency ${ticket.urgency}) · ${ticket.type}`,
    `  requester ${ticket.requester} · assignee ${ticket.assignee ?? '-'} · group ${ticket.group ?? '-'} · category ${ticket.category ?? '-'}`,
    `  first response due ${utcMinute(ticket.sla.firstResponseDue)} · resolution due ${utcMinute(ticket.sla.resolutionDue)} · version ${ticket.version}`,
  ];
  if (contact) lines.push(`  contact ${contact}`);
  if (ticket.tags.length) lines.push(`  tags ${ticket.tags.join(', ')}`);
  if (ticket.resolutionCode)
    lines.push(`  resolved: ${ticket.resolutionCode}${ticket.resolutionNotes ? ` — ${ticket.resolutionNotes}` : ''}`);
  if (ticket.description) lines.push('', ...ticket.description.split('\n').map((line) => `  ${line}`));
  if (links.length)
    lines.push(
      '',
      ...links.map(
        (l) =>
          `  link: ${l.direction === 'outgoing' ? `${l.kind} ${l.ticket}` : `${l.ticket} ${l.kind} this`} (${l.status}) ${l.title}`,
      ),
    );
  lines.push(...attachmentLines(details.attachments));
  lines.push('', '  timeline:');
  for (const event of events) lines.push(`  ${describeEvent(event)}`);
  return lines.join('\n');
}

export interface ListOptions {
  status?: string;
  priority?: string;
  assignee?: string;
  group?: string;
  requester?: string;
  category?: string;
  tag?: string;
  text?: string;
  all?: boolean;
  limit: number;
  cursor?: string;
  /** at-risk or breached: tickets running against their resolution SLA. */
  sla?: string;
  json?: boolean;
}

export function listTicketsCommand(options: ListOptions): Promise<number> {
  const status = list(options.status)?.map((s) => oneOf(s, TICKET_STATUSES, 'status') as TicketStatus);
  const priority = list(options.priority)?.map(
    (p) => oneOf(p.toUpperCase(), TICKET_PRIORITIES, 'priority') as TicketPriority,
  );
  const sla = slaFilter(options.sla);
  return withItbotServer(async (server) => {
    // Only a setting made here overrides the server's own idea of "at risk".
    const atRisk = sla === 'at_risk' && process.env.ITBOT_SLA_AT_RISK ? server.config.slaAtRiskMinutes : undefined;
    const found = await server.call<{ tickets: Ticket[]; has_more: boolean; next_cursor: string | null }>(
      'search_tickets',
      {
        status: status ?? (options.all ? [...TICKET_STATUSES] : undefined),
        priority,
        assignee: options.assignee,
        group: options.group,
        requester: options.requester,
        category: options.category,
        tags: list(options.tag),
        text: options.text,
        limit: Math.min(options.limit, 100),
        cursor: options.cursor,
        sla,
        at_risk_within_minutes: atRisk,
      },
    );
    const page = { tickets: found.tickets, hasMore: found.has_more, nextCursor: found.next_cursor };
    return print(options.json, page, () => {
      const more = page.hasMore ? `\n(more: --cursor ${page.nextCursor})` : '';
      return `${ticketRows(page.tickets, { due: sla !== undefined })}${more}`;
    });
  });
}

export function showTicketCommand(reference: string, options: { json?: boolean }): Promise<number> {
  return withItbotServer(async (server) => {
    const details = await requireTicket(server, reference);
    return print(options.json, details, () => ticketCard(details));
  });
}

export interface CreateOptions {
  title: string;
  description?: string;
  impact?: string;
  urgency?: string;
  priority?: string;
  category?: string;
  requester?: string;
  assignee?: string;
  group?: string;
  tag?: string;
  /** Default: derived from the request (see idempotency.ts), so a retried command opens no duplicate. */
  idempotencyKey?: string;
  json?: boolean;
}

export function createTicketCommand(options: CreateOptions): Promise<number> {
  const fields = {
    title: options.title,
    description: options.description,
    impact: level(options.impact, '--impact'),
    urgency: level(options.urgency, '--urgency'),
    priority: oneOf(options.priority?.toUpperCase(), TICKET_PRIORITIES, 'priority'),
    category: options.category,
    requester: options.requester,
    assignee: options.assignee,
    group: options.group,
    source: 'itbot',
    tags: list(options.tag),
  };
  return withItbotServer(async (server) => {
    // The same request repeated today (a retry after a crash) finds the first ticket, never a second.
    const { idempotencyKey, json: _json, ...request } = options;
    const { ticket, created, routing } = await server.call<{
      ticket: Ticket;
      created: boolean;
      routing?: { applied: boolean; category: string | null; confidence: number };
    }>('create_ticket', {
      ...fields,
      idempotency_key: idempotencyKey ?? requestIdempotencyKey('cli', [server.config.user, request]),
    });
    const pct = (share: number) => `${Math.round(share * 100)} %`;
    const routed = !routing?.category
      ? ''
      : routing.applied
        ? `\n  routed by the router to ${routing.category} (confidence ${pct(routing.confidence)})`
        : `\n  left for a person (tagged needs-routing; best guess ${routing.category} at ${pct(routing.confidence)})`;
    return print(options.json, { ticket, created, ...(routing ? { routing } : {}) }, () =>
      created
        ? `Created ${ticket.number} (${ticket.priority}, ${ticket.group ?? 'no group'}): ${ticket.title}${routed}`
        : `Already opened as ${ticket.number} by the same request earlier today (give --idempotency-key to open another): ${ticket.title}`,
    );
  });
}

export interface UpdateOptions {
  /** The version the person last saw; without it, the version read just before writing. */
  expectedVersion?: number;
  title?: string;
  description?: string;
  impact?: string;
  urgency?: string;
  priority?: string;
  category?: string;
  addTag?: string;
  removeTag?: string;
  json?: boolean;
}

export function updateTicketCommand(reference: string, options: UpdateOptions): Promise<number> {
  const fields = {
    title: options.title,
    description: options.description,
    impact: level(options.impact, '--impact'),
    urgency: level(options.urgency, '--urgency'),
    priority:
      options.priority === 'auto' ? null : oneOf(options.priority?.toUpperCase(), TICKET_PRIORITIES, 'priority'),
    category: options.category,
    add_tags: list(options.addTag),
    remove_tags: list(options.removeTag),
  };
  return withItbotServer(async (server) => {
    const { ticket: current } = await requireTicket(server, reference);
    const version = options.expectedVersion ?? current.version;
    const { ticket, changes } = await writeAtVersion(server, current.number, version, (expected) =>
      server.call<{ ticket: Ticket; changes: Record<string, { from: unknown; to: unknown }> }>('update_ticket', {
        ticket: current.number,
        expected_version: expected,
        ...fields,
      }),
    );
    return print(options.json, { ticket, changes }, () => {
      const what = Object.entries(changes).map(
        ([field, c]) => `  ${field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`,
      );
      return what.length
        ? `Updated ${ticket.number} (now version ${ticket.version}):\n${what.join('\n')}`
        : `Nothing to change on ${ticket.number}.`;
    });
  });
}

/** Resolves (if it is not yet) and closes a ticket in one go. */
export function closeTicketCommand(
  reference: string,
  options: { code?: string; notes?: string; json?: boolean },
): Promise<number> {
  const code = oneOf(options.code, RESOLUTION_CODES, 'resolution code') as ResolutionCode | undefined;
  return withItbotServer(async (server) => {
    const { ticket: current } = await requireTicket(server, reference);
    if (current.status !== 'resolved') {
      if (!code)
        throw new UsageError(
          `${current.number} is ${current.status}; closing it resolves it first, which needs --code.`,
          `Codes: ${RESOLUTION_CODES.join(', ')}.`,
        );
      await server.call('transition_ticket', {
        ticket: reference,
        to: 'resolved',
        resolution_code: code,
        resolution_notes: options.notes,
      });
    }
    const { ticket } = await server.call<{ ticket: Ticket }>('transition_ticket', { ticket: reference, to: 'closed' });
    return print(options.json, { ticket }, () => `Closed ${ticket.number} (${ticket.resolutionCode}).`);
  });
}

/** `itbot tickets similar N`: likely duplicates and past resolutions, plus a triage suggestion. */
export function similarTicketsCommand(reference: string, options: { limit: number; json?: boolean }): Promise<number> {
  return withItbotServer(async (server) => {
    await requireTicket(server, reference);
    const found = await server.call<{ likely_duplicates: SimilarTicket[]; past_resolutions: SimilarTicket[] }>(
      'find_similar_tickets',
      { ticket: reference, limit: Math.min(options.limit, 20) },
    );
    const triage = await server.call<Triage>('suggest_triage', { ticket: reference });
    const similar = { likelyDuplicates: found.likely_duplicates, pastResolutions: found.past_resolutions };
    return print(options.json, { ...similar, triage }, () => {
      const lines = [
        'Likely duplicates (active):',
        ticketRows(similar.likelyDuplicates.map((s) => s.ticket)),
        '',
        'Past resolutions:',
      ];
      if (similar.pastResolutions.length === 0) lines.push('None found.');
      for (const { ticket } of similar.pastResolutions) {
        lines.push(
          `  ${ticket.number} ${ticket.title}`,
          `    ${ticket.resolutionCode}: ${ticket.resolutionNotes ?? '(no notes)'}`,
        );
      }
      const pct = (share: number) => `${Math.round(share * 100)} %`;
      lines.push(
        '',
        `Suggested triage (not applied): category ${triage.category ?? '-'} (${pct(triage.confidence.category)}), priority ${triage.priority ?? '-'} (${pct(triage.confidence.priority)})`,
      );
      return lines.join('\n');
    });
  });
}
