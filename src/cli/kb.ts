import { openReadyStore, withEmbedder } from '../bootstrap.js';
import { resolveConfig } from '../config/index.js';
import { searchKnowledge } from '../knowledge/index.js';
import { formatTable } from './table.js';

/** `itbot kb search`: what the MCP knowledge-search tool returns, for people and scripts. */
export async function kbSearchCommand(words: string[], options: { limit: number; json?: boolean }): Promise<number> {
  const query = words.join(' ').trim();
  const config = resolveConfig();
  const store = await openReadyStore(config, {
    purpose: 'itbot kb search',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    const hits = await withEmbedder(config, (embedder) =>
      searchKnowledge(store, embedder, query, { limit: options.limit }),
    );
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ query, results: hits })}\n`);
    } else if (hits.length === 0) {
      process.stdout.write('No article matches.\n');
    } else {
      const rows = hits.map((hit, i) => [String(i + 1), hit.score.toFixed(2), hit.path, hit.heading]);
      process.stdout.write(`${formatTable(['#', 'SCORE', 'PATH', 'BEST SECTION'], rows)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
