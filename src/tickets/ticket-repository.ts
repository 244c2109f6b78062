import type { Queryable, Store } from '../store/index.js';
import { TicketNotFoundError, TicketValidationError } from './errors.js';
import { normalizeTicketNumber } from './ticket-number.js';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed', 'canceled', 'merged'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Statuses in which someone still has work to do. */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending'];

export const TICKET_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 20_000;

export interface Ticket {
  number: string;
  title: string;
  description: string;
  status: TicketStatus;
  priority: TicketPriority;
  requester: string;
  source: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface TicketEvent {
  kind: string;
  author: string;
  authorKind: 'agent' | 'requester' | 'system' | 'ai';
  visibility: 'public' | 'internal';
  body: string | null;
  createdAt: string;
}

export interface NewTicket {
  title: string;
  description?: string;
  priority?: TicketPriority;
  requester: string;
  source?: string;
  /** A retried create with the same key returns the first ticket instead of a duplicate. */
  idempotencyKey?: string;
  /** Who or what filed it: the agent acting for a person files as "ai". */
  authorKind?: TicketEvent['authorKind'];
}

export interface TicketFilter {
  requester?: string;
  statuses?: readonly TicketStatus[];
  limit?: number;
}

interface TicketRow {
  id: number;
  number: string;
  title: string;
  description: string;
  status: TicketStatus;
  priority: TicketPriority;
  requester: string;
  source: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const TICKET_COLUMNS =
  'id, number, title, description, status, priority, requester, source, version, created_at, updated_at';

function toTicket(row: TicketRow): Ticket {
  return {
    number: row.number,
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    requester: row.requester,
    source: row.source,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function validateNewTicket(input: NewTicket): void {
  const title = input.title.trim();
  if (!title)
    throw new TicketValidationError('A ticket needs a title.', 'Give a short summary of the problem as the title.');
  if (title.length > TITLE_MAX) {
    throw new TicketValidationError(
      `The title is ${title.length} characters; the limit is ${TITLE_MAX}.`,
      'Shorten the title and put details in the description.',
    );
  }
  if ((input.description ?? '').length > DESCRIPTION_MAX) {
    throw new TicketValidationError(
      `The description is longer than ${DESCRIPTION_MAX} characters.`,
      'Trim it, or attach the full log elsewhere and link it.',
    );
  }
  if (!input.requester.trim()) throw new TicketValidationError('A ticket needs a requester.');
}

export async function createTicket(store: Store, input: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
  validateNewTicket(input);
  return store.transaction(async (tx) => {
    const inserted = await tx.query<TicketRow>(
      `INSERT INTO tickets (title, description, priority, requester, source, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING ${TICKET_COLUMNS}`,
      [
        input.title.trim(),
        input.description ?? '',
        input.priority ?? 'P3',
        input.requester.trim(),
        input.source ?? 'itbot',
        input.idempotencyKey ?? null,
      ],
    );
    const row = inserted.rows[0];
    if (!row) {
      // The key was used before: hand back the ticket the first attempt made.
      const existing = await tx.query<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE idempotency_key = $1`, [
        input.idempotencyKey,
      ]);
      return { ticket: toTicket(existing.rows[0] as TicketRow), created: false };
    }
    await tx.query(
      `INSERT INTO ticket_events (ticket_id, kind, author, author_kind, visibility, body)
       VALUES ($1, 'created', $2, $3, 'public', $4)`,
      [row.id, input.requester.trim(), input.authorKind ?? 'requester', input.description ?? ''],
    );
    return { ticket: toTicket(row), created: true };
  });
}

function requireTicketNumber(reference: string): string {
  const number = normalizeTicketNumber(reference);
  if (!number) {
    throw new TicketValidationError(
      `"${reference.slice(0, 40)}" is not a ticket number.`,
      'Ticket numbers look like IT-000123 (or #123).',
    );
  }
  return number;
}

export async function getTicket(db: Queryable, reference: string): Promise<{ ticket: Ticket; events: TicketEvent[] }> {
  const number = requireTicketNumber(reference);
  const { rows } = await db.query<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE number = $1`, [number]);
  const row = rows[0];
  if (!row) throw new TicketNotFoundError(number);
  const events = await db.query<{
    kind: string;
    author: string;
    author_kind: TicketEvent['authorKind'];
    visibility: TicketEvent['visibility'];
    body: string | null;
    created_at: Date;
  }>(
    'SELECT kind, author, author_kind, visibility, body, created_at FROM ticket_events WHERE ticket_id = $1 ORDER BY id',
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
      createdAt: new Date(event.created_at).toISOString(),
    })),
  };
}

export async function listTickets(db: Queryable, filter: TicketFilter = {}): Promise<Ticket[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.requester) {
    params.push(filter.requester);
    conditions.push(`requester = $${params.length}`);
  }
  if (filter.statuses?.length) {
    params.push(filter.statuses);
    conditions.push(`status = ANY($${params.length}::text[])`);
  }
  params.push(Math.min(Math.max(filter.limit ?? 20, 1), 100));
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const { rows } = await db.query<TicketRow>(
    `SELECT ${TICKET_COLUMNS} FROM tickets ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toTicket);
}
