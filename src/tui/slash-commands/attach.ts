import { attachmentMaxBytes } from '../../config/index.js';
import { ToolFailedError, UsageError } from '../../errors.js';
import { readAttachmentFile } from '../../tickets/attachment-file.js';
import { formatBytes } from '../../tickets/attachments.js';
import type { SlashCommand } from './types.js';

interface Added {
  attachment?: { id?: string; filename?: string; contentType?: string; size?: number };
  ticket?: { number?: string };
  added?: boolean;
  log_analysis?: {
    signatures: { value: string; count: number }[];
    articles: { path: string; title: string }[];
    past_tickets: { number: string; title: string }[];
  } | null;
}

/** What a text log's analysis found, in one notice: signatures, then where to read about them. */
function analysisText(analysis: NonNullable<Added['log_analysis']>): string {
  if (analysis.signatures.length === 0) return 'Log analysis: no error signatures found.';
  const lines = [`Log analysis: ${analysis.signatures.map((s) => `${s.value} (×${s.count})`).join(', ')}`];
  for (const article of analysis.articles) lines.push(`  article: ${article.title} (${article.path})`);
  for (const past of analysis.past_tickets) lines.push(`  resolved before: ${past.number} ${past.title}`);
  lines.push('  (noted on the ticket as an internal note)');
  return lines.join('\n');
}

/** `/attach N PATH`: a file from this machine onto a ticket, after the agent agrees. */
export const attachCommand: SlashCommand = {
  name: 'attach',
  usage: '/attach N PATH',
  description: 'attach a file (a log, a screenshot) to a ticket; text logs get log analysis; asks first',
  async run(args, context) {
    const match = /^(\S+)\s+(.+)$/.exec(args.trim());
    if (!match?.[1] || !match[2])
      throw new UsageError('Which ticket and which file? For example: /attach 12 ~/Desktop/vpn.log');
    const ticket = match[1];
    // A path may hold spaces; quotes around it are the shell habit, not part of the name.
    const typed = match[2].trim().replace(/^(["'])(.*)\1$/, '$2');
    const filePath = typed.startsWith('~/') ? `${process.env.HOME ?? ''}${typed.slice(1)}` : typed;
    // Refused here, before the consent prompt and before anything reaches the ticket.
    const file = readAttachmentFile(filePath, attachmentMaxBytes());
    const call = {
      id: `slash-attach-${context.now()}`,
      name: 'add_attachment',
      args: {
        ticket,
        filename: file.filename,
        content_type: file.contentType,
        content_base64: file.content.toString('base64'),
      },
    };
    // The consent prompt shows the call; the bytes would drown it, so it sees the size instead.
    const shown = { ...call, args: { ...call.args, content_base64: `(${formatBytes(file.content.byteLength)})` } };
    if (!(await context.consent(shown))) {
      context.add({ kind: 'notice', tone: 'info', text: `Not attached: ${file.filename} to ${ticket} was denied.` });
      return;
    }
    const { connection } = await context.server();
    const outcome = await connection.callTool(call.name, call.args, { timeoutMs: 60_000 });
    if (!outcome.ok)
      throw new ToolFailedError(
        outcome.error?.message ?? (outcome.text || 'add_attachment failed.'),
        outcome.error?.hint ?? undefined,
      );
    const added = (outcome.data ?? {}) as Added;
    const a = added.attachment ?? {};
    context.add({
      kind: 'notice',
      tone: 'info',
      text: `Attached ${a.filename ?? file.filename} (${a.contentType ?? file.contentType}, ${formatBytes(a.size ?? file.content.byteLength)}) to ${added.ticket?.number ?? ticket} as attachment ${a.id ?? '?'}.`,
    });
    if (added.log_analysis) context.add({ kind: 'notice', tone: 'info', text: analysisText(added.log_analysis) });
  },
};
