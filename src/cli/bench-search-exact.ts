import pgvector from 'pgvector';
import type { Embedder } from '../knowledge/index.js';
import type { Queryable, Store } from '../store/index.js';
import { type LatencySummary, summarize, timed } from './bench-stats.js';

/** How many of HNSW's nearest chunks (k of them, at this ef_search) are among the exact k nearest. */
export interface VectorRecall {
  k: number;
  efSearch: number;
  /** Mean over the queries of |HNSW ∩ exact| / k. */
  recall: number;
  /** The nearest-k query alone, through the index. */
  latency: LatencySummary;
  /** Whether the plan walked the HNSW index (sequential scans are switched off for this measurement). */
  usedIndex: boolean;
}

export interface ExactComparison {
  /** The whole knowledge search, with the HNSW index and without it, one pair per round. */
  rounds: { hnsw: LatencySummary; exact: LatencySummary }[];
  /** Of the top results the search returns with HNSW, the share it also returns exactly. */
  resultRecall: number;
  vector: VectorRecall[];
}

/** Rounds of HNSW-then-exact searches, alternating so a shared machine's load falls on both alike. */
export const EXACT_ROUNDS = 3;

/** pgvector's default (40 asked for, ef_search 40), what knowledge search asks for (80 at 80), and more effort. */
export const RECALL_SETTINGS: readonly { k: number; efSearch: number }[] = [
  { k: 40, efSearch: 40 },
  { k: 80, efSearch: 80 },
  { k: 80, efSearch: 160 },
  { k: 80, efSearch: 320 },
];

/** |found ∩ truth| / |truth|, 1 when there is nothing to find. */
export function recallOf(found: readonly string[], truth: readonly string[]): number {
  if (truth.length === 0) return 1;
  const wanted = new Set(truth);
  return found.filter((id) => wanted.has(id)).length / truth.length;
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1000) / 1000;
}

async function nearest(db: Queryable, vector: string, k: number): Promise<string[]> {
  // A literal LIMIT: with a parameter there the planner may choose to compare every vector.
  const { rows } = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM kb_chunks ORDER BY embedding <=> $1::vector LIMIT ${Math.trunc(k)}`,
    [vector],
  );
  return rows.map((row) => row.id);
}

/** Thrown to roll back the transaction that dropped the index. */
class Restore extends Error {}

/**
 * HNSW against exact search on the same index and queries. Each round times the searches with
 * the index, then drops it inside a transaction, times them again and rolls the drop back, so one
 * build serves every round. The vector side's recall is measured at each RECALL_SETTINGS entry.
 * `searchTop` runs one knowledge search on `db` and names its results in order.
 */
export async function compareWithExact(
  store: Store,
  embedder: Embedder,
  queries: readonly string[],
  searchTop: (db: Queryable, query: string) => Promise<string[]>,
): Promise<ExactComparison> {
  const vectors = await Promise.all(
    queries.map(async (text) => pgvector.toSql((await embedder.embed([text], 'query'))[0]) as string),
  );
  const found = new Map<string, string[][]>();
  const times = new Map<string, number[]>();
  const usedIndex = new Map<string, boolean>();
  // Left to itself the planner compares every vector for some k and ef_search (measured: nearest
  // 80 at ef_search 80 at 10k chunks), which would measure exact search as HNSW's recall.
  // The embedded store is one session, so session settings hold for the queries below.
  await store.query("SELECT set_config('enable_seqscan', 'off', false)");
  for (const setting of RECALL_SETTINGS) {
    const key = `${setting.k}@${setting.efSearch}`;
    await store.query(`SELECT set_config('hnsw.ef_search', '${setting.efSearch}', false)`);
    const plan = await store.query<Record<string, string>>(
      `EXPLAIN SELECT id FROM kb_chunks ORDER BY embedding <=> $1::vector LIMIT ${Math.trunc(setting.k)}`,
      [vectors[0] ?? '[]'],
    );
    usedIndex.set(
      key,
      plan.rows.some((row) => Object.values(row).join(' ').includes('kb_chunks_embedding_idx')),
    );
    const lists: string[][] = [];
    const latencies: number[] = [];
    for (const vector of vectors) lists.push(await timed(() => nearest(store, vector, setting.k), latencies));
    found.set(key, lists);
    times.set(key, latencies);
  }
  await store.query("SELECT set_config('hnsw.ef_search', '40', false)");
  await store.query("SELECT set_config('enable_seqscan', 'on', false)");

  const maxK = Math.max(...RECALL_SETTINGS.map((s) => s.k));
  const rounds: ExactComparison['rounds'] = [];
  const hnswTop: string[][] = [];
  const exactTop: string[][] = [];
  const exactNearest: string[][] = [];
  for (let round = 0; round < EXACT_ROUNDS; round++) {
    const hnswTimes: number[] = [];
    for (const text of queries) {
      const top = await timed(() => searchTop(store, text), hnswTimes);
      if (round === 0) hnswTop.push(top);
    }
    const exactTimes: number[] = [];
    await store
      .transaction(async (tx) => {
        await tx.query('DROP INDEX kb_chunks_embedding_idx');
        for (const text of queries) {
          const top = await timed(() => searchTop(tx, text), exactTimes);
          if (round === 0) exactTop.push(top);
        }
        if (round === 0) for (const vector of vectors) exactNearest.push(await nearest(tx, vector, maxK));
        throw new Restore();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Restore)) throw error;
      });
    rounds.push({ hnsw: summarize(hnswTimes), exact: summarize(exactTimes) });
  }

  return {
    rounds,
    resultRecall: mean(queries.map((_, i) => recallOf(hnswTop[i] ?? [], exactTop[i] ?? []))),
    vector: RECALL_SETTINGS.map((setting) => {
      const key = `${setting.k}@${setting.efSearch}`;
      const lists = found.get(key) ?? [];
      return {
        ...setting,
        recall: mean(lists.map((list, i) => recallOf(list, (exactNearest[i] ?? []).slice(0, setting.k)))),
        latency: summarize(times.get(key) ?? []),
        usedIndex: usedIndex.get(key) === true,
      };
    }),
  };
}
