import fs from 'node:fs';
import { UsageError } from '../errors.js';
import type { Queryable } from '../store/index.js';
import type { Embedder } from './embedder.js';
import { type SearchTuning, searchKnowledge } from './search.js';

export interface LabelledQuery {
  id: string;
  query: string;
  /** Paths of the documents that answer it. */
  relevant: string[];
}

export interface QueryScore {
  id: string;
  query: string;
  /** 1-based rank of the first relevant document, or null when it is not in the top 10. */
  firstRelevantRank: number | null;
  top: string[];
}

export interface RetrievalReport {
  queries: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
  perQuery: QueryScore[];
}

export function readLabelledQueries(file: string): LabelledQuery[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the query file ${file}.`);
  }
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line, index) => {
      try {
        const parsed = JSON.parse(line) as LabelledQuery;
        if (typeof parsed.query !== 'string' || !Array.isArray(parsed.relevant)) throw new Error('shape');
        return { id: String(parsed.id ?? index + 1), query: parsed.query, relevant: parsed.relevant };
      } catch {
        throw new UsageError(`Line ${index + 1} of ${file} is not {"id","query","relevant":[paths]} JSON.`);
      }
    });
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Recall@k counts a query as found when any relevant document is in the top k (one hit per document). */
export async function evaluateRetrieval(
  db: Queryable,
  embedder: Embedder,
  queries: LabelledQuery[],
  options: { sources?: string[]; tuning?: SearchTuning } = {},
): Promise<RetrievalReport> {
  const perQuery: QueryScore[] = [];
  for (const labelled of queries) {
    const hits = await searchKnowledge(
      db,
      embedder,
      labelled.query,
      { limit: 10, sources: options.sources },
      options.tuning,
    );
    const top = hits.map((hit) => hit.path);
    const index = top.findIndex((path) => labelled.relevant.includes(path));
    perQuery.push({ id: labelled.id, query: labelled.query, firstRelevantRank: index === -1 ? null : index + 1, top });
  }
  const recallAt = (k: number) =>
    perQuery.filter((q) => q.firstRelevantRank !== null && q.firstRelevantRank <= k).length / (perQuery.length || 1);
  return {
    queries: perQuery.length,
    recallAt1: round(recallAt(1)),
    recallAt5: round(recallAt(5)),
    recallAt10: round(recallAt(10)),
    mrr: round(
      perQuery.reduce((sum, q) => sum + (q.firstRelevantRank ? 1 / q.firstRelevantRank : 0), 0) /
        (perQuery.length || 1),
    ),
    perQuery,
  };
}
