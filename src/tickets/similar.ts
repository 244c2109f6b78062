import pgvector from 'pgvector';
import type { Embedder } from '../knowledge/index.js';
import { tokenize } from '../knowledge/text.js';
import type { Queryable } from '../store/index.js';
import { TicketValidationError } from './errors.js';
import type { Ticket, TicketPriority } from './model.js';
import { priorityFromWords } from './priority-cues.js';
import { loadTicketRow, TICKET_SELECT, type TicketRow, toTicket } from './rows.js';
import { ticketEmbeddingsAvailable, ticketText } from './ticket-embeddings.js';

export interface SimilarTicket {
  ticket: Ticket;
  /** Fused rank score (full text and embeddings), 1 when first on every side; 0–1. */
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
/** Reciprocal rank fusion constant, as in knowledge search. */
const RRF_K = 60;
/** Each side offers this many times the wanted number of tickets to the fusion. */
const CANDIDATE_FACTOR = 4;

/**
 * How much each side counts, set by `itbot eval triage` (README, "Similar tickets and triage"):
 * the local hashed embedder matches spelling, so its neighbours overlap the full-text ones.
 */
export const SIMILARITY_WEIGHTS = { text: 1, vector: 2 };

/** The words of a ticket that say what it is about, OR-ed so partial overlaps still rank. */
function similarityQuery(text: string): string {
  return [...new Set(tokenize(text))].slice(0, QUERY_TERMS).join(' | ');
}

/**
 * Full text and, when the query is embedded, ticket embeddings, fused by weighted reciprocal rank.
 * $1 tsquery text, $2 ticket to leave out, $3 limit, $4 query embedding or null, $5 embedder id.
 */
async function rankedTickets(
  db: Queryable,
  query: { words: string; embedding: string | null; embedderId: string | null },
  statusCondition: string,
  excludeId: string | null,
  limit: number,
  weights = SIMILARITY_WEIGHTS,
) {
  const withVectors = query.embedding !== null;
  const { rows } = await db.query<TicketRow & { score: number }>(
    `WITH by_text AS (
       SELECT t.id, row_number() OVER (ORDER BY ts_rank(t.search, q.words, 1) DESC, t.created_at DESC) AS rank
       FROM tickets t, to_tsquery('english', $1) AS q(words)
       WHERE t.search @@ q.words AND ${statusCondition} AND ($2::bigint IS NULL OR t.id <> $2)
       ORDER BY ts_rank(t.search, q.words, 1) DESC, t.created_at DESC
       LIMIT $3 * ${CANDIDATE_FACTOR}
     ),
     ${
       withVectors
         ? `by_vector AS (
       SELECT id, row_number() OVER (ORDER BY distance) AS rank FROM (
         SELECT t.id, e.embedding <=> $4::vector AS distance
         FROM ticket_embeddings e JOIN tickets t ON t.id = e.ticket_id
         WHERE e.embedder = $5 AND ${statusCondition} AND ($2::bigint IS NULL OR t.id <> $2)
         ORDER BY e.embedding <=> $4::vector
         LIMIT $3 * ${CANDIDATE_FACTOR}
       ) nearest
     ),`
         : ''
     }
     ranked AS (
       SELECT id, sum(weight / (${RRF_K} + rank)) AS score FROM (
         SELECT id, rank, ${Number(weights.text)}::float8 AS weight FROM by_text
         ${withVectors ? `UNION ALL SELECT id, rank, ${Number(weights.vector)}::float8 FROM by_vector` : ''}
       ) sides
       GROUP BY id ORDER BY score DESC LIMIT $3
     )
     SELECT ticket.*, ranked.score FROM (${TICKET_SELECT}) ticket JOIN ranked ON ranked.id = ticket.id
     ORDER BY ranked.score DESC, ticket.created_at DESC`,
    withVectors
      ? [query.words || 'nothingtomatch', excludeId, limit, query.embedding, query.embedderId]
      : [query.words || 'nothingtomatch', excludeId, limit],
  );
  const best = (weights.text + (withVectors ? weights.vector : 0)) / (RRF_K + 1);
  return rows.map((row) => ({ ticket: toTicket(row), score: Math.round((Number(row.score) / best) * 1000) / 1000 }));
}

export interface SimilarityOptions {
  /** Embeds the query and uses ticket embeddings (by the same embedder) beside full text. */
  embedder?: Embedder;
  /** Overrides SIMILARITY_WEIGHTS; for measuring. */
  weights?: { text: number; vector: number };
}

/**
 * Tickets like a given ticket, or like a text about to become one: likely duplicates among recent
 * active tickets, and resolved ones whose fix may apply.
 */
export async function findSimilarTickets(
  db: Queryable,
  about: { ticket?: string; text?: string },
  limit = 5,
  options: SimilarityOptions = {},
): Promise<SimilarTickets> {
  let text = about.text ?? '';
  let excludeId: string | null = null;
  if (about.ticket) {
    const row = await loadTicketRow(db, about.ticket);
    text = `${ticketText(row)} ${text}`;
    excludeId = row.id;
  }
  const words = similarityQuery(text);
  if (!words)
    throw new TicketValidationError(
      'Say what the ticket is about to find similar ones.',
      'Give a ticket number or a description.',
    );
  const { embedder } = options;
  const embedding =
    embedder && (await ticketEmbeddingsAvailable(db))
      ? pgvector.toSql((await embedder.embed([text], 'query'))[0])
      : null;
  const query = { words, embedding, embedderId: embedder?.id ?? null };
  return {
    likelyDuplicates: await rankedTickets(
      db,
      query,
      `t.status IN ('new', 'open', 'pending') AND t.created_at > now() - interval '${DUPLICATE_WINDOW_DAYS} days'`,
      excludeId,
      limit,
      options.weights,
    ),
    pastResolutions: await rankedTickets(
      db,
      query,
      `t.status IN ('resolved', 'closed') AND t.resolution_code IS NOT NULL`,
      excludeId,
      limit,
      options.weights,
    ),
  };
}

export interface TriageSuggestion {
  category: string | null;
  priority: TicketPriority;
  /** Share of the neighbours' votes that agree with the suggestion, 0–1. */
  confidence: { category: number; priority: number };
  /** The phrases in the report that set its priority (impact and urgency cues), if any. */
  priorityCues: string[];
  /** The neighbours' vote on priority, whatever the words said. */
  neighbourPriority: TicketPriority | null;
  /** The resolved tickets the suggestion is based on. */
  basedOn: string[];
}

/** Neighbours that vote on a suggestion. */
const TRIAGE_NEIGHBOURS = 7;

/** Each value's share of the neighbours' votes; closer neighbours count more (1/rank). */
function voteShares<T extends string>(values: (T | null)[]): Map<T, number> {
  const tally = new Map<T, number>();
  let total = 0;
  values.forEach((value, i) => {
    const weight = 1 / (i + 1);
    total += weight;
    if (value) tally.set(value, (tally.get(value) ?? 0) + weight);
  });
  for (const [value, weight] of tally) tally.set(value, Math.round((weight / total) * 100) / 100);
  return tally;
}

function winner<T extends string>(shares: Map<T, number>): { value: T | null; share: number } {
  const [best] = [...shares.entries()].sort((a, b) => b[1] - a[1]);
  return best ? { value: best[0], share: best[1] } : { value: null, share: 0 };
}

/**
 * Category and priority for a new ticket: the category from the nearest resolved tickets; the
 * priority from the report's own impact and urgency cues (P3 when it has none), which `itbot eval
 * triage` measured above both the neighbours' vote and always guessing the commonest (README).
 * Only a suggestion: nothing is changed unless the caller applies it.
 */
export async function suggestTriage(
  db: Queryable,
  about: { ticket?: string; text?: string },
  options: SimilarityOptions = {},
): Promise<TriageSuggestion> {
  const { pastResolutions } = await findSimilarTickets(db, about, TRIAGE_NEIGHBOURS, options);
  const category = winner(voteShares(pastResolutions.map((n) => n.ticket.category)));
  const priorityShares = voteShares(pastResolutions.map((n) => n.ticket.priority));
  const reportText = about.ticket ? ticketText(await loadTicketRow(db, about.ticket)) : (about.text ?? '');
  const fromWords = priorityFromWords(reportText);
  return {
    category: category.value,
    priority: fromWords.priority,
    confidence: { category: category.share, priority: priorityShares.get(fromWords.priority) ?? 0 },
    priorityCues: fromWords.cues,
    neighbourPriority: winner(priorityShares).value,
    basedOn: pastResolutions.map((n) => n.ticket.number),
  };
}
