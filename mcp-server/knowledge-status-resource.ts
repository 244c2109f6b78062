import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { KNOWLEDGE_STATUS_URI, type KnowledgeBaseStatus } from '../src/mcp/resources.js';
import type { Store } from '../src/store/index.js';

/**
 * What the knowledge index is right now, as an MCP resource rather than a tool: clients (the
 * response cache, the TUI's status line) read it; the model has no use for it.
 */
export function registerKnowledgeStatusResource(server: McpServer, store: () => Promise<Store>): void {
  server.registerResource(
    'knowledge-base-status',
    KNOWLEDGE_STATUS_URI,
    {
      title: 'Knowledge base status',
      description: 'Index version, embedder and size of the knowledge base',
      mimeType: 'application/json',
    },
    async (uri) => {
      const db = await store();
      const { rows } = await db.query<{
        version: string | null;
        embedder: string | null;
        documents: number;
        chunks: number;
      }>(
        `SELECT (SELECT version::text FROM kb_index) AS version,
                (SELECT embedder FROM kb_index) AS embedder,
                (SELECT count(*)::int FROM kb_documents) AS documents,
                (SELECT count(*)::int FROM kb_chunks) AS chunks`,
      );
      const row = rows[0];
      const status: KnowledgeBaseStatus = {
        version: row?.version ?? 'empty',
        embedder: row?.embedder ?? null,
        documents: row?.documents ?? 0,
        chunks: row?.chunks ?? 0,
      };
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(status) }] };
    },
  );
}
