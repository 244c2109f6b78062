import type { Queryable } from '../store/index.js';
import { TicketNotFoundError, TicketValidationError } from './errors.js';
import type {
  FieldChanges,
  Level,
  ResolutionCode,
  Ticket,
  TicketEvent,
  TicketPriority,
  TicketSource,
  TicketStatus,
  TicketType,
} from './model.js';
import { normalizeTicketNumber } from './ticket-number.js';

/** A tickets row joined with the names people use for its references. */
export interface TicketRow {
  id: string;
  number: string;
  title: string;
  description: string;
  type: TicketType;
  status: TicketStatus;
  impact: Level;
  urgency: Level;
  priority: TicketPriority;
  priority_overridden: boolean;
  category_id: string | null;
  category_path: string | null;
  requester: string;
  assignee_id: string | null;
  assignee_username: string | null;
  group_id: string | null;
  group_name: string | null;
  source: TicketSource;
  tags: string[];
  custom_fields: Record<string, unknown>;
  first_response_due: Date | null;
  resolution_due: Date | null;
  first_responded_at: Date | null;
  pending_since: Date | null;
  pending_reason: string | null;
  pending_seconds: number;
  resolved_at: Date | null;
  closed_at: Date | null;
  resolution_code: ResolutionCode | null;
  resolution_notes: string | null;
  merged_into_number: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const TICKET_SELECT = `
  SELECT t.id, t.number, t.title, t.description, t.type, t.status, t.impact, t.urgency, t.priority,
         t.priority_overridden, t.category_id, c.path AS category_path, t.requester, t.assignee_id,
         u.username AS assignee_username, t.group_id, g.name AS group_name, t.source, t.tags, t.custom_fields,
         t.first_response_due, t.resolution_due, t.first_responded_at, t.pending_since, t.pending_reason,
         t.pending_seconds, t.resolved_at, t.closed_at, t.resolution_code, t.resolution_notes,
         m.number AS merged_into_number, t.version, t.created_at, t.updated_at
  FROM tickets t
  LEFT JOIN categories c ON c.id = t.category_id
  LEFT JOIN users u ON u.id = t.assignee_id
  LEFT JOIN groups g ON g.id = t.group_id
  LEFT JOIN tickets m ON m.id = t.merged_into_id`;

const iso = (value: Date | null): string | null => (value ? new Date(value).toISOString() : null);

export function toTicket(row: TicketRow): Ticket {
  return {
    number: row.number,
    title: row.title,
    description: row.description,
    type: row.type,
    status: row.status,
    impact: row.impact,
    urgency: row.urgency,
    priority: row.priority,
    priorityOverridden: row.priority_overridden,
    category: row.category_path,
    requester: row.requester,
    assignee: row.assignee_username,
    group: row.group_name,
    source: row.source,
    tags: row.tags,
    customFields: row.custom_fields,
    sla: {
      firstResponseDue: iso(row.first_response_due),
      resolutionDue: iso(row.resolution_due),
      firstRespondedAt: iso(row.first_responded_at),
      pendingSeconds: row.pending_seconds,
    },
    pendingReason: row.pending_reason,
    resolutionCode: row.resolution_code,
    resolutionNotes: row.resolution_notes,
    mergedInto: row.merged_into_number,
    version: row.version,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    resolvedAt: iso(row.resolved_at),
    closedAt: iso(row.closed_at),
  };
}

export function requireTicketNumber(reference: string): string {
  const number = normalizeTicketNumber(reference);
  if (!number) {
    throw new TicketValidationError(
      `"${reference.slice(0, 40)}" is not a ticket number.`,
      'Ticket numbers look like IT-000123 (#123 works too).',
    );
  }
  return number;
}

/** The ticket's row, locked for the rest of the transaction when `forUpdate` is set. */
export async function loadTicketRow(db: Queryable, reference: string, forUpdate = false): Promise<TicketRow> {
  const number = requireTicketNumber(reference);
  // FOR UPDATE OF t: lock only the ticket, not the joined rows.
  const lock = forUpdate ? ' FOR UPDATE OF t' : '';
  const { rows } = await db.query<TicketRow>(`${TICKET_SELECT} WHERE t.number = $1${lock}`, [number]);
  const row = rows[0];
  if (!row) throw new TicketNotFoundError(number);
  return row;
}

export interface NewEvent {
  kind: TicketEvent['kind'];
  author: string;
  authorKind: TicketEvent['authorKind'];
  visibility?: TicketEvent['visibility'];
  body?: string | null;
  changes?: FieldChanges | null;
  /** Only for loading history; live events take the database's clock. */
  at?: Date;
  /** A reply or note's idempotency key and a hash of what it asked for (see ticket-commands.ts). */
  idempotencyKey?: string;
  idempotencyFingerprint?: string;
}

export async function appendEvent(db: Queryable, ticketId: string, event: NewEvent): Promise<void> {
  await db.query(
    `INSERT INTO ticket_events (ticket_id, kind, author, author_kind, visibility, body, changes, created_at,
                                idempotency_key, idempotency_fingerprint)
     VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, clock_timestamp()), $9, $10)`,
    [
      ticketId,
      event.kind,
      event.author,
      event.authorKind,
      event.visibility ?? 'public',
      event.body ?? null,
      event.changes ? JSON.stringify(event.changes) : null,
      event.at ?? null,
      event.idempotencyKey ?? null,
      event.idempotencyKey ? (event.idempotencyFingerprint ?? null) : null,
    ],
  );
}
