import { UsageError } from '../errors.js';
import type { KnowledgeHit } from '../knowledge/index.js';
import { withItbotServer } from './server-calls.js';
import { formatTable } from './table.js';

/** `itbot kb search`: what the MCP knowledge-search tool returns, for people and scripts. */
export async function kbSearchCommand(words: string[], options: { limit: number; json?: boolean }): Promise<number> {
  const query = words.join(' ').trim();
  if (!query) throw new UsageError('Give some words to search for.', 'Example: itbot kb search "vpn error 809"');
  return withItbotServer(async (server) => {
    const { results: hits } = await server.call<{ results: KnowledgeHit[] }>('search_knowledge', {
      query,
      limit: Math.min(options.limit, 20),
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ query, results: hits })}\n`);
    } else if (hits.length === 0) {
      process.stdout.write('No article matches.\n');
    } else {
      // Confidence that the article answers the question (calibrated), not the rank score.
      const rows = hits.map((hit, i) => [String(i + 1), hit.confidence.toFixed(2), hit.path, hit.heading]);
      process.stdout.write(`${formatTable(['#', 'CONFIDENCE', 'PATH', 'BEST SECTION'], rows)}\n`);
    }
    return 0;
  });
}
