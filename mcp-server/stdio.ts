import { createEmbedder } from '../src/bootstrap.js';
import { createCache } from '../src/cache/index.js';
import type { ItbotConfig } from '../src/config/index.js';
import type { Store } from '../src/store/index.js';
import { ITBOT_VERSION } from '../src/version.js';
import { createItbotMcpServer } from './server.js';
import { HardenedStdioServerTransport } from './stdio-transport.js';

/**
 * Serves the itbot tools over stdin/stdout until the client goes away. The store opens while the
 * MCP handshake runs, and is closed (releasing the embedded store's lock) on every way out.
 */
export interface ServeOptions {
  /** Expose only the tools that read. */
  readOnly?: boolean;
}

export async function serveStdio(
  config: ItbotConfig,
  store: Promise<Store>,
  options: ServeOptions = {},
): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const cache = createCache({
    redisUrl: config.redisUrl,
    namespace: 'itbot',
    warn: (message) => log(`itbot-mcp: ${message}`),
  });
  const embedder = createEmbedder(config);
  const server = createItbotMcpServer({
    store,
    embedder,
    cache,
    // itbot's own commands run their private server as the agent typing them, with the admin
    // jobs; any other MCP host gets the tools a model may use.
    actor: { name: config.user, kind: process.env.ITBOT_ACTOR_KIND === 'agent' ? 'agent' : 'ai' },
    admin: process.env.ITBOT_ACTOR_KIND === 'agent' ? { allowSourceDirs: true } : undefined,
    readOnly: options.readOnly,
    version: ITBOT_VERSION,
  });

  const transport = new HardenedStdioServerTransport();
  let stopping = false;
  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    // A client that left mid-call (killed `itbot ask --yes`) must not cut a write in half: finish
    // what is in flight (bounded), then close the store.
    await transport.drained(10_000);
    await server.close().catch(() => {});
    await Promise.all([cache.close(), embedder.close()]);
    await store.then((s: Store) => s.close()).catch(() => {});
    process.exit(exitCode);
  };
  process.stdin.on('end', () => void stop(0));
  process.stdin.on('close', () => void stop(0));
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));

  await server.connect(transport);
}
