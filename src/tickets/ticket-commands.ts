import { createHash } from 'node:crypto';
import type { Queryable, Store } from '../store/index.js';
import { findAgent, findCategory, findGroup } from './directory.js';
import { IdempotencyKeyReusedError, TicketConflictError, TicketValidationError } from './errors.js';
import {
  type Actor,
  DESCRIPTION_MAX,
  FINAL_STATUSES,
  type FieldChanges,
  type Level,
  type LinkKind,
  MESSAGE_MAX,
  type ResolutionCode,
  TITLE_MAX,
  type Ticket,
  type TicketPriority,
  type TicketSource,
  type TicketStatus,
  type TicketType,
} from './model.js';
import { priorityFor, slaDueTimes } from './priority.js';
import { appendEvent, loadTicketRow, requireTicketNumber, type TicketRow, toTicket } from './rows.js';
import { assertMergeable, assertTransition } from './status-machine.js';

export interface NewTicket {
  title: string;
  description?: string;
  type?: TicketType;
  impact?: Level;
  urgency?: Level;
  /** Overrides the impact × urgency lookup; recorded as an override. */
  priority?: TicketPriority;
  category?: string;
  requester: string;
  assignee?: string;
  group?: string;
  source?: TicketSource;
  tags?: string[];
  customFields?: Record<string, unknown>;
  /** A retried create with the same key returns the first ticket instead of a duplicate. */
  idempotencyKey?: string;
}

function cleanTitle(title: string): string {
  const trimmed = title.trim();
  if (!trimmed)
    throw new TicketValidationError('A ticket needs a title.', 'Give a short summary of the problem as the title.');
  if (trimmed.length > TITLE_MAX) {
    throw new TicketValidationError(
      `The title is ${trimmed.length} characters; the limit is ${TITLE_MAX}.`,
      'Shorten the title and put details in the description.',
    );
  }
  return checkCharacters(trimmed, 'title');
}

/** C0 controls but tab, line feed and carriage return, and DEL (PostgreSQL refuses NUL outright). */
function firstControlCharacter(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return code;
  }
  return undefined;
}

/** Text a person typed: refused, with what is wrong, when it holds control characters (a retry cannot help). */
function checkCharacters(text: string, what: string): string {
  const found = firstControlCharacter(text);
  if (found !== undefined) {
    const code = found.toString(16).toUpperCase().padStart(4, '0');
    throw new TicketValidationError(
      `The ${what} contains a control character (U+${code}${found === 0 ? ', a NUL byte' : ''}).`,
      'Remove it: text may hold printable characters, tabs and line breaks.',
    );
  }
  return text;
}

function checkLength(text: string, max: number, what: string): string {
  if (text.length > max)
    throw new TicketValidationError(
      `The ${what} is longer than ${max} characters.`,
      'Trim it, or attach the full text elsewhere and link it.',
    );
  return checkCharacters(text, what);
}

/** Tags: a handful of short keywords, not a place to store text. */
export const TAGS_MAX = 30;
export const TAG_LENGTH_MAX = 50;
/** Custom fields: small structured values (an asset tag, a cost centre), not documents. */
export const CUSTOM_FIELDS_MAX_BYTES = 16 * 1024;
export const CUSTOM_FIELD_KEYS_MAX = 50;

function cleanTags(tags: readonly string[]): string[] {
  const clean = [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))].sort();
  for (const tag of clean) {
    checkCharacters(tag, 'tag');
    if (tag.length > TAG_LENGTH_MAX) {
      throw new TicketValidationError(
        `The tag "${tag.slice(0, 60)}…" is longer than ${TAG_LENGTH_MAX} characters.`,
        'Tags are short keywords (vpn, outage); put text in the description or a note.',
      );
    }
  }
  if (clean.length > TAGS_MAX) {
    throw new TicketValidationError(`A ticket can carry at most ${TAGS_MAX} tags (this would be ${clean.length}).`);
  }
  return clean;
}

/** Every string in a JSON value (keys included) checked for control characters. */
function checkJsonCharacters(value: unknown, where: string): void {
  if (typeof value === 'string') checkCharacters(value, where);
  else if (Array.isArray(value)) for (const item of value) checkJsonCharacters(item, where);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      checkCharacters(key, `${where} name "${key.slice(0, 40)}"`);
      checkJsonCharacters(item, `custom field "${key.slice(0, 40)}"`);
    }
  }
}

function checkCustomFields(fields: Record<string, unknown>): Record<string, unknown> {
  checkJsonCharacters(fields, 'custom field');
  const keys = Object.keys(fields).length;
  if (keys > CUSTOM_FIELD_KEYS_MAX) {
    throw new TicketValidationError(
      `A ticket can have at most ${CUSTOM_FIELD_KEYS_MAX} custom fields (this would be ${keys}).`,
    );
  }
  const bytes = Buffer.byteLength(JSON.stringify(fields));
  if (bytes > CUSTOM_FIELDS_MAX_BYTES) {
    throw new TicketValidationError(
      `The custom fields would take ${bytes} bytes; the limit is ${CUSTOM_FIELDS_MAX_BYTES}.`,
      'Custom fields hold short values; put long text in the description or a note.',
    );
  }
  return fields;
}

/** Past this, a timeline entry records a preview and the size of a value, not the value itself. */
const TIMELINE_VALUE_MAX = 500;

function forTimeline(value: unknown): unknown {
  const json = JSON.stringify(value) ?? 'null';
  if (json.length <= TIMELINE_VALUE_MAX) return value;
  return { omitted: `${json.slice(0, 200)}…`, bytes: Buffer.byteLength(json) };
}

/**
 * Locks two tickets in a fixed order (by number), so two operations on the same pair in
 * opposite directions wait for each other instead of deadlocking.
 */
async function lockPair(tx: Queryable, first: string, second: string): Promise<[TicketRow, TicketRow]> {
  const [a, b] = [requireTicketNumber(first), requireTicketNumber(second)];
  if (a === b) throw new TicketValidationError('A ticket cannot be linked or merged with itself.');
  const [low, high] = a < b ? [a, b] : [b, a];
  const lowRow = await loadTicketRow(tx, low, true);
  const highRow = await loadTicketRow(tx, high, true);
  return a === low ? [lowRow, highRow] : [highRow, lowRow];
}

/** Loads the row for a write, refusing a stale expected version. */
async function lockForWrite(tx: Queryable, reference: string, expectedVersion: number | undefined): Promise<TicketRow> {
  const row = await loadTicketRow(tx, reference, true);
  if (expectedVersion !== undefined && row.version !== expectedVersion) {
    throw new TicketConflictError(row.number, expectedVersion, row.version);
  }
  return row;
}

function assertNotFinal(row: TicketRow, action: string): void {
  if (FINAL_STATUSES.includes(row.status)) {
    throw new TicketValidationError(
      `${row.number} is ${row.status}, so it cannot be ${action}.`,
      row.status === 'merged'
        ? `Work on ${row.merged_into_number} instead.`
        : 'Open a new ticket (or reply to it for a linked follow-up).',
    );
  }
}

async function reload(tx: Queryable, number: string): Promise<Ticket> {
  return toTicket(await loadTicketRow(tx, number));
}

/** Bumps the version and the update time: every change to a ticket goes through here. */
async function touch(tx: Queryable, id: string, sets: string[] = [], params: unknown[] = []): Promise<void> {
  const assignments = [...sets, 'version = version + 1', 'updated_at = now()'];
  await tx.query(`UPDATE tickets SET ${assignments.join(', ')} WHERE id = $${params.length + 1}`, [...params, id]);
}

export async function createTicket(
  store: Store,
  input: NewTicket,
  actor: Actor,
): Promise<{ ticket: Ticket; created: boolean }> {
  const title = cleanTitle(input.title);
  const description = checkLength(input.description ?? '', DESCRIPTION_MAX, 'description');
  const requester = input.requester.trim();
  if (!requester) throw new TicketValidationError('A ticket needs a requester.');
  const impact = input.impact ?? 3;
  const urgency = input.urgency ?? 2;
  const derived = priorityFor(impact, urgency);
  const priority = input.priority ?? derived;

  // What this create asks for: a key reused with other arguments is refused, as payment APIs do.
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        title,
        description,
        input.type ?? 'incident',
        impact,
        urgency,
        input.priority ?? null,
        input.category ?? null,
        requester,
        input.assignee ?? null,
        input.group ?? null,
        cleanTags(input.tags ?? []),
        input.customFields ?? {},
      ]),
    )
    .digest('hex');
  const earlier = async (tx: Queryable) => {
    const { rows } = await tx.query<{ number: string; idempotency_fingerprint: string | null }>(
      'SELECT number, idempotency_fingerprint FROM tickets WHERE idempotency_key = $1',
      [input.idempotencyKey],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.idempotency_fingerprint && row.idempotency_fingerprint !== fingerprint) {
      throw new IdempotencyKeyReusedError(row.number);
    }
    return { ticket: await reload(tx, row.number), created: false };
  };

  return store.transaction(async (tx) => {
    if (input.idempotencyKey) {
      const first = await earlier(tx);
      if (first) return first;
    }
    const category = input.category ? await findCategory(tx, input.category) : undefined;
    const group = input.group ? await findGroup(tx, input.group) : undefined;
    const assignee = input.assignee ? await findAgent(tx, input.assignee) : undefined;
    const now = new Date();
    const due = slaDueTimes(priority, now, 0);
    const inserted = await tx.query<{ id: string; number: string }>(
      `INSERT INTO tickets (title, description, type, impact, urgency, priority, priority_overridden, category_id, requester,
                            assignee_id, group_id, source, tags, custom_fields, first_response_due, resolution_due,
                            idempotency_key, created_at, updated_at, idempotency_fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id, number`,
      [
        title,
        description,
        input.type ?? 'incident',
        impact,
        urgency,
        priority,
        priority !== derived,
        category?.id ?? null,
        requester,
        assignee?.id ?? null,
        group?.id ?? category?.defaultGroupId ?? null,
        input.source ?? 'itbot',
        cleanTags(input.tags ?? []),
        JSON.stringify(checkCustomFields(input.customFields ?? {})),
        due.firstResponseDue,
        due.resolutionDue,
        input.idempotencyKey ?? null,
        now,
        input.idempotencyKey ? fingerprint : null,
      ],
    );
    const row = inserted.rows[0];
    if (!row) {
      // A concurrent create with the same key committed first: hand back its ticket (if it asked the same).
      const first = await earlier(tx);
      if (!first) throw new Error('a create with this idempotency key conflicted but its ticket is not visible');
      return first;
    }
    await appendEvent(tx, row.id, {
      kind: 'created',
      author: actor.name,
      authorKind: actor.kind,
      body: description || null,
    });
    return { ticket: await reload(tx, row.number), created: true };
  });
}

export interface TicketUpdate {
  title?: string;
  description?: string;
  type?: TicketType;
  impact?: Level;
  urgency?: Level;
  /** An explicit priority (recorded as an override); null goes back to the impact × urgency lookup. */
  priority?: TicketPriority | null;
  category?: string | null;
  addTags?: string[];
  removeTags?: string[];
  /** Merged into the existing custom fields; a null value removes the field. */
  customFields?: Record<string, unknown>;
}

/** Changes fields of a ticket, refusing the write if the ticket moved on since `expectedVersion`. */
export async function updateTicket(
  store: Store,
  reference: string,
  update: TicketUpdate,
  expectedVersion: number,
  actor: Actor,
): Promise<{ ticket: Ticket; changes: FieldChanges }> {
  return store.transaction(async (tx) => {
    const row = await lockForWrite(tx, reference, expectedVersion);
    assertNotFinal(row, 'edited');
    const changes: FieldChanges = {};
    const sets: string[] = [];
    const params: unknown[] = [];
    const set = (column: string, field: string, from: unknown, to: unknown, sqlValue: unknown = to) => {
      if (JSON.stringify(from) === JSON.stringify(to)) return;
      // Large values are summarised: copying them whole into every entry is how one ticket grew past what a client can read.
      changes[field] = { from: forTimeline(from), to: forTimeline(to) };
      params.push(sqlValue);
      sets.push(`${column} = $${params.length}`);
    };

    if (update.title !== undefined) set('title', 'title', row.title, cleanTitle(update.title));
    if (update.description !== undefined) {
      set(
        'description',
        'description',
        row.description,
        checkLength(update.description, DESCRIPTION_MAX, 'description'),
      );
    }
    if (update.type !== undefined) set('type', 'type', row.type, update.type);
    const impact = update.impact ?? row.impact;
    const urgency = update.urgency ?? row.urgency;
    set('impact', 'impact', row.impact, impact);
    set('urgency', 'urgency', row.urgency, urgency);
    const overridden = update.priority === undefined ? row.priority_overridden : update.priority !== null;
    const priority = update.priority ?? (overridden ? row.priority : priorityFor(impact, urgency));
    set('priority', 'priority', row.priority, priority);
    set('priority_overridden', 'priorityOverridden', row.priority_overridden, overridden);
    if (priority !== row.priority) {
      const due = slaDueTimes(priority, new Date(row.created_at), row.pending_seconds);
      params.push(due.firstResponseDue, due.resolutionDue);
      sets.push(`first_response_due = $${params.length - 1}`, `resolution_due = $${params.length}`);
    }
    if (update.category !== undefined) {
      const category = update.category === null ? null : await findCategory(tx, update.category);
      set('category_id', 'category', row.category_path, category?.path ?? null, category?.id ?? null);
    }
    if (update.addTags?.length || update.removeTags?.length) {
      const removed = new Set(cleanTags(update.removeTags ?? []));
      const tags = cleanTags([...row.tags, ...(update.addTags ?? [])]).filter((tag) => !removed.has(tag));
      set('tags', 'tags', row.tags, tags);
    }
    if (update.customFields) {
      const merged: Record<string, unknown> = { ...row.custom_fields };
      for (const [key, value] of Object.entries(update.customFields)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      checkCustomFields(merged);
      // The timeline records the fields that changed, not the whole set each time.
      const changedKeys = Object.keys({ ...row.custom_fields, ...merged }).filter(
        (key) => JSON.stringify(row.custom_fields[key]) !== JSON.stringify(merged[key]),
      );
      const pick = (fields: Record<string, unknown>) =>
        Object.fromEntries(changedKeys.filter((key) => key in fields).map((key) => [key, fields[key]]));
      if (changedKeys.length) {
        set('custom_fields', 'customFields', pick(row.custom_fields), pick(merged), JSON.stringify(merged));
      }
    }

    if (Object.keys(changes).length === 0) return { ticket: toTicket(row), changes };
    await touch(tx, row.id, sets, params);
    await appendEvent(tx, row.id, { kind: 'field', author: actor.name, authorKind: actor.kind, changes });
    return { ticket: await reload(tx, row.number), changes };
  });
}

export interface TransitionRequest {
  to: Exclude<TicketStatus, 'new' | 'merged'>;
  reason?: string;
  resolutionCode?: ResolutionCode;
  resolutionNotes?: string;
  expectedVersion?: number;
}

/** Moves a ticket through the status machine, with the bookkeeping each status needs (SLA, resolution). */
export async function transitionTicket(
  store: Store,
  reference: string,
  request: TransitionRequest,
  actor: Actor,
): Promise<Ticket> {
  if (request.reason) checkLength(request.reason, MESSAGE_MAX, 'reason');
  if (request.resolutionNotes) checkLength(request.resolutionNotes, MESSAGE_MAX, 'resolution notes');
  return store.transaction(async (tx) => {
    const row = await lockForWrite(tx, reference, request.expectedVersion);
    const now = new Date();
    assertTransition(
      row.number,
      row.status,
      request.to,
      request,
      row.resolved_at ? new Date(row.resolved_at) : null,
      now,
    );

    const sets = ['status = $1'];
    const params: unknown[] = [request.to];
    const add = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (row.status === 'pending') {
      // Time spent waiting on someone else does not count against the SLA: push the due times out.
      const pausedSeconds = Math.max(
        0,
        Math.round((now.getTime() - new Date(row.pending_since ?? now).getTime()) / 1000),
      );
      const total = row.pending_seconds + pausedSeconds;
      const due = slaDueTimes(row.priority, new Date(row.created_at), total);
      add('pending_seconds', total);
      add('resolution_due', due.resolutionDue);
      if (!row.first_responded_at) add('first_response_due', due.firstResponseDue);
      add('pending_since', null);
      add('pending_reason', null);
    }
    if (request.to === 'pending') {
      add('pending_since', now);
      add('pending_reason', request.reason?.trim());
    }
    if (request.to === 'resolved') {
      add('resolved_at', now);
      add('resolution_code', request.resolutionCode);
      add('resolution_notes', request.resolutionNotes?.trim() || null);
    }
    if (request.to === 'closed') add('closed_at', now);
    if (row.status === 'resolved' && request.to === 'open') {
      add('resolved_at', null);
      add('resolution_code', null);
      add('resolution_notes', null);
    }
    await touch(tx, row.id, sets, params);
    const changes: FieldChanges = { status: { from: row.status, to: request.to } };
    if (request.resolutionCode) changes.resolutionCode = { from: row.resolution_code, to: request.resolutionCode };
    const body = [request.reason?.trim(), request.resolutionNotes?.trim()].filter(Boolean).join('\n') || null;
    await appendEvent(tx, row.id, { kind: 'status', author: actor.name, authorKind: actor.kind, body, changes });
    return reload(tx, row.number);
  });
}

export interface ReplyResult {
  ticket: Ticket;
  /** Set when the ticket was closed: the reply opened this linked follow-up instead. */
  followUp: Ticket | null;
}

/** What a reply or note may say beside its text. */
export interface MessageOptions {
  /** Refuse the write if the ticket moved on since this version. */
  expectedVersion?: number;
  /** A retried reply or note with the same key is added once; the key reused for other text is refused. */
  idempotencyKey?: string;
}

/** What a keyed reply or note asked for: its kind, its ticket and its text. */
function messageFingerprint(kind: 'reply' | 'note', ticketNumber: string, body: string): string {
  return createHash('sha256')
    .update(JSON.stringify([kind, ticketNumber, body]))
    .digest('hex');
}

/**
 * Whether a reply or note with this key is already on a timeline: true when it asked the same,
 * refused when it asked something else. Runs after the ticket row is locked, so a concurrent
 * retry of the same write waits for the first and then sees it.
 */
async function earlierMessage(tx: Queryable, key: string, fingerprint: string): Promise<boolean> {
  const { rows } = await tx.query<{ number: string; kind: string; idempotency_fingerprint: string | null }>(
    `SELECT t.number, e.kind, e.idempotency_fingerprint FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
     WHERE e.idempotency_key = $1`,
    [key],
  );
  const row = rows[0];
  if (!row) return false;
  if (row.idempotency_fingerprint !== fingerprint) {
    throw new IdempotencyKeyReusedError(row.number, `add a ${row.kind} to ${row.number}`);
  }
  return true;
}

export interface ReplyResult {
  ticket: Ticket;
  /** Set when the ticket was closed: the reply opened this linked follow-up instead. */
  followUp: Ticket | null;
  /** False when the idempotency key matched a reply already on the timeline. */
  added: boolean;
}

/**
 * A public reply to the requester. The first one from the helpdesk stops the first-response
 * clock. A reply to a closed ticket cannot reopen it: it opens a linked follow-up ticket.
 */
export async function replyToTicket(
  store: Store,
  reference: string,
  text: string,
  actor: Actor,
  options: MessageOptions = {},
): Promise<ReplyResult> {
  const body = checkLength(text.trim(), MESSAGE_MAX, 'reply');
  if (!body) throw new TicketValidationError('The reply is empty.');
  const { idempotencyKey } = options;
  const outcome = await store.transaction(async (tx) => {
    const row = await lockForWrite(tx, reference, options.expectedVersion);
    if (row.status === 'closed') return { followUpOf: row, added: true };
    if (row.status === 'canceled' || row.status === 'merged') assertNotFinal(row, 'replied to');
    const fingerprint = messageFingerprint('reply', row.number, body);
    if (idempotencyKey && (await earlierMessage(tx, idempotencyKey, fingerprint))) {
      return { followUpOf: undefined, added: false };
    }
    const firstResponse = actor.kind !== 'requester' && !row.first_responded_at;
    await touch(tx, row.id, firstResponse ? ['first_responded_at = now()'] : []);
    await appendEvent(tx, row.id, {
      kind: 'reply',
      author: actor.name,
      authorKind: actor.kind,
      body,
      idempotencyKey,
      idempotencyFingerprint: fingerprint,
    });
    return { followUpOf: undefined, added: true };
  });
  const followUpOf = outcome.followUpOf;
  if (!followUpOf) return { ticket: await reload(store, reference), followUp: null, added: outcome.added };

  const followUp = await createTicket(
    store,
    {
      title: `Follow-up to ${followUpOf.number}: ${followUpOf.title}`.slice(0, TITLE_MAX),
      description: body,
      type: followUpOf.type,
      impact: followUpOf.impact,
      urgency: followUpOf.urgency,
      category: followUpOf.category_path ?? undefined,
      requester: followUpOf.requester,
      group: followUpOf.group_name ?? undefined,
      tags: followUpOf.tags,
      // A retried reply to a closed ticket finds the follow-up its first try opened.
      idempotencyKey: idempotencyKey ? `${idempotencyKey}:follow-up` : undefined,
    },
    actor,
  );
  await linkTickets(store, followUp.ticket.number, followUpOf.number, 'follow_up_of', actor);
  return {
    ticket: toTicket(followUpOf),
    followUp: await reload(store, followUp.ticket.number),
    added: followUp.created,
  };
}

/** An internal note: visible to the helpdesk only. */
export async function addInternalNote(
  store: Store,
  reference: string,
  text: string,
  actor: Actor,
  options: MessageOptions = {},
): Promise<{ ticket: Ticket; added: boolean }> {
  const body = checkLength(text.trim(), MESSAGE_MAX, 'note');
  if (!body) throw new TicketValidationError('The note is empty.');
  const { idempotencyKey } = options;
  return store.transaction(async (tx) => {
    const row = await lockForWrite(tx, reference, options.expectedVersion);
    const fingerprint = messageFingerprint('note', row.number, body);
    if (idempotencyKey && (await earlierMessage(tx, idempotencyKey, fingerprint))) {
      return { ticket: toTicket(row), added: false };
    }
    await touch(tx, row.id);
    await appendEvent(tx, row.id, {
      kind: 'note',
      author: actor.name,
      authorKind: actor.kind,
      visibility: 'internal',
      body,
      idempotencyKey,
      idempotencyFingerprint: fingerprint,
    });
    return { ticket: await reload(tx, row.number), added: true };
  });
}

export interface Assignment {
  /** A username, or null to unassign. Undefined leaves the assignee as it is. */
  assignee?: string | null;
  /** A group name, or null to clear. Undefined keeps it, or takes the assignee's group. */
  group?: string | null;
}

export async function assignTicket(
  store: Store,
  reference: string,
  assignment: Assignment,
  actor: Actor,
  expectedVersion?: number,
): Promise<Ticket> {
  return store.transaction(async (tx) => {
    const row = await lockForWrite(tx, reference, expectedVersion);
    assertNotFinal(row, 'assigned');
    const agent = assignment.assignee ? await findAgent(tx, assignment.assignee) : undefined;
    let group = assignment.group ? await findGroup(tx, assignment.group) : undefined;
    let groupId: string | null = assignment.group === null ? null : (group?.id ?? row.group_id);
    if (agent && groupId && !agent.groupIds.includes(String(groupId))) {
      if (assignment.group) {
        throw new TicketValidationError(
          `${agent.username} is not in the ${group?.name} group.`,
          'Assign to a member of that group (list_users with the group), or leave the group out.',
        );
      }
      groupId = null; // the ticket moves with the agent to their team
    }
    if (agent && !groupId) groupId = agent.groupIds[0] ?? null;
    if (!group && groupId) {
      const { rows } = await tx.query<{ name: string }>('SELECT name FROM groups WHERE id = $1', [groupId]);
      group = { id: groupId, name: rows[0]?.name as string };
    }
    const assigneeId = assignment.assignee === undefined ? row.assignee_id : (agent?.id ?? null);
    const changes: FieldChanges = {};
    const newAssignee = assignment.assignee === undefined ? row.assignee_username : (agent?.username ?? null);
    if (newAssignee !== row.assignee_username) changes.assignee = { from: row.assignee_username, to: newAssignee };
    const newGroup = groupId === null ? null : (group?.name ?? null);
    if (newGroup !== row.group_name) changes.group = { from: row.group_name, to: newGroup };
    if (Object.keys(changes).length === 0) return toTicket(row);
    await touch(tx, row.id, ['assignee_id = $1', 'group_id = $2'], [assigneeId, groupId]);
    await appendEvent(tx, row.id, { kind: 'assignment', author: actor.name, authorKind: actor.kind, changes });
    return reload(tx, row.number);
  });
}

/** Links two tickets ("from duplicate_of to"); both timelines record it. Linking twice is harmless. */
export async function linkTickets(
  store: Store,
  from: string,
  to: string,
  kind: LinkKind,
  actor: Actor,
): Promise<{ created: boolean }> {
  return store.transaction(async (tx) => {
    const [source, target] = await lockPair(tx, from, to);
    const inserted = await tx.query(
      `INSERT INTO ticket_links (from_ticket_id, to_ticket_id, kind) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING id`,
      [source.id, target.id, kind],
    );
    if (inserted.rows.length === 0) return { created: false };
    const link = { kind, from: source.number, to: target.number };
    for (const row of [source, target]) {
      await touch(tx, row.id);
      await appendEvent(tx, row.id, {
        kind: 'link',
        author: actor.name,
        authorKind: actor.kind,
        body: `${source.number} ${kind} ${target.number}`,
        changes: { link: { from: null, to: link } },
      });
    }
    return { created: true };
  });
}

/**
 * Merges a duplicate into the ticket that survives: the duplicate becomes "merged" and points at
 * the survivor, both timelines are kept and record the merge.
 */
export async function mergeTickets(
  store: Store,
  duplicate: string,
  survivor: string,
  actor: Actor,
): Promise<{ merged: Ticket; survivor: Ticket }> {
  return store.transaction(async (tx) => {
    const [from, into] = await lockPair(tx, duplicate, survivor);
    assertNotFinal(from, 'merged');
    assertNotFinal(into, 'merged into');
    // The status machine decides, as for every other status change (a resolved ticket may not be merged).
    assertMergeable(from.number, from.status, into.number, into.status);
    await touch(tx, from.id, ['status = $1', 'merged_into_id = $2'], ['merged', into.id]);
    await tx.query(
      `INSERT INTO ticket_links (from_ticket_id, to_ticket_id, kind) VALUES ($1, $2, 'duplicate_of') ON CONFLICT DO NOTHING`,
      [from.id, into.id],
    );
    await appendEvent(tx, from.id, {
      kind: 'merge',
      author: actor.name,
      authorKind: actor.kind,
      body: `Merged into ${into.number}`,
      changes: { status: { from: from.status, to: 'merged' }, mergedInto: { from: null, to: into.number } },
    });
    await touch(tx, into.id);
    await appendEvent(tx, into.id, {
      kind: 'merge',
      author: actor.name,
      authorKind: actor.kind,
      body: `${from.number} (${from.title}) was merged into this ticket`,
      changes: { mergedFrom: { from: null, to: from.number } },
    });
    return { merged: await reload(tx, from.number), survivor: await reload(tx, into.number) };
  });
}
