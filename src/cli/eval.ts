import path from 'node:path';
import { createEmbedder, openReadyStore } from '../bootstrap.js';
import { resolveConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { evaluateRetrieval, readLabelledQueries } from '../knowledge/index.js';

export interface EvalOptions {
  queries: string;
  source?: string;
  json?: boolean;
}

/** `itbot eval retrieval`: recall@1/5/10 and MRR of knowledge search on labelled queries. */
export async function evalCommand(what: string, options: EvalOptions): Promise<number> {
  if (what !== 'retrieval') throw new UsageError(`Unknown evaluation "${what}".`, 'Available: retrieval.');
  const queries = readLabelledQueries(options.queries);
  const config = resolveConfig();
  const store = await openReadyStore(config, {
    purpose: 'itbot eval',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    const sources = options.source ? [path.resolve(options.source)] : undefined;
    const report = await evaluateRetrieval(store, createEmbedder(config), queries, { sources });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return 0;
    }
    for (const q of report.perQuery) {
      process.stdout.write(
        `${q.firstRelevantRank === null ? '  -' : String(q.firstRelevantRank).padStart(3)}  ${q.id}  ${q.query.slice(0, 90)}\n`,
      );
    }
    process.stdout.write(
      `\n${report.queries} queries: recall@1 ${report.recallAt1.toFixed(3)}  recall@5 ${report.recallAt5.toFixed(3)}  ` +
        `recall@10 ${report.recallAt10.toFixed(3)}  MRR ${report.mrr.toFixed(3)}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
