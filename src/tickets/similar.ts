import { tokenize } from '../knowledge/text.js';
import type { Queryable } from '../store/index.js';
import { TicketValidationError } from './errors.js';
import type { Ticket, TicketPriority } from './model.js';
import { loadTicketRow, TICKET_SELECT, type TicketRow, toTicket } from './rows.js';

export interface SimilarTicket {
  ticket: Ticket;
  /** Full-text rank against the query ticket: only comparable within one answer. */
  score: number;
}

export interface SimilarTickets {
  /** Active tickets that look like the same problem: candidates to link or merge. */
  likelyDuplicates: SimilarTicket[];
  /** Resolved or closed tickets about the same thing, with how they were fixed. */
  pastResolutions: SimilarTicket[];
}

/** Days back in which an active ticket counts as a possible duplicate of a new report. */
const DUPLICATE_WINDOW_DAYS = 30;
const QUERY_TERMS = 24;

/** The words of a ticket that say what it is about, OR-ed so partial overlaps still rank. */
function similarityQuery(text: string): string {
  return [...new Set(tokenize(text))].slice(0, QUERY_TERMS).join(' | ');
}

async function rankedTickets(
  db: Queryable,
  words: string,
  statusCondition: string,
  excludeId: string | null,
  limit: number,
) {
  const { rows } = await db.query<TicketRow & { score: number }>(
    `WITH ranked AS (
       SELECT t.id, ts_rank(t.search, q.words, 1) AS score
       FROM tickets t, to_tsquery('english', $1) AS q(words)
       WHERE t.search @@ q.words AND ${statusCondition} AND ($2::bigint IS NULL OR t.id <> $2)
       ORDER BY score DESC, t.created_at DESC
       LIMIT $3
     )
     SELECT ticket.*, ranked.score FROM (${TICKET_SELECT}) ticket JOIN ranked ON ranked.id = ticket.id
     ORDER BY ranked.score DESC, ticket.created_at DESC`,
    [words, excludeId, limit],
  );
  return rows.map((row) => ({ ticket: toTicket(row), score: Math.round(Number(row.score) * 1000) / 1000 }));
}

/**
 * Tickets like a given ticket, or like a text about to become one: likely duplicates among recent
 * active tickets, and resolved ones whose fix may apply.
 */
export async function findSimilarTickets(
  db: Queryable,
  about: { ticket?: string; text?: string },
  limit = 5,
): Promise<SimilarTickets> {
  let text = about.text ?? '';
  let excludeId: string | null = null;
  if (about.ticket) {
    const row = await loadTicketRow(db, about.ticket);
    text = `${row.title} ${row.description} ${text}`;
    excludeId = row.id;
  }
  const words = similarityQuery(text);
  if (!words)
    throw new TicketValidationError(
      'Say what the ticket is about to find similar ones.',
      'Give a ticket number or a description.',
    );
  return {
    likelyDuplicates: await rankedTickets(
      db,
      words,
      `t.status IN ('new', 'open', 'pending') AND t.created_at > now() - interval '${DUPLICATE_WINDOW_DAYS} days'`,
      excludeId,
      limit,
    ),
    pastResolutions: await rankedTickets(
      db,
      words,
      `t.status IN ('resolved', 'closed') AND t.resolution_code IS NOT NULL`,
      excludeId,
      limit,
    ),
  };
}

export interface TriageSuggestion {
  category: string | null;
  priority: TicketPriority | null;
  /** Share of the neighbours' votes the suggestion got, 0–1. */
  confidence: { category: number; priority: number };
  /** The resolved tickets the suggestion is based on. */
  basedOn: string[];
}

/** Neighbours that vote on a suggestion; closer ones count more (1/rank). */
const TRIAGE_NEIGHBOURS = 7;

function vote<T extends string>(values: (T | null)[]): { value: T | null; share: number } {
  const tally = new Map<T, number>();
  let total = 0;
  values.forEach((value, i) => {
    const weight = 1 / (i + 1);
    total += weight;
    if (value) tally.set(value, (tally.get(value) ?? 0) + weight);
  });
  const [best] = [...tally.entries()].sort((a, b) => b[1] - a[1]);
  return best ? { value: best[0], share: Math.round((best[1] / total) * 100) / 100 } : { value: null, share: 0 };
}

/**
 * Category and priority for a new ticket, predicted from the nearest resolved tickets. Only a
 * suggestion: nothing is changed unless the caller applies it.
 */
export async function suggestTriage(
  db: Queryable,
  about: { ticket?: string; text?: string },
): Promise<TriageSuggestion> {
  const { pastResolutions } = await findSimilarTickets(db, about, TRIAGE_NEIGHBOURS);
  const category = vote(pastResolutions.map((n) => n.ticket.category));
  const priority = vote(pastResolutions.map((n) => n.ticket.priority));
  return {
    category: category.value,
    priority: priority.value,
    confidence: { category: category.share, priority: priority.share },
    basedOn: pastResolutions.map((n) => n.ticket.number),
  };
}
