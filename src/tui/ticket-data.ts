/**
 * The parts of the ticket server's structured results the chat shows. Read defensively: the
 * shapes come over MCP, so a missing field shows as "-" instead of crashing the UI.
 */
export interface TicketSummary {
  number: string;
  title: string;
  status: string;
  priority: string;
  priorityOverridden: boolean;
  assignee: string | null;
  group: string | null;
  requester: string;
  category: string | null;
  firstResponseDue: string | null;
  resolutionDue: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface TicketEvent {
  kind: string;
  author: string;
  visibility: string;
  body: string | null;
  changes: Record<string, { from: unknown; to: unknown }> | null;
  createdAt: string;
}

type Loose = Record<string, unknown>;

const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const nullableStr = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function toTicketSummary(raw: unknown): TicketSummary {
  const ticket = (raw ?? {}) as Loose;
  const sla = (ticket.sla ?? {}) as Loose;
  return {
    number: str(ticket.number, '?'),
    title: str(ticket.title),
    status: str(ticket.status, '-'),
    priority: str(ticket.priority, '-'),
    priorityOverridden: ticket.priorityOverridden === true,
    assignee: nullableStr(ticket.assignee),
    group: nullableStr(ticket.group),
    requester: str(ticket.requester, '-'),
    category: nullableStr(ticket.category),
    firstResponseDue: nullableStr(sla.firstRespondedAt) ? null : nullableStr(sla.firstResponseDue),
    resolutionDue: nullableStr(sla.resolutionDue),
    createdAt: str(ticket.createdAt),
    updatedAt: str(ticket.updatedAt),
    version: typeof ticket.version === 'number' ? ticket.version : 0,
  };
}

/** The requester as the directory knows them: name, how to reach them, department and site. */
export interface RequesterContact {
  displayName: string;
  email: string | null;
  department: string | null;
  location: string | null;
}

export function toRequesterContact(raw: unknown): RequesterContact | null {
  if (!raw || typeof raw !== 'object') return null;
  const person = raw as Loose;
  return {
    displayName: str(person.displayName, str(person.username, '-')),
    email: nullableStr(person.email),
    department: nullableStr(person.department),
    location: nullableStr(person.location),
  };
}

export { formatBytes } from '../tickets/attachments.js';

/** A file on the ticket, as the card lists it. */
export interface TicketAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export function toTicketAttachments(raw: unknown): TicketAttachment[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((item) => {
    const file = (item ?? {}) as Loose;
    return {
      id: str(file.id, '?'),
      filename: str(file.filename, '?'),
      contentType: str(file.contentType, '-'),
      size: typeof file.size === 'number' ? file.size : 0,
    };
  });
}

export function toTicketEvents(raw: unknown): TicketEvent[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((item) => {
    const event = (item ?? {}) as Loose;
    return {
      kind: str(event.kind, 'event'),
      author: str(event.author, '-'),
      visibility: str(event.visibility, 'public'),
      body: nullableStr(event.body),
      changes: (event.changes ?? null) as TicketEvent['changes'],
      createdAt: str(event.createdAt),
    };
  });
}

/** Final states do not run against an SLA. */
export function slaApplies(status: string): boolean {
  return status === 'new' || status === 'open';
}

const HOUR = 3_600_000;
/** Due within this long counts as "at risk" unless ITBOT_SLA_AT_RISK says otherwise. */
export const AT_RISK_WITHIN_MS = 4 * HOUR;

export type SlaState = 'breached' | 'at_risk' | 'ok' | 'none';

export function slaState(ticket: TicketSummary, now: number, atRiskWithinMs = AT_RISK_WITHIN_MS): SlaState {
  if (!slaApplies(ticket.status) || !ticket.resolutionDue) return 'none';
  const left = Date.parse(ticket.resolutionDue) - now;
  if (Number.isNaN(left)) return 'none';
  if (left < 0) return 'breached';
  return left < atRiskWithinMs ? 'at_risk' : 'ok';
}

/** "4 h", "90 min": a span of minutes as a person says it. */
export function spanOfMinutes(minutes: number): string {
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return minutes > 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

/** "in 2 h 10 min", "3 d ago": how far a moment is from now, in the largest two units. */
export function relativeTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '-';
  const diff = at - now;
  const abs = Math.abs(diff);
  const minutes = Math.round(abs / 60_000);
  let span: string;
  if (minutes < 1) span = 'less than a minute';
  else if (minutes < 60) span = `${minutes} min`;
  else if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    span = m ? `${h} h ${m} min` : `${h} h`;
  } else {
    const d = Math.floor(minutes / (24 * 60));
    const h = Math.floor((minutes % (24 * 60)) / 60);
    span = h ? `${d} d ${h} h` : `${d} d`;
  }
  return diff >= 0 ? `in ${span}` : `${span} ago`;
}

/** "2026-11-27 09:12 UTC": absolute times in one zone, so a screenshot means the same to everyone. */
export function shortDateTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '-';
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One line for a timeline event: "status new → open", "note: gateway logs show resets". */
export function describeEvent(event: TicketEvent): string {
  const changes = event.changes
    ? Object.entries(event.changes)
        .map(([field, change]) => `${field} ${show(change.from)} → ${show(change.to)}`)
        .join(', ')
    : '';
  const body = event.body ? oneLine(event.body) : '';
  const label = event.visibility === 'internal' ? `${event.kind} (internal)` : event.kind;
  return [label, changes, body].filter(Boolean).join(' — ');
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
