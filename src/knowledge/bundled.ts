import { bundledPaths } from '../paths.js';
import type { Store } from '../store/index.js';
import type { Embedder } from './embedder.js';
import { type ReindexSummary, reindexKnowledgeBase } from './reindex.js';

/** The source name of the knowledge base shipped in the repo's kb/ directory. */
export const BUNDLED_SOURCE = 'bundled';

export function indexBundledKnowledgeBase(store: Store, embedder: Embedder): Promise<ReindexSummary> {
  return reindexKnowledgeBase(store, { sourceDir: bundledPaths.knowledgeBase(), sourceName: BUNDLED_SOURCE, embedder });
}
