import path from 'node:path';
import { createEmbedder, openReadyStore } from '../bootstrap.js';
import { resolveConfig } from '../config/index.js';
import { BUNDLED_SOURCE, type ReindexProgress, reindexKnowledgeBase } from '../knowledge/index.js';
import { bundledPaths } from '../paths.js';

export interface ReindexCommandOptions {
  source?: string;
  name?: string;
  rebuild?: boolean;
  json?: boolean;
}

function progressPrinter(): (progress: ReindexProgress) => void {
  if (!process.stderr.isTTY) return () => {};
  return (progress) => {
    process.stderr.write(
      `\r  ${progress.documentsDone}/${progress.documentsTotal} documents, ${progress.chunks} chunks embedded`,
    );
    if (progress.documentsDone === progress.documentsTotal) process.stderr.write('\n');
  };
}

export async function reindexCommand(options: ReindexCommandOptions): Promise<number> {
  const config = resolveConfig();
  const sourceDir = path.resolve(options.source ?? bundledPaths.knowledgeBase());
  const sourceName = options.name ?? (options.source ? sourceDir : BUNDLED_SOURCE);
  const store = await openReadyStore(config, {
    purpose: 'itbot reindex',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    const summary = await reindexKnowledgeBase(store, {
      sourceDir,
      sourceName,
      embedder: createEmbedder(config),
      rebuild: options.rebuild,
      onProgress: options.json ? undefined : progressPrinter(),
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      const rate =
        summary.chunks && summary.elapsedMs
          ? ` (${Math.round((summary.chunks / summary.elapsedMs) * 1000)} chunks/s)`
          : '';
      process.stdout.write(
        `Indexed ${summary.documents} documents from ${sourceDir}: ${summary.added} added, ${summary.updated} updated, ` +
          `${summary.unchanged} unchanged, ${summary.removed} removed; ${summary.chunks} chunks embedded in ` +
          `${(summary.elapsedMs / 1000).toFixed(2)} s${rate} with ${summary.embedder}.\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}
