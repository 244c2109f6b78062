import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { UsageError } from '../src/errors.js';
import { BUNDLED_SOURCE, type Embedder, reindexKnowledgeBase } from '../src/knowledge/index.js';
import { bundledPaths } from '../src/paths.js';
import { bundledMigrations, isEmbedded, migrate, migrationStatus, type Store } from '../src/store/index.js';
import { embedTickets, readCompanySeed, readTicketSeeds, seedCompany, seedTickets } from '../src/tickets/index.js';
import { guarded, ok } from './tool-result.js';

/**
 * Admin jobs run where the store is: inside the server that owns it, so `itbot reindex` or
 * `itbot seed` in a terminal works while the chat and other one-shots keep using the same store.
 * They are only offered to itbot's own commands and admin tokens, never to a model.
 */
export interface AdminJobsOptions {
  /** Whether a directory named by a client may be indexed (a team server only indexes its own). */
  allowSourceDirs: boolean;
}

/** Marks a tool as an admin job, so the agent never offers it to a model. */
export const ADMIN_TOOL_META = { 'itbot/admin': true } as const;

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Sends an MCP progress notification when the caller asked for progress (a progressToken). */
function progressReporter(extra: Extra) {
  const token = extra._meta?.progressToken;
  return (progress: number, total: number | undefined, message: string) => {
    if (token === undefined) return;
    void extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress, total, message },
      })
      .catch(() => {});
  };
}

const ADMIN = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

export function registerAdminTools(
  server: McpServer,
  store: () => Promise<Store>,
  embedder: Embedder,
  options: AdminJobsOptions,
): void {
  server.registerTool(
    'reindex_knowledge_base',
    {
      title: 'Reindex the knowledge base (admin)',
      description:
        'Indexes a directory of Markdown articles (default: the bundled knowledge base), incrementally or as a full rebuild, then embeds new or changed tickets. Reports progress.',
      inputSchema: {
        source_dir: z
          .string()
          .max(4096)
          .optional()
          .describe('Absolute directory on the server; default the bundled kb/'),
        source_name: z.string().max(4096).optional().describe('Collection name; default "bundled" or the directory'),
        rebuild: z.boolean().default(false).describe('Build a whole new index beside the live one'),
      },
      annotations: ADMIN,
      _meta: ADMIN_TOOL_META,
    },
    ({ source_dir, source_name, rebuild }, extra) =>
      guarded(async () => {
        if (source_dir && !options.allowSourceDirs) {
          throw new UsageError(
            'This server only indexes its own knowledge base.',
            'Run the reindex on the server host, or leave out --source.',
          );
        }
        if (source_dir && !path.isAbsolute(source_dir)) throw new UsageError('source_dir must be an absolute path.');
        const sourceDir = source_dir ?? bundledPaths.knowledgeBase();
        const report = progressReporter(extra);
        const db = await store();
        const knowledge = await reindexKnowledgeBase(db, {
          sourceDir,
          sourceName: source_name ?? (source_dir ? sourceDir : BUNDLED_SOURCE),
          embedder,
          rebuild,
          onProgress: (p) => report(p.documentsDone, p.documentsTotal, JSON.stringify({ kind: 'progress', ...p })),
          onBuildStep: (step) => report(0, undefined, JSON.stringify({ kind: 'step', step })),
        });
        const ticketsEmbedded = await embedTickets(db, embedder);
        return ok({ ...knowledge, sourceDir, ticketsEmbedded });
      }),
  );

  server.registerTool(
    'seed_sample_company',
    {
      title: 'Load the sample company (admin)',
      description:
        'Loads the sample company (groups, users, categories) and optionally its 360 historical tickets. Safe to repeat.',
      inputSchema: { tickets: z.boolean().default(false).describe('Also load the historical tickets') },
      annotations: ADMIN,
      _meta: ADMIN_TOOL_META,
    },
    ({ tickets }, extra) =>
      guarded(async () => {
        const db = await store();
        const report = progressReporter(extra);
        const company = await seedCompany(db, readCompanySeed(bundledPaths.seed()));
        report(1, tickets ? 3 : 1, 'company loaded');
        let ticketsAdded = 0;
        if (tickets) {
          ticketsAdded = (await seedTickets(db, readTicketSeeds(bundledPaths.seed()))).added;
          report(2, 3, 'tickets loaded; embedding them');
          // Similar tickets and triage use embeddings of the history beside its full text.
          await embedTickets(db, embedder);
        }
        return ok({ ...company, ticketsAdded });
      }),
  );

  server.registerTool(
    'migrate_store',
    {
      title: 'Database migrations (admin)',
      description: 'Lists applied and pending migrations, and applies pending ones when apply is true.',
      inputSchema: { apply: z.boolean().default(false).describe('Apply pending migrations') },
      annotations: ADMIN,
      _meta: ADMIN_TOOL_META,
    },
    ({ apply }) =>
      guarded(async () => {
        const db = await store();
        const files = bundledMigrations();
        const applied = apply ? (await migrate(db, files)).map((m) => m.file) : [];
        const status = await migrationStatus(db, files);
        return ok({
          store: db.location,
          embedded: isEmbedded(db),
          appliedNow: applied,
          applied: status.applied.map((m) => ({
            version: m.version,
            name: m.name,
            appliedAt: new Date(m.appliedAt).toISOString(),
          })),
          pending: status.pending.map((m) => ({ version: m.version, name: m.name })),
        });
      }),
  );
}
