import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openReadyStore, withEmbedder } from '../bootstrap.js';
import { resolveConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { evaluateRetrieval, readLabelledQueries } from '../knowledge/index.js';
import { bundledPaths } from '../paths.js';
import { evaluateTriage, readTicketSeeds } from '../tickets/index.js';

export interface EvalOptions {
  queries?: string;
  source?: string;
  json?: boolean;
}

/** `itbot eval retrieval`: recall@1/5/10 and MRR of knowledge search on labelled queries. */
export async function evalCommand(what: string, options: EvalOptions): Promise<number> {
  if (what === 'triage') return evalTriage(options);
  if (what !== 'retrieval') throw new UsageError(`Unknown evaluation "${what}".`, 'Available: retrieval, triage.');
  if (!options.queries) throw new UsageError('eval retrieval needs --queries FILE.');
  const queries = readLabelledQueries(options.queries);
  const config = resolveConfig();
  const store = await openReadyStore(config, {
    purpose: 'itbot eval',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    const sources = options.source ? [path.resolve(options.source)] : undefined;
    const report = await withEmbedder(config, (embedder) => evaluateRetrieval(store, embedder, queries, { sources }));
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

/**
 * `itbot eval triage`: suggestions for held-out sample tickets (every fifth), learned from the
 * rest, in a throwaway embedded store so no real data is touched.
 */
async function evalTriage(options: EvalOptions): Promise<number> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-triage-'));
  try {
    const config = { ...resolveConfig(), databaseUrl: undefined, dataDir: scratch };
    const store = await openReadyStore(config, { purpose: 'itbot eval triage', log: () => {} });
    try {
      const report = await withEmbedder(config, (embedder) =>
        evaluateTriage(store, readTicketSeeds(bundledPaths.seed()), { embedder }),
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
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
