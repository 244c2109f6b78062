import pgvector from 'pgvector';
import type { Store } from '../store/index.js';
import type { Embedder } from './embedder.js';

const BATCH = 100;

/**
 * Re-embeds every indexed chunk with a new embedder, from the text already in the index (so every
 * source is covered, not just the directory being reindexed). One transaction: until it commits,
 * searches keep using the old vectors with the old embedder, never a mix.
 */
export async function reembedIndex(store: Store, embedder: Embedder): Promise<number> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string; heading: string; content: string }>(
      'SELECT id, heading, content FROM kb_chunks ORDER BY id',
    );
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH);
      const vectors = await embedder.embed(
        batch.map((row) => `${row.heading}\n${row.content}`),
        'document',
      );
      const params: unknown[] = [];
      const values = batch.map((row, i) => {
        params.push(row.id, pgvector.toSql(vectors[i]));
        return `($${params.length - 1}::bigint, $${params.length}::vector)`;
      });
      await tx.query(
        `UPDATE kb_chunks SET embedding = v.embedding FROM (VALUES ${values.join(', ')}) AS v(id, embedding) WHERE kb_chunks.id = v.id`,
        params,
      );
    }
    await tx.query('UPDATE kb_index SET embedder = $1, dimensions = $2, version = version + 1, updated_at = now()', [
      embedder.id,
      embedder.dimensions,
    ]);
    return rows.length;
  });
}
