/**
 * vector vs halfvec, and maintenance_work_mem, for the embedded store's HNSW index: build time,
 * size and nearest-40 latency (exact and HNSW) over N chunk embeddings of a built bench index.
 *
 *   npx tsx bench/vector-types.ts DATA_DIR [N]
 *   VARIANTS='vector,1GB,64;vector,1GB,32' npx tsx bench/vector-types.ts DATA_DIR [N]
 *     (column type, maintenance_work_mem, ef_construction per variant)
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

/** Latency of the 40 nearest, and the ids found (to compare HNSW's answers with exact ones). */
async function nearest(table: string, type: string) {
  const latencies: number[] = [];
  const found: Set<string>[] = [];
  for (const query of queries) {
    const started = performance.now();
    const { rows } = await store.query<{ id: string }>(
      `SELECT id FROM ${table} ORDER BY embedding <=> $1::${type} LIMIT 40`,
      [query],
    );
    latencies.push(performance.now() - started);
    found.push(new Set(rows.map((row) => String(row.id))));
  }
  return { ...summarize(latencies), found };
}

/** Share of the exact 40 nearest that HNSW returned, over all queries. */
function recall(exact: Set<string>[], approximate: Set<string>[]): number {
  let hits = 0;
  let total = 0;
  exact.forEach((ids, i) => {
    for (const id of ids) if (approximate[i]?.has(id)) hits++;
    total += ids.size;
  });
  return Math.round((hits / total) * 1000) / 1000;
}

try {
  const variants = (process.env.VARIANTS ?? 'vector,64MB,64;vector,1GB,64;halfvec,1GB,64')
    .split(';')
    .map((variant) => variant.split(',') as [string, string, string]);
  for (const [base, memory, efConstruction] of variants) {
    const type = `${base}(768)`;
    const ops = type.startsWith('half') ? 'halfvec_cosine_ops' : 'vector_cosine_ops';
    await store.exec(`DROP TABLE IF EXISTS bench_vectors;
      CREATE TABLE bench_vectors AS SELECT id, embedding::${type} AS embedding FROM kb_chunks ORDER BY id LIMIT ${rows};
      ANALYZE bench_vectors;`);
    const exact = await nearest('bench_vectors', type);
    const build = await store.transaction(async (tx) => {
      await tx.query(`SET LOCAL maintenance_work_mem = '${memory}'`);
      return seconds(() =>
        tx.query(
          `CREATE INDEX bench_vectors_hnsw ON bench_vectors USING hnsw (embedding ${ops}) WITH (ef_construction = ${Number(efConstruction)})`,
        ),
      );
    });
    const hnsw = await nearest('bench_vectors', type);
    const { rows: size } = await store.query<{ table: string; index: string }>(
      `SELECT pg_size_pretty(pg_table_size('bench_vectors')) AS table, pg_size_pretty(pg_relation_size('bench_vectors_hnsw')) AS index`,
    );
    process.stdout.write(
      `${rows} × ${type}, maintenance_work_mem ${memory}, ef_construction ${efConstruction}: HNSW build ${build} s; ` +
        `table ${size[0]?.table}, index ${size[0]?.index}; nearest 40 exact p50 ${exact.p50Ms} / p95 ${exact.p95Ms} ms, ` +
        `HNSW p50 ${hnsw.p50Ms} / p95 ${hnsw.p95Ms} ms, recall@40 ${recall(exact.found, hnsw.found)}\n`,
    );
  }
} finally {
  await store.exec('DROP TABLE IF EXISTS bench_vectors');
  await store.close();
}
