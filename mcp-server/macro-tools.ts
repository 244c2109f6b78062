import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Store } from '../src/store/index.js';
import {
  type Actor,
  getMacro,
  listMacros,
  MACRO_PLACEHOLDERS,
  MESSAGE_MAX,
  removeMacro,
  renderMacro,
  replyToTicket,
  saveMacro,
} from '../src/tickets/index.js';
import { READ_ONLY, ticketReference, ticketSchema } from './ticket-schemas.js';
import { guarded, ok } from './tool-result.js';

/** Canned replies: list and read them; save, remove and reply with one when writes are allowed. */

const macroSchema = z.object({
  name: z.string(),
  body: z.string().describe('The template, with {placeholders}'),
  placeholders: z.array(z.string()),
  createdBy: z.string(),
  updatedAt: z.string(),
});
const macroName = z.string().trim().min(1).max(64).describe('The macro name, e.g. vpn-reset-steps');
const placeholderList = Object.keys(MACRO_PLACEHOLDERS)
  .map((p) => `{${p}}`)
  .join(', ');

export function registerMacroTools(
  server: McpServer,
  store: () => Promise<Store>,
  options: { actor: Actor; readOnly: boolean },
): void {
  server.registerTool(
    'list_macros',
    {
      title: 'List canned replies',
      description: `Canned replies (macros) the helpdesk keeps: name and text. Placeholders: ${placeholderList}.`,
      inputSchema: { name: macroName.optional().describe('Only this macro') },
      outputSchema: { macros: z.array(macroSchema) },
      annotations: READ_ONLY,
    },
    ({ name }) =>
      guarded(async () =>
        ok({ macros: name ? [await getMacro(await store(), name)] : await listMacros(await store()) }),
      ),
  );
  if (options.readOnly) return;

  server.registerTool(
    'save_macro',
    {
      title: 'Save a canned reply',
      description: `Saves a macro. Changes data. Placeholders allowed: ${placeholderList}; any other is refused.`,
      inputSchema: {
        name: macroName,
        body: z.string().min(1).max(MESSAGE_MAX).describe('The template'),
        replace: z.boolean().default(false).describe('Overwrite a macro of that name'),
      },
      outputSchema: { macro: macroSchema, replaced: z.boolean() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (input) => guarded(async () => ok({ ...(await saveMacro(await store(), input, options.actor.name)) })),
  );

  server.registerTool(
    'remove_macro',
    {
      title: 'Remove a canned reply',
      description: 'Deletes a canned reply (macro) by name. Changes data; replies already sent stay.',
      inputSchema: { name: macroName },
      outputSchema: { removed: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    ({ name }) =>
      guarded(async () => {
        await removeMacro(await store(), name);
        return ok({ removed: name });
      }),
  );

  server.registerTool(
    'reply_with_macro',
    {
      title: 'Reply with a canned reply',
      description:
        'Fills a macro in for a ticket (requester name, ticket number, an article link) and sends it as a PUBLIC reply to the requester. Changes data.',
      inputSchema: {
        ticket: ticketReference,
        macro: macroName,
        article: z
          .string()
          .max(300)
          .optional()
          .describe('For {article.link}: the article path, e.g. kb/network/vpn.md'),
      },
      outputSchema: {
        ticket: ticketSchema,
        text: z.string().describe('The reply as sent'),
        follow_up: ticketSchema.nullable().describe('The follow-up ticket, when the ticket was closed'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ ticket, macro, article }) =>
      guarded(async () => {
        const db = await store();
        const text = await renderMacro(db, macro, ticket, { agent: options.actor.name, article });
        const result = await replyToTicket(db, ticket, text, options.actor);
        return ok({ ticket: result.ticket, text, follow_up: result.followUp });
      }),
  );
}
