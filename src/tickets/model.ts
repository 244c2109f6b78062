/** The ticket vocabulary: every allowed value is listed once, here. */

export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed', 'canceled', 'merged'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Statuses in which someone still has work to do. */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending'];
/** Statuses nothing can leave. */
export const FINAL_STATUSES: readonly TicketStatus[] = ['closed', 'canceled', 'merged'];

export const TICKET_TYPES = ['incident', 'service_request', 'question', 'problem'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const TICKET_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** 1 is the most (many people / work stopped), 3 the least (one person / can wait). */
export type Level = 1 | 2 | 3;

export const RESOLUTION_CODES = [
  'fixed',
  'workaround',
  'user_error',
  'duplicate',
  'no_fault_found',
  'wont_fix',
  'known_error',
] as const;
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

export const LINK_KINDS = ['relates_to', 'duplicate_of', 'parent_of', 'caused_by', 'follow_up_of'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const TICKET_SOURCES = ['itbot', 'email', 'phone', 'portal', 'chat', 'monitoring', 'walk_in'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

export const AUTHOR_KINDS = ['agent', 'requester', 'system', 'ai'] as const;
export type AuthorKind = (typeof AUTHOR_KINDS)[number];

export const EVENT_KINDS = [
  'created',
  'reply',
  'note',
  'status',
  'field',
  'assignment',
  'link',
  'merge',
  'attachment',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 20_000;
export const MESSAGE_MAX = 20_000;

/** Who did something: recorded on every timeline event. */
export interface Actor {
  name: string;
  kind: AuthorKind;
}

export interface Ticket {
  number: string;
  title: string;
  description: string;
  type: TicketType;
  status: TicketStatus;
  impact: Level;
  urgency: Level;
  priority: TicketPriority;
  /** True when an agent set the priority instead of the impact × urgency lookup. */
  priorityOverridden: boolean;
  category: string | null;
  requester: string;
  assignee: string | null;
  group: string | null;
  source: TicketSource;
  tags: string[];
  customFields: Record<string, unknown>;
  sla: {
    firstResponseDue: string | null;
    resolutionDue: string | null;
    firstRespondedAt: string | null;
    /** Seconds spent pending so far: not counted against the SLA. */
    pendingSeconds: number;
  };
  pendingReason: string | null;
  resolutionCode: ResolutionCode | null;
  resolutionNotes: string | null;
  mergedInto: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
}

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

export interface TicketEvent {
  kind: EventKind;
  author: string;
  authorKind: AuthorKind;
  visibility: 'public' | 'internal';
  body: string | null;
  changes: FieldChanges | null;
  createdAt: string;
}

export interface TicketLink {
  kind: LinkKind;
  /** "outgoing": this ticket → other (e.g. this duplicate_of other); "incoming": other → this. */
  direction: 'outgoing' | 'incoming';
  ticket: string;
  title: string;
  status: TicketStatus;
}
