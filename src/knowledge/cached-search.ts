import { createHash } from 'node:crypto';
import type { Cache } from '../cache/index.js';
import type { Queryable } from '../store/index.js';
import type { Embedder } from './embedder.js';
import { type KnowledgeHit, type SearchOptions, searchKnowledge } from './search.js';

/** Long enough for a burst of repeated questions (CI smoke tests, a team hitting one outage). */
const SEARCH_TTL_MS = 10 * 60_000;

async function indexVersion(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ version: string }>('SELECT version::text AS version FROM kb_index');
  return rows[0]?.version ?? 'empty';
}

/**
 * Knowledge search through the cache. The key carries the index version, so a reindex that
 * changed anything makes every older entry unreachable instead of stale.
 */
export async function searchKnowledgeCached(
  db: Queryable,
  embedder: Embedder,
  cache: Cache,
  query: string,
  options: SearchOptions = {},
): Promise<{ hits: KnowledgeHit[]; cached: boolean }> {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([query, options]))
    .digest('hex');
  const key = `search:${embedder.id}:${await indexVersion(db)}:${fingerprint}`;
  const cachedHits = await cache.get<KnowledgeHit[]>(key);
  if (cachedHits) return { hits: cachedHits, cached: true };
  const hits = await searchKnowledge(db, embedder, query, options);
  await cache.set(key, hits, SEARCH_TTL_MS);
  return { hits, cached: false };
}
