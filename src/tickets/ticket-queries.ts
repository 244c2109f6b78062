import type { Queryable } from '../store/index.js';
import { categoryForTopic } from './category-words.js';
import { requireUsername } from './directory.js';
import { TicketValidationError } from './errors.js';
import type { FieldChanges, Ticket, TicketEvent, TicketLink, TicketPriority, TicketStatus } from './model.js';
import { loadTicketRow, TICKET_SELECT, type TicketRow, toTicket } from './rows.js';

export interface TicketDetails {
  ticket: Ticket;
  events: TicketEvent[];
  links: TicketLink[];
  /** Events older than those returned, when the timeline was paged (eventsLimit). */
  olderEvents?: number;
}

export interface GetTicketOptions {
  includeInternal?: boolean;
  /** At most this many events, the newest (oldest first among them): keeps an answer readable. */
  eventsLimit?: number;
  /** Skip this many of the newest events first: pages back through a long timeline. */
  eventsSkip?: number;
}

export async function getTicket(
  db: Queryable,
  reference: string,
  options: GetTicketOptions = {},
): Promise<TicketDetails> {
  const row = await loadTicketRow(db, reference);
  const events = await db.query<{
    kind: TicketEvent['kind'];
    author: string;
    author_kind: TicketEvent['authorKind'];
    visibility: TicketEvent['visibility'];
    body: string | null;
    changes: FieldChanges | null;
    created_at: Date;
  }>(
    `SELECT kind, author, author_kind, visibility, body, changes, created_at FROM (
       SELECT id, kind, author, author_kind, visibility, body, changes, created_at FROM ticket_events
       WHERE ticket_id = $1 AND ($2 OR visibility = 'public') ORDER BY id DESC LIMIT $3 OFFSET $4
     ) newest ORDER BY id`,
    [row.id, options.includeInternal ?? true, options.eventsLimit ?? null, options.eventsSkip ?? 0],
  );
  let olderEvents: number | undefined;
  if (options.eventsLimit !== undefined) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1 AND ($2 OR visibility = 'public')`,
      [row.id, options.includeInternal ?? true],
    );
    olderEvents = Math.max(0, (rows[0]?.n ?? 0) - (options.eventsSkip ?? 0) - events.rows.length);
  }
  const links = await db.query<{
    kind: TicketLink['kind'];
    direction: TicketLink['direction'];
    number: string;
    title: string;
    status: TicketStatus;
  }>(
    `SELECT l.kind, 'outgoing' AS direction, t.number, t.title, t.status
       FROM ticket_links l JOIN tickets t ON t.id = l.to_ticket_id WHERE l.from_ticket_id = $1
     UNION ALL
     SELECT l.kind, 'incoming', t.number, t.title, t.status
       FROM ticket_links l JOIN tickets t ON t.id = l.from_ticket_id WHERE l.to_ticket_id = $1`,
    [row.id],
  );
  return {
    ticket: toTicket(row),
    events: events.rows.map((event) => ({
      kind: event.kind,
      author: event.author,
      authorKind: event.author_kind,
      visibility: event.visibility,
      body: event.body,
      changes: event.changes,
      createdAt: new Date(event.created_at).toISOString(),
    })),
    links: links.rows.map((link) => ({
      kind: link.kind,
      direction: link.direction,
      ticket: link.number,
      title: link.title,
      status: link.status,
    })),
    ...(olderEvents === undefined ? {} : { olderEvents }),
  };
}

export interface TicketSearch {
  status?: readonly TicketStatus[];
  priority?: readonly TicketPriority[];
  /** A username, or "unassigned". */
  assignee?: string;
  group?: string;
  requester?: string;
  /** A category path; its subcategories match too. */
  category?: string;
  /** Tickets carrying all of these tags. */
  tags?: readonly string[];
  /** Words to find in title, tags and description (web-search syntax: "quoted phrase", -excluded, or). */
  text?: string;
  /**
   * A topic in everyday words ("printer", "wifi", "joiner leaver"): tickets in the category those
   * words name, or mentioning them — what a person means by "printer tickets".
   */
  topic?: string;
  /** Only tickets created at or after this instant (ISO date or date-time). */
  createdAfter?: string;
  /** Only tickets created before this instant. */
  createdBefore?: string;
  /** Only tickets running against their resolution SLA that are past it, or due within atRiskMinutes. */
  sla?: SlaFilter;
  /** What "at risk" means: resolution due within this many minutes. */
  atRiskMinutes?: number;
  limit?: number;
  /** From a previous page's nextCursor. */
  cursor?: string;
}

export const SLA_FILTERS = ['at_risk', 'breached'] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];
/** Only new and open tickets run against the SLA (pending stops the clock; the rest are done). */
const SLA_STATUSES = ['new', 'open'];

export interface TicketPage {
  tickets: Ticket[];
  nextCursor: string | null;
  hasMore: boolean;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

interface Cursor {
  createdAt: string;
  id: string;
}

function encodeCursor(row: TicketRow): string {
  return Buffer.from(
    JSON.stringify({ createdAt: new Date(row.created_at).toISOString(), id: String(row.id) }),
  ).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (
      typeof parsed.createdAt !== 'string' ||
      !/^\d+$/.test(parsed.id) ||
      Number.isNaN(Date.parse(parsed.createdAt))
    ) {
      throw new Error('shape');
    }
    return parsed;
  } catch {
    throw new TicketValidationError(
      'The cursor is not one this server gave out.',
      'Pass next_cursor from the previous page unchanged, or leave it out to start over.',
    );
  }
}

function validInstant(value: string, name: string): string {
  if (Number.isNaN(Date.parse(value)))
    throw new TicketValidationError(`${name} is not a date: "${value}".`, 'Use an ISO date such as 2026-12-01.');
  return value;
}

/** Query parameters collected as a query is built: param(value) adds one and returns its $n. */
function parameterList() {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  return { params, param };
}

/** A username nobody has is a mistake to point out, not an empty result. */
async function requireKnownAssignee(db: Queryable, search: TicketSearch): Promise<void> {
  if (search.assignee && search.assignee.toLowerCase() !== 'unassigned') await requireUsername(db, search.assignee);
}

/** The WHERE conditions a search's filters make (everything but the cursor). */
function filterConditions(search: TicketSearch, param: (value: unknown) => string): string[] {
  const conditions: string[] = [];
  if (search.status?.length) conditions.push(`t.status = ANY(${param(search.status)}::text[])`);
  if (search.priority?.length) conditions.push(`t.priority = ANY(${param(search.priority)}::text[])`);
  if (search.assignee) {
    conditions.push(
      search.assignee.toLowerCase() === 'unassigned'
        ? 't.assignee_id IS NULL'
        : `lower(u.username) = lower(${param(search.assignee)})`,
    );
  }
  if (search.group) conditions.push(`lower(g.name) = lower(${param(search.group)})`);
  if (search.requester) conditions.push(`lower(t.requester) = lower(${param(search.requester)})`);
  if (search.category) {
    const path = param(search.category);
    conditions.push(`(lower(c.path) = lower(${path}) OR lower(c.path) LIKE lower(${path}) || '/%')`);
  }
  if (search.tags?.length) conditions.push(`t.tags @> ${param(search.tags)}::text[]`);
  if (search.text?.trim()) conditions.push(`t.search @@ websearch_to_tsquery('english', ${param(search.text)})`);
  if (search.topic?.trim()) {
    const mentioned = `t.search @@ websearch_to_tsquery('english', ${param(search.topic)})`;
    const topicCategory = categoryForTopic(search.topic);
    if (!topicCategory) conditions.push(mentioned);
    else {
      const path = param(topicCategory.category);
      conditions.push(`(${mentioned} OR lower(c.path) = lower(${path}) OR lower(c.path) LIKE lower(${path}) || '/%')`);
    }
  }
  if (search.createdAfter)
    conditions.push(`t.created_at >= ${param(validInstant(search.createdAfter, 'created_after'))}::timestamptz`);
  if (search.createdBefore)
    conditions.push(`t.created_at < ${param(validInstant(search.createdBefore, 'created_before'))}::timestamptz`);
  if (search.sla) {
    conditions.push(`t.status = ANY(${param(SLA_STATUSES)}::text[])`, 't.resolution_due IS NOT NULL');
    conditions.push(
      search.sla === 'breached'
        ? 't.resolution_due < now()'
        : `t.resolution_due >= now() AND t.resolution_due < now() + make_interval(mins => ${param(search.atRiskMinutes ?? 240)}::int)`,
    );
  }
  return conditions;
}

/** Newest first, filtered, a page at a time (keyset pagination: stable while tickets are added). */
export async function searchTickets(db: Queryable, search: TicketSearch = {}): Promise<TicketPage> {
  const { params, param } = parameterList();
  await requireKnownAssignee(db, search);
  const conditions = filterConditions(search, param);
  if (search.cursor) {
    const cursor = decodeCursor(search.cursor);
    conditions.push(`(t.created_at, t.id) < (${param(cursor.createdAt)}::timestamptz, ${param(cursor.id)}::bigint)`);
  }
  const limit = Math.min(Math.max(search.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  // One extra row says whether there is another page without a count(*).
  const { rows } = await db.query<TicketRow>(
    `${TICKET_SELECT} ${where} ORDER BY t.created_at DESC, t.id DESC LIMIT ${param(limit + 1)}`,
    params,
  );
  const page = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  const last = page[page.length - 1];
  return { tickets: page.map(toTicket), hasMore, nextCursor: hasMore && last ? encodeCursor(last) : null };
}

/** How many tickets match a search's filters (cursor and limit aside). */
export async function countTickets(db: Queryable, search: TicketSearch = {}): Promise<number> {
  const { params, param } = parameterList();
  await requireKnownAssignee(db, search);
  const conditions = filterConditions(search, param);
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const { rows } = await db.query<{ count: string | number }>(
    `SELECT count(*) AS count FROM (${TICKET_SELECT} ${where}) matching`,
    params,
  );
  return Number(rows[0]?.count ?? 0);
}
