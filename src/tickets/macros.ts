import { ExitCode, ItbotError } from '../errors.js';
import type { Queryable, Store } from '../store/index.js';
import { findUser } from './directory.js';
import { TicketValidationError } from './errors.js';
import { MESSAGE_MAX } from './model.js';
import { loadTicketRow } from './rows.js';

/**
 * Canned replies: named templates an agent (or the model) sends as a reply, with placeholders
 * filled from the ticket and the directory. An unknown placeholder is refused when the macro is
 * saved, so a macro that saved is one that can be used.
 */

export const MACRO_PLACEHOLDERS = {
  'requester.first_name': "the requester's first name",
  'requester.name': "the requester's full name",
  'ticket.number': 'the ticket number, e.g. IT-000123',
  'ticket.title': "the ticket's title",
  'article.link': 'a knowledge-base article, given when the macro is used',
  'agent.name': 'who sends it',
} as const;
export type MacroPlaceholder = keyof typeof MACRO_PLACEHOLDERS;

export interface Macro {
  name: string;
  body: string;
  placeholders: string[];
  createdBy: string;
  updatedAt: string;
}

export class MacroNotFoundError extends ItbotError {
  constructor(name: string, known: string[]) {
    super(
      `There is no macro "${name.slice(0, 80)}".`,
      ExitCode.notFound,
      known.length
        ? `Macros: ${known.join(', ')}.`
        : 'There are no macros yet: add one with `itbot macros add NAME TEXT`.',
    );
  }
}

const PLACEHOLDER = /\{([^{}\s]*)\}/g;
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function placeholdersIn(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

function checkMacro(name: string, body: string): void {
  if (!NAME.test(name))
    throw new TicketValidationError(
      `"${name.slice(0, 80)}" is not a macro name.`,
      'Use lower-case letters, digits, ".", "_" or "-" (up to 64), e.g. vpn-reset-steps.',
    );
  if (!body.trim()) throw new TicketValidationError('The macro text is empty.');
  if (body.length > MESSAGE_MAX) throw new TicketValidationError(`The macro text is over ${MESSAGE_MAX} characters.`);
  const unknown = placeholdersIn(body).filter((p) => !(p in MACRO_PLACEHOLDERS));
  if (unknown.length)
    throw new TicketValidationError(
      `Unknown placeholder${unknown.length > 1 ? 's' : ''}: ${unknown.map((p) => `{${p}}`).join(', ')}.`,
      `Placeholders: ${Object.keys(MACRO_PLACEHOLDERS)
        .map((p) => `{${p}}`)
        .join(', ')}.`,
    );
}

type MacroRow = { name: string; body: string; created_by: string; updated_at: Date | string };
const toMacro = (row: MacroRow): Macro => ({
  name: row.name,
  body: row.body,
  placeholders: placeholdersIn(row.body),
  createdBy: row.created_by,
  updatedAt: new Date(row.updated_at).toISOString(),
});

export async function listMacros(db: Queryable): Promise<Macro[]> {
  const { rows } = await db.query<MacroRow>('SELECT name, body, created_by, updated_at FROM macros ORDER BY name');
  return rows.map(toMacro);
}

export async function getMacro(db: Queryable, name: string): Promise<Macro> {
  const { rows } = await db.query<MacroRow>(
    'SELECT name, body, created_by, updated_at FROM macros WHERE name = lower($1)',
    [name.trim()],
  );
  if (rows[0]) return toMacro(rows[0]);
  throw new MacroNotFoundError(
    name,
    (await listMacros(db)).map((m) => m.name),
  );
}

/** Saves a macro; an existing name is refused unless replace is set. */
export async function saveMacro(
  store: Store,
  macro: { name: string; body: string; replace?: boolean },
  author: string,
): Promise<{ macro: Macro; replaced: boolean }> {
  checkMacro(macro.name, macro.body);
  return store.transaction(async (tx) => {
    const existing = await tx.query('SELECT 1 FROM macros WHERE name = $1 FOR UPDATE', [macro.name]);
    if (existing.rows.length && !macro.replace)
      throw new TicketValidationError(
        `A macro called "${macro.name}" exists already.`,
        'Pass replace (itbot macros add --replace) to change it.',
      );
    const { rows } = await tx.query<MacroRow>(
      `INSERT INTO macros (name, body, created_by) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET body = excluded.body, created_by = excluded.created_by, updated_at = now()
       RETURNING name, body, created_by, updated_at`,
      [macro.name, macro.body, author],
    );
    return { macro: toMacro(rows[0] as MacroRow), replaced: existing.rows.length > 0 };
  });
}

export async function removeMacro(db: Queryable, name: string): Promise<void> {
  const macro = await getMacro(db, name);
  await db.query('DELETE FROM macros WHERE name = $1', [macro.name]);
}

/** The macro's text for one ticket, every placeholder filled. */
export async function renderMacro(
  db: Queryable,
  name: string,
  reference: string,
  context: { agent: string; article?: string },
): Promise<string> {
  const macro = await getMacro(db, name);
  const ticket = await loadTicketRow(db, reference);
  const person = await findUser(db, ticket.requester);
  const fullName = person?.displayName ?? ticket.requester;
  const values: Record<MacroPlaceholder, string | undefined> = {
    'requester.first_name': fullName.split(/\s+/)[0],
    'requester.name': fullName,
    'ticket.number': ticket.number,
    'ticket.title': ticket.title,
    'article.link': context.article,
    'agent.name': context.agent,
  };
  if (macro.placeholders.includes('article.link') && !context.article)
    throw new TicketValidationError(
      `The macro "${macro.name}" links an article: say which one.`,
      'Give the article path, e.g. kb/network/vpn-error-809.md (itbot kb search WORDS finds it).',
    );
  return macro.body.replace(PLACEHOLDER, (whole, key: string) => values[key as MacroPlaceholder] ?? whole);
}
