import path from 'node:path';
import { openReadyStore, withEmbedder } from '../bootstrap.js';
import { resolveConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { BM25_BASELINE_TUNING, evaluateRetrieval, readLabelledQueries } from '../knowledge/index.js';
import { bundledPaths } from '../paths.js';
import { evaluateTriage, readTicketSeeds } from '../tickets/index.js';
import { withScratchStore } from './scratch-store.js';

export interface EvalOptions {
  queries?: string;
  answerable?: string;
  unanswerable?: string;
  source?: string;
  json?: boolean;
  set?: string;
  verbose?: boolean;
}

/** `itbot eval retrieval`: recall@1/5/10 and MRR of knowledge search on labelled queries. */
export async function evalCommand(what: string, options: EvalOptions): Promise<number> {
  if (what === 'triage') return evalTriage(options);
  if (what === 'routing') return (await import('./eval-routing.js')).evalRouting(options);
  if (what === 'understanding') return import('./eval-understanding.js').then((m) => m.evalUnderstanding(options));
  if (what === 'answers') return (await import('./eval-answers.js')).evalAnswers(options);
  if (what !== 'retrieval')
    throw new UsageError(
      `Unknown evaluation "${what}".`,
      'Available: retrieval, answers, triage, routing, understanding.',
    );
  if (!options.queries) throw new UsageError('eval retrieval needs --queries FILE.');
  const queries = readLabelledQueries(options.queries);
  const config = resolveConfig();
  const store = await openReadyStore(config, {
    purpose: 'itbot eval',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    const sources = options.source ? [path.resolve(options.source)] : undefined;
    const { report, bm25 } = await withEmbedder(config, async (embedder) => ({
      report: await evaluateRetrieval(store, embedder, queries, { sources }),
      // Plain BM25 over the same index, reported beside every figure (docs/RETRIEVAL.md).
      bm25: await evaluateRetrieval(store, embedder, queries, { sources, tuning: BM25_BASELINE_TUNING }),
    }));
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ...report, bm25: { ...bm25, perQuery: undefined } })}\n`);
      return 0;
    }
    for (const q of report.perQuery) {
      process.stdout.write(
        `${q.firstRelevantRank === null ? '  -' : String(q.firstRelevantRank).padStart(3)}  ${q.id}  ${q.query.slice(0, 90)}\n`,
      );
    }
    const line = (r: typeof report) =>
      `recall@1 ${r.recallAt1.toFixed(3)}  recall@5 ${r.recallAt5.toFixed(3)}  recall@10 ${r.recallAt10.toFixed(3)}  MRR ${r.mrr.toFixed(3)}`;
    process.stdout.write(
      `\n${report.queries} queries: ${line(report)}\n${' '.repeat(String(report.queries).length)} plain BM25: ${line(bm25)}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * `itbot eval triage`: suggestions for held-out sample tickets (every fifth), learned from the
 * rest, in a throwaway embedded store so no real data is touched.
 */
async function evalTriage(options: EvalOptions): Promise<number> {
  const report = await withScratchStore('itbot eval triage', (store, config) =>
    withEmbedder(config, (embedder) => evaluateTriage(store, readTicketSeeds(bundledPaths.seed()), { embedder })),
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    process.stdout.write(
      [
        `triage on ${report.test} held-out sample tickets, learned from ${report.train}:`,
        `  category (exact)      ${report.categoryAccuracy.toFixed(3)}   (always guessing the commonest: ${report.majorityBaseline.category.toFixed(3)})`,
        `  category (top level)  ${report.topLevelAccuracy.toFixed(3)}`,
        `  priority              ${report.priorityAccuracy.toFixed(3)}   (always guessing the commonest: ${report.majorityBaseline.priority.toFixed(3)})`,
        `    by method           neighbours' vote ${report.priorityByMethod.neighbours.toFixed(3)}, the report's words ${report.priorityByMethod.words.toFixed(3)}, words then vote ${report.priorityByMethod.wordsThenNeighbours.toFixed(3)}`,
        `  confident (≥ 0.5)     ${report.confident.share.toFixed(3)} of tickets, category right in ${report.confident.categoryAccuracy.toFixed(3)}`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}
