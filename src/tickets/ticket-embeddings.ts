import { createHash } from 'node:crypto';
import pgvector from 'pgvector';
import type { Embedder } from '../knowledge/index.js';
import type { Queryable } from '../store/index.js';

/** Texts per embedder call (Gemini's batch limit). */
const BATCH = 100;

/** What is embedded for a ticket: what the reporter said, not what was done about it. */
export const ticketText = (ticket: { title: string; description: string }) => `${ticket.title}\n${ticket.description}`;

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

/** Whether the store has the ticket_embeddings table (pgvector was available to sql/004). */
export async function ticketEmbeddingsAvailable(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(
    "SELECT to_regclass('ticket_embeddings') IS NOT NULL AS present",
  );
  return rows[0]?.present === true;
}

/** Gives the embedding column the embedder's width; embeddings of another width are dropped. */
async function matchWidth(db: Queryable, dimensions: number): Promise<void> {
  const { rows } = await db.query<{ width: number }>(
    `SELECT atttypmod AS width FROM pg_attribute
     WHERE attrelid = 'ticket_embeddings'::regclass AND attname = 'embedding'`,
  );
  if (rows[0]?.width === dimensions) return;
  await db.exec(`
    DELETE FROM ticket_embeddings;
    DROP INDEX IF EXISTS ticket_embeddings_embedding_idx;
    ALTER TABLE ticket_embeddings ALTER COLUMN embedding TYPE vector(${Number(dimensions)});
    CREATE INDEX ticket_embeddings_embedding_idx ON ticket_embeddings USING hnsw (embedding vector_cosine_ops);`);
}

/**
 * Embeds tickets whose title or description changed since they were last embedded, or that were
 * embedded by another embedder: the given ones (by number, e.g. IT-000123), or every ticket.
 * Returns how many were embedded.
 */
export async function embedTickets(db: Queryable, embedder: Embedder, numbers?: string[]): Promise<number> {
  if (!(await ticketEmbeddingsAvailable(db))) return 0;
  await matchWidth(db, embedder.dimensions);
  const { rows } = await db.query<{
    id: string;
    title: string;
    description: string;
    embedder: string | null;
    text_hash: string | null;
  }>(
    `SELECT t.id, t.title, t.description, e.embedder, e.text_hash
     FROM tickets t LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id
     WHERE $1::text[] IS NULL OR t.number = ANY($1::text[])`,
    [numbers ?? null],
  );
  const stale = rows
    .map((row) => ({ id: row.id, text: ticketText(row), row }))
    .filter(({ text, row }) => row.embedder !== embedder.id || row.text_hash !== hashOf(text));
  for (let start = 0; start < stale.length; start += BATCH) {
    const batch = stale.slice(start, start + BATCH);
    const vectors = await embedder.embed(
      batch.map((ticket) => ticket.text),
      'document',
    );
    const params: unknown[] = [embedder.id];
    const values = batch.map((ticket, i) => {
      params.push(ticket.id, hashOf(ticket.text), pgvector.toSql(vectors[i]));
      const n = params.length;
      return `($${n - 2}::bigint, $1, $${n - 1}, $${n}::vector)`;
    });
    await db.query(
      `INSERT INTO ticket_embeddings (ticket_id, embedder, text_hash, embedding) VALUES ${values.join(', ')}
       ON CONFLICT (ticket_id) DO UPDATE SET embedder = excluded.embedder, text_hash = excluded.text_hash,
         embedding = excluded.embedding`,
      params,
    );
  }
  return stale.length;
}

/**
 * After a ticket is created or its text changed. Never fails the write it follows: a ticket left
 * unembedded (the embedding service down) is still found by full text, and the next
 * `itbot reindex` embeds it.
 */
export async function embedTicketAfterWrite(db: Queryable, embedder: Embedder | undefined, number: string) {
  if (!embedder) return;
  try {
    await embedTickets(db, embedder, [number]);
  } catch (error) {
    process.stderr.write(`itbot: ticket ${number} was saved but not embedded: ${(error as Error).message}\n`);
  }
}
