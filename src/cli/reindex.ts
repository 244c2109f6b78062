import path from 'node:path';
import { createEmbedder, openReadyStore } from '../bootstrap.js';
import { resolveConfig } from '../config/index.js';
import { BUNDLED_SOURCE, type ReindexProgress, reindexKnowledgeBase, type SideBuildStep } from '../knowledge/index.js';
import { bundledPaths } from '../paths.js';
import { embedTickets } from '../tickets/index.js';

export interface ReindexCommandOptions {
  source?: string;
  name?: string;
  rebuild?: boolean;
  json?: boolean;
}

interface ProgressDisplay {
  update(progress: ReindexProgress): void;
  /** A side build's step after the load (indexes, HNSW), which takes a while at scale. */
  step(step: SideBuildStep): void;
  stop(): void;
}

const STEP_TEXT: Record<SideBuildStep, string> = {
  created: 'side index created',
  copied: 'unchanged documents carried over; writing new ones',
  loaded: 'loaded; building full-text and HNSW indexes',
  indexed: 'indexes built; swapping the new index in',
  swapped: 'new index live',
};

function describeProgress(progress: ReindexProgress, startedMs: number): string {
  const seconds = (performance.now() - startedMs) / 1000;
  const rate = seconds > 0 ? progress.chunks / seconds : 0;
  const left = progress.documentsTotal - progress.documentsDone;
  const perDocument = progress.documentsDone ? seconds / progress.documentsDone : 0;
  const eta = left && perDocument ? `, about ${Math.ceil(left * perDocument)} s left` : '';
  return `${progress.documentsDone}/${progress.documentsTotal} documents, ${progress.chunks} chunks embedded (${Math.round(rate)}/s)${eta}`;
}

/** An ora spinner on a terminal; plain lines (every tenth of the way) when stderr is a file or pipe. */
async function progressDisplay(): Promise<ProgressDisplay> {
  const started = performance.now();
  if (process.stderr.isTTY) {
    const { default: ora } = await import('ora');
    const spinner = ora({ text: 'indexing…', stream: process.stderr }).start();
    return {
      update: (progress) => {
        spinner.text = describeProgress(progress, started);
      },
      step: (step) => {
        spinner.text = STEP_TEXT[step];
      },
      stop: () => spinner.stop(),
    };
  }
  let lastTenth = -1;
  return {
    update(progress) {
      const tenth = Math.floor((progress.documentsDone / Math.max(1, progress.documentsTotal)) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      process.stderr.write(`reindex: ${describeProgress(progress, started)}\n`);
    },
    step(step) {
      process.stderr.write(`reindex: ${STEP_TEXT[step]}\n`);
    },
    stop() {},
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
  const progress = options.json ? undefined : await progressDisplay();
  const embedder = createEmbedder(config);
  try {
    const knowledge = await reindexKnowledgeBase(store, {
      sourceDir,
      sourceName,
      embedder,
      rebuild: options.rebuild,
      onProgress: progress?.update,
      onBuildStep: progress?.step,
    });
    // Tickets use the same embedder: new, changed or differently embedded ones are embedded now.
    const ticketsEmbedded = await embedTickets(store, embedder);
    const summary = { ...knowledge, ticketsEmbedded };
    progress?.stop();
    if (options.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      const rate =
        summary.chunks && summary.elapsedMs
          ? ` (${Math.round((summary.chunks / summary.elapsedMs) * 1000)} chunks/s)`
          : '';
      if (summary.sideBuild && !summary.reembedded) {
        process.stdout.write('Built a new index beside the live one and swapped it in.\n');
      }
      if (summary.reembedded) {
        process.stdout.write(
          `Re-embedded all ${summary.reembedded} indexed chunks with ${summary.embedder} (the index was built with ${summary.replacedEmbedder}).\n`,
        );
      }
      process.stdout.write(
        `Indexed ${summary.documents} documents from ${sourceDir}: ${summary.added} added, ${summary.updated} updated, ` +
          `${summary.unchanged} unchanged, ${summary.removed} removed; ${summary.chunks} chunks embedded in ` +
          `${(summary.elapsedMs / 1000).toFixed(2)} s${rate} with ${summary.embedder}.\n`,
      );
      if (ticketsEmbedded) process.stdout.write(`Embedded ${ticketsEmbedded} new or changed tickets.\n`);
    }
    return 0;
  } finally {
    progress?.stop();
    await Promise.all([embedder.close(), store.close()]);
  }
}
