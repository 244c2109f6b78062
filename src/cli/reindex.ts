import path from 'node:path';
import type { ReindexProgress, ReindexSummary, SideBuildStep } from '../knowledge/index.js';
import { withItbotServer } from './server-calls.js';

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

/** A progress notification of the reindex job, as the server words it (see mcp-server/admin-tools.ts). */
type JobProgress = ({ kind: 'progress' } & ReindexProgress) | { kind: 'step'; step: SideBuildStep };

function parseJobProgress(message: string | undefined): JobProgress | undefined {
  try {
    return message ? (JSON.parse(message) as JobProgress) : undefined;
  } catch {
    return undefined;
  }
}

/** `itbot reindex`: runs in the ticket server that owns the store; its progress is shown here. */
export async function reindexCommand(options: ReindexCommandOptions): Promise<number> {
  // The default is the server's own bundled kb/; a directory named here is resolved here.
  const sourceDir = options.source ? path.resolve(options.source) : undefined;
  const progress = options.json ? undefined : await progressDisplay();
  try {
    return await withItbotServer(async (server) => {
      const summary = await server.call<ReindexSummary & { ticketsEmbedded: number; sourceDir: string }>(
        'reindex_knowledge_base',
        { source_dir: sourceDir, source_name: options.name, rebuild: options.rebuild === true },
        {
          // A rebuild at scale takes minutes; progress keeps the call alive, silence for 2 min ends it.
          timeoutMs: 120_000,
          onProgress: ({ message }) => {
            const job = parseJobProgress(message);
            if (job?.kind === 'progress') progress?.update(job);
            else if (job?.kind === 'step') progress?.step(job.step);
          },
        },
      );
      progress?.stop();
      report(summary, options, summary.sourceDir);
      return 0;
    });
  } finally {
    progress?.stop();
  }
}

function report(
  summary: ReindexSummary & { ticketsEmbedded: number },
  options: ReindexCommandOptions,
  sourceDir: string,
): void {
  const { ticketsEmbedded } = summary;
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
}
