import type { Queryable } from '../store/index.js';

/**
 * Recorded as the index's embedder when the store has no vector extension: chunks carry no
 * embeddings and search is full-text alone.
 */
export const FULL_TEXT_ONLY = 'full-text-only';

/** Whether migrations could give kb_chunks its embedding column (pgvector was available). */
export async function storeHasVectors(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM information_schema.columns
       WHERE table_name = 'kb_chunks' AND column_name = 'embedding' AND table_schema = current_schema()
     ) AS present`,
  );
  return rows[0]?.present === true;
}
