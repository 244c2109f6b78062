import { createHash } from 'node:crypto';
import path from 'node:path';
import { ExitCode, ItbotError } from '../errors.js';
import type { Queryable, Store } from '../store/index.js';
import { CONTENT_TYPE_PATTERN, guessContentType } from './content-type.js';
import { IdempotencyKeyReusedError, TicketValidationError } from './errors.js';
import type { Actor, AuthorKind, Ticket } from './model.js';
import { appendEvent, loadTicketRow, toTicket } from './rows.js';

/** A file kept with a ticket; its bytes are fetched on their own (getAttachment). */
export interface Attachment {
  id: string;
  ticket: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  author: string;
  authorKind: AuthorKind;
  createdAt: string;
}

export interface NewAttachment {
  filename: string;
  /** Guessed from the file name when left out. */
  contentType?: string;
  content: Uint8Array;
  /** A retried add with the same key stores the file once; the key reused for another file is refused. */
  idempotencyKey?: string;
  /** An internal note added with it in the same change (the log analysis of a text log). */
  note?: string;
}

export class AttachmentNotFoundError extends ItbotError {
  constructor(ticket: string, id: string, known: string[]) {
    super(
      `${ticket} has no attachment ${id}.`,
      ExitCode.notFound,
      known.length ? `Its attachments: ${known.join(', ')}.` : `${ticket} has no attachments.`,
    );
  }
}

/** 1.5 MiB, 12.0 KiB, 300 B: sizes as a person reads them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Only the name, never a path: a file name from a client must not say where it came from or go. */
export function cleanFilename(name: string): string {
  const printable = [...name].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f).join('');
  const base = path.basename(printable.replace(/\\/g, '/')).trim();
  if (!base || base === '.' || base === '..')
    throw new TicketValidationError(`"${name.slice(0, 80)}" is not a usable file name.`, 'Give the file a name.');
  if (base.length > 255) throw new TicketValidationError('The file name is longer than 255 characters.');
  return base;
}

function checkContentType(contentType: string | undefined, filename: string): string {
  const type = (contentType ?? '').trim().toLowerCase() || guessContentType(filename);
  if (type.length > 127 || !CONTENT_TYPE_PATTERN.test(type))
    throw new TicketValidationError(
      `"${type.slice(0, 80)}" is not a content type.`,
      'Give one like text/plain or image/png, or leave it out to guess from the file name.',
    );
  return type;
}

export function checkAttachmentSize(size: number, maxBytes: number, filename: string): void {
  if (size <= maxBytes) return;
  // Just over the limit reads "5.0 MiB … limited to 5.0 MiB" when rounded: then say the bytes.
  const exact = formatBytes(size) === formatBytes(maxBytes);
  const shown = (bytes: number) => (exact ? `${bytes} bytes` : formatBytes(bytes));
  throw new TicketValidationError(
    `${filename} is ${shown(size)}; attachments are limited to ${shown(maxBytes)}, so nothing was attached.`,
    'Attach a smaller file (compress it, or cut a log to the part around the error); the limit is ITBOT_ATTACHMENT_MAX_BYTES on the ticket server.',
  );
}

interface AttachmentRow {
  id: string;
  number: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  author: string;
  author_kind: AuthorKind;
  created_at: Date | string;
}

const ATTACHMENT_SELECT = `SELECT a.id::text AS id, t.number, a.filename, a.content_type, a.size, a.sha256, a.author,
  a.author_kind, a.created_at FROM ticket_attachments a JOIN tickets t ON t.id = a.ticket_id`;

function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: String(row.id),
    ticket: row.number,
    filename: row.filename,
    contentType: row.content_type,
    size: Number(row.size),
    sha256: row.sha256,
    author: row.author,
    authorKind: row.author_kind,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The first attachment stored with this key, when it asked for the same file; refused otherwise. */
async function earlierAttachment(tx: Queryable, key: string, fingerprint: string): Promise<Attachment | undefined> {
  const { rows } = await tx.query<AttachmentRow & { idempotency_fingerprint: string | null }>(
    `${ATTACHMENT_SELECT.replace('a.created_at FROM', 'a.created_at, a.idempotency_fingerprint FROM')} WHERE a.idempotency_key = $1`,
    [key],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.idempotency_fingerprint !== fingerprint)
    throw new IdempotencyKeyReusedError(row.number, `attach ${row.filename} to ${row.number}`);
  return toAttachment(row);
}

/**
 * Stores a file with a ticket and says so on its timeline (plus the optional note), in one
 * transaction: one version per timeline event, as every ticket write does.
 */
export async function addAttachment(
  store: Store,
  reference: string,
  input: NewAttachment,
  actor: Actor,
  maxBytes: number,
): Promise<{ attachment: Attachment; ticket: Ticket; added: boolean }> {
  const filename = cleanFilename(input.filename);
  const contentType = checkContentType(input.contentType, filename);
  const content = Buffer.from(input.content.buffer, input.content.byteOffset, input.content.byteLength);
  checkAttachmentSize(content.byteLength, maxBytes, filename);
  const sha256 = createHash('sha256').update(content).digest('hex');
  return store.transaction(async (tx) => {
    const row = await loadTicketRow(tx, reference, true);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([row.number, filename, contentType, sha256]))
      .digest('hex');
    const key = input.idempotencyKey;
    const earlier = key ? await earlierAttachment(tx, key, fingerprint) : undefined;
    if (earlier) return { attachment: earlier, ticket: toTicket(row), added: false };
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO ticket_attachments (ticket_id, filename, content_type, size, content, sha256, author, author_kind,
                                       idempotency_key, idempotency_fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text AS id`,
      [
        row.id,
        filename,
        contentType,
        content.byteLength,
        content,
        sha256,
        actor.name,
        actor.kind,
        key ?? null,
        key ? fingerprint : null,
      ],
    );
    const id = rows[0]?.id as string;
    const body = `Attached ${filename} (${contentType}, ${formatBytes(content.byteLength)}) as attachment ${id}`;
    await appendEvent(tx, row.id, { kind: 'attachment', author: actor.name, authorKind: actor.kind, body });
    const note = input.note?.trim();
    if (note) {
      await appendEvent(tx, row.id, {
        kind: 'note',
        author: actor.name,
        authorKind: actor.kind,
        visibility: 'internal',
        body: note,
      });
    }
    await tx.query('UPDATE tickets SET version = version + $2, updated_at = now() WHERE id = $1', [
      row.id,
      note ? 2 : 1,
    ]);
    const attachment = (await listAttachmentsOf(tx, row.number)).find((a) => a.id === id) as Attachment;
    return { attachment, ticket: toTicket(await loadTicketRow(tx, row.number)), added: true };
  });
}

async function listAttachmentsOf(db: Queryable, number: string): Promise<Attachment[]> {
  const { rows } = await db.query<AttachmentRow>(`${ATTACHMENT_SELECT} WHERE t.number = $1 ORDER BY a.id`, [number]);
  return rows.map(toAttachment);
}

/** A ticket's attachments, oldest first, without their bytes. */
export async function listAttachments(db: Queryable, reference: string): Promise<Attachment[]> {
  const row = await loadTicketRow(db, reference);
  return listAttachmentsOf(db, row.number);
}

/** One attachment with its bytes; the id must belong to that ticket. */
export async function getAttachment(
  db: Queryable,
  reference: string,
  id: string,
): Promise<{ attachment: Attachment; content: Buffer }> {
  const row = await loadTicketRow(db, reference);
  const wanted = /^\d{1,18}$/.test(id.trim()) ? id.trim() : undefined;
  const { rows } = wanted
    ? await db.query<AttachmentRow & { content: Uint8Array }>(
        `${ATTACHMENT_SELECT.replace('FROM', ', a.content FROM')} WHERE t.number = $1 AND a.id = $2`,
        [row.number, wanted],
      )
    : { rows: [] };
  const found = rows[0];
  if (!found) {
    const known = (await listAttachmentsOf(db, row.number)).map((a) => `${a.id} (${a.filename})`);
    throw new AttachmentNotFoundError(row.number, id.slice(0, 40), known);
  }
  return {
    attachment: toAttachment(found),
    content: Buffer.from(found.content.buffer, found.content.byteOffset, found.content.byteLength),
  };
}
