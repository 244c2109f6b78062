import { withEmbedder } from '../bootstrap.js';
import { routingThreshold } from '../config/index.js';
import { UsageError } from '../errors.js';
import { bundledPaths } from '../paths.js';
import { DEFAULT_ROUTING_THRESHOLD, evaluateRouting, readTicketSeeds } from '../tickets/index.js';
import { withScratchStore } from './scratch-store.js';

/**
 * `itbot eval routing`: the auto-router on held-out sample tickets (every fifth), learned from the
 * rest, in a throwaway embedded store: how often it routes, and how often its routing is right.
 */
export async function evalRouting(options: { json?: boolean }): Promise<number> {
  const threshold = routingThreshold() ?? DEFAULT_ROUTING_THRESHOLD;
  if (!(threshold > 0)) throw new UsageError('No routing threshold to measure.');
  const report = await withScratchStore('itbot eval routing', (store, config) =>
    withEmbedder(config, (embedder) =>
      evaluateRouting(store, readTicketSeeds(bundledPaths.seed()), threshold, { embedder }),
    ),
  );
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  process.stdout.write(
    options.json
      ? `${JSON.stringify(report)}\n`
      : [
          `routing on ${report.test} held-out sample tickets, learned from ${report.train} (threshold ${report.threshold}):`,
          `  routed by the router   ${pct(report.applied)}`,
          `    category right       ${pct(report.appliedCategoryAccuracy)} of those`,
          `    group right          ${pct(report.appliedGroupAccuracy)} of those`,
          `  left for a person      ${pct(report.abstained)} (tagged needs-routing)`,
          '',
        ].join('\n'),
  );
  return 0;
}
