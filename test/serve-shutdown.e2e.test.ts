import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSeededDataDir, makeTempDir } from './helpers/data-dir.js';
import { type ServeProcess, startServe } from './helpers/serve-process.js';

// SIGTERM lets a running call finish and closes the store; a second signal ends the server at once.

function serve(dataDir: string): Promise<ServeProcess> {
  return startServe({ ITBOT_DATA_DIR: dataDir, ITBOT_USER: 'maria.lopez' }, ['--shutdown-grace', '60']);
}

/** A knowledge folder big enough that indexing it takes a few seconds. */
function articles(count: number): { dir: string; cleanup: () => void } {
  const temp = makeTempDir('itbot-articles-');
  for (let i = 0; i < count; i++) {
    const body = Array.from(
      { length: 12 },
      (_, s) => `## Step ${s}\n\nRestart service ${i}-${s} and check the log.`,
    ).join('\n\n');
    fs.writeFileSync(
      path.join(temp.dir, `article-${i}.md`),
      `---\ntitle: Article ${i}\n---\n# Article ${i}\n\n${body}\n`,
    );
  }
  return temp;
}

describe('itbot serve shutdown', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  /** A server on a seeded store, a folder of `count` articles to index, and a client for admin jobs. */
  async function serverWithAdminClient(count: number) {
    const data = makeSeededDataDir();
    const kb = articles(count);
    cleanups.push(data.cleanup, kb.cleanup);
    const server = await serve(data.dir);
    const client = new Client({ name: 'shutdown-test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers: { 'x-itbot-actor-kind': 'agent' } },
      }),
    );
    return { server, client, kb };
  }

  it('on SIGTERM finishes the running admin job, answers it, then exits 0', async () => {
    const { server, client, kb } = await serverWithAdminClient(400);
    const job = client.callTool(
      { name: 'reindex_knowledge_base', arguments: { source_dir: kb.dir, source_name: 'shutdown-test' } },
      undefined,
      { timeout: 120_000 },
    );
    // The job is running (indexing 400 articles takes seconds) when the signal comes.
    setTimeout(() => server.child.kill('SIGTERM'), 1_000);
    const result = await job;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ added: 400 });
    expect(await server.exit).toBe(0);
    // New requests are no longer answered.
    await expect(fetch(server.url.replace(/\/mcp$/, '/healthz'))).rejects.toThrow();
  }, 120_000);

  it('a second signal ends it at once', async () => {
    const { server, client, kb } = await serverWithAdminClient(1500);
    const job = client
      .callTool({ name: 'reindex_knowledge_base', arguments: { source_dir: kb.dir } }, undefined, { timeout: 120_000 })
      .catch((error: unknown) => error);
    setTimeout(() => server.child.kill('SIGTERM'), 1_000);
    setTimeout(() => server.child.kill('SIGTERM'), 1_500);
    const started = Date.now();
    expect(await server.exit).toBe(143);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await job).toBeInstanceOf(Error);
  }, 120_000);
});
