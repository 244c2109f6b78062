/**
 * vector vs halfvec, and maintenance_work_mem, for the embedded store's HNSW index: build time,
 * size and nearest-40 latency (exact and HNSW) over N chunk embeddings of a built bench index.
 *
 *   npx tsx bench/vector-types.ts DATA_DIR [N]
 *
 * DATA_DIR holds an embedded store (pgdata/) indexed by `itbot reindex` or the search bench.
 * It works on copies of the embeddings in scratch tables and drops them afterwards.
 */
import pgvector from 'pgvector';
import { summarize } from '../src/cli/bench-stats.js';
import { createHashedEmbedder } from '../src/knowledge/index.js';
import { openEmbeddedStore } from '../src/store/index.js';

const [dataDir, rowsArg] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: npx tsx bench/vector-types.ts DATA_DIR [N]');
const rows = Number(rowsArg ?? 20_000);
const store = await openEmbeddedStore({ dataDir, lockWaitMs: 0, purpose: 'bench vector types' });
const embedder = createHashedEmbedder();
const queries = (
  await embedder.embed(
    Array.from({ length: 100 }, (_, i) => `vpn printer outlook ${i} fails after an update`),
    'query',
  )
).map((vector) => pgvector.toSql(vector));

async function seconds(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return Math.round((performance.now() - started) / 100) / 10;
}

async function nearest(table: string, type: string) {
  const latencies: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await store.query(`SELECT id FROM ${table} ORDER BY embedding <=> $1::${type} LIMIT 40`, [query]);
    latencies.push(performance.now() - started);
  }
  return summarize(latencies);
}

try {
  for (const [type, memory] of [
    ['vector(768)', '64MB'],
    ['vector(768)', '1GB'],
    ['halfvec(768)', '1GB'],
  ] as const) {
    const ops = type.startsWith('half') ? 'halfvec_cosine_ops' : 'vector_cosine_ops';
    await store.exec(`DROP TABLE IF EXISTS bench_vectors;
      CREATE TABLE bench_vectors AS SELECT id, embedding::${type} AS embedding FROM kb_chunks ORDER BY id LIMIT ${rows};
      ANALYZE bench_vectors;`);
    const exact = await nearest('bench_vectors', type);
    const build = await store.transaction(async (tx) => {
      await tx.query(`SET LOCAL maintenance_work_mem = '${memory}'`);
      return seconds(() => tx.query(`CREATE INDEX bench_vectors_hnsw ON bench_vectors USING hnsw (embedding ${ops})`));
    });
    const hnsw = await nearest('bench_vectors', type);
    const { rows: size } = await store.query<{ table: string; index: string }>(
      `SELECT pg_size_pretty(pg_table_size('bench_vectors')) AS table, pg_size_pretty(pg_relation_size('bench_vectors_hnsw')) AS index`,
    );
    process.stdout.write(
      `${rows} × ${type}, maintenance_work_mem ${memory}: HNSW build ${build} s; table ${size[0]?.table}, index ${size[0]?.index}; ` +
        `nearest 40 exact p50 ${exact.p50Ms} / p95 ${exact.p95Ms} ms, HNSW p50 ${hnsw.p50Ms} / p95 ${hnsw.p95Ms} ms\n`,
    );
  }
} finally {
  await store.exec('DROP TABLE IF EXISTS bench_vectors');
  await store.close();
}
