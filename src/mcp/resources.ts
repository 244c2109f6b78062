/** Resources the itbot MCP server publishes for clients (not for the model). */

export const KNOWLEDGE_STATUS_URI = 'itbot://knowledge-base/status';

export interface KnowledgeBaseStatus {
  /** Changes with every reindex that changed something: response caches key on it. */
  version: string;
  embedder: string | null;
  documents: number;
  chunks: number;
}
