import { openReadyStore } from '../src/bootstrap.js';
import type { ItbotConfig } from '../src/config/index.js';
import type { ServeOptions } from './stdio.js';

/**
 * Starts opening the store, then loads the MCP SDK and serves over stdio. PGlite's start-up is the
 * longest single step of a one-shot `itbot ask`, so the SDK loads while it runs. This module stays
 * light on purpose: it must not import the SDK itself.
 */
export async function startStdioServer(
  config: ItbotConfig,
  purpose: string,
  options: ServeOptions = {},
): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const store = openReadyStore(config, { purpose, log });
  // Failures surface through each tool call; this only stops an unhandled-rejection crash.
  store.catch(() => {});
  const { serveStdio } = await import('./stdio.js');
  await serveStdio(config, store, options);
}
