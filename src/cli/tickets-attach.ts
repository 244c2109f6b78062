import fs from 'node:fs';
import { attachmentMaxBytes } from '../config/index.js';
import { errorMessage, UsageError } from '../errors.js';
import {
  type Attachment,
  formatBytes,
  readAttachmentFile,
  requestIdempotencyKey,
  type Ticket,
} from '../tickets/index.js';
import { withItbotServer } from './server-calls.js';
import { requireTicket } from './tickets-lookup.js';

/** `itbot tickets attach N PATH` and `itbot tickets attachment N ID --output FILE`. */

interface LogAnalysis {
  signatures: { kind: string; value: string; count: number }[];
  articles: { path: string; title: string }[];
  past_tickets: { number: string; title: string }[];
}

interface Added {
  attachment: Attachment;
  ticket: Ticket;
  added: boolean;
  log_analysis: LogAnalysis | null;
}

/** What a text log's analysis found, for a person: signatures, then where to read about them. */
export function describeLogAnalysis(analysis: LogAnalysis): string[] {
  if (analysis.signatures.length === 0) return ['  log analysis: no error signatures found'];
  const lines = [`  log analysis: ${analysis.signatures.map((s) => `${s.value} (×${s.count})`).join(', ')}`];
  for (const article of analysis.articles) lines.push(`    article: ${article.title} (${article.path})`);
  for (const past of analysis.past_tickets) lines.push(`    resolved before: ${past.number} ${past.title}`);
  lines.push('    (noted on the ticket as an internal note)');
  return lines;
}

export function attachFileCommand(
  reference: string,
  filePath: string,
  options: { type?: string; json?: boolean },
): Promise<number> {
  // Everything about the file is checked here, before the server is even asked.
  const file = readAttachmentFile(filePath, attachmentMaxBytes(), options.type);
  return withItbotServer(async (server) => {
    const { ticket: current } = await requireTicket(server, reference);
    const result = await server.call<Added>('add_attachment', {
      ticket: current.number,
      filename: file.filename,
      content_type: file.contentType,
      content_base64: file.content.toString('base64'),
      // The same file attached to the same ticket by the same person today is one attachment.
      idempotency_key: requestIdempotencyKey('cli', [
        server.config.user,
        'attach',
        current.number,
        file.filename,
        file.contentType,
        file.content.toString('base64'),
      ]),
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    }
    const { attachment } = result;
    const lines = [
      result.added
        ? `Attached ${attachment.filename} (${attachment.contentType}, ${formatBytes(attachment.size)}) to ${current.number} as attachment ${attachment.id}.`
        : `${attachment.filename} was already attached to ${current.number} earlier today (attachment ${attachment.id}); not stored again.`,
    ];
    if (result.log_analysis && result.added) lines.push(...describeLogAnalysis(result.log_analysis));
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}

export function saveAttachmentCommand(
  reference: string,
  id: string,
  options: { output?: string; force?: boolean; json?: boolean },
): Promise<number> {
  const output = options.output;
  if (!output) throw new UsageError('Where to save it? Give --output FILE (or --output - for stdout).');
  if (output !== '-') {
    const existing = fs.statSync(output, { throwIfNoEntry: false });
    if (existing?.isDirectory()) throw new UsageError(`${output} is a directory.`, 'Give a file name to --output.');
    if (existing && !options.force)
      throw new UsageError(
        `${output} exists already; nothing was written.`,
        'Choose another --output, or add --force.',
      );
  }
  return withItbotServer(async (server) => {
    const { ticket } = await requireTicket(server, reference);
    const found = await server.call<{ attachment: Attachment; content_base64: string }>('get_attachment', {
      ticket: ticket.number,
      id,
    });
    const content = Buffer.from(found.content_base64, 'base64');
    if (output === '-') {
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(content, (error) => (error ? reject(error) : resolve())),
      );
      return 0;
    }
    try {
      // wx unless --force: a file that appeared meanwhile is still not overwritten.
      fs.writeFileSync(output, content, { flag: options.force ? 'w' : 'wx' });
    } catch (error) {
      throw new UsageError(`Cannot write ${output} (${errorMessage(error)}); nothing was written.`);
    }
    const { attachment } = found;
    const text = `Saved ${attachment.filename} (${attachment.contentType}, ${formatBytes(attachment.size)}) from ${ticket.number} to ${output}.`;
    process.stdout.write(options.json ? `${JSON.stringify({ attachment, output })}\n` : `${text}\n`);
    return 0;
  });
}

/** The attachments section of `tickets show`. */
export function attachmentLines(attachments: Attachment[] | undefined): string[] {
  if (!attachments?.length) return [];
  return [
    '',
    '  attachments:',
    ...attachments.map(
      (a) =>
        `  ${a.id.padStart(4)}  ${a.filename}  ${a.contentType}  ${formatBytes(a.size)}  by ${a.author}  ${a.createdAt.slice(0, 16).replace('T', ' ')}`,
    ),
  ];
}
