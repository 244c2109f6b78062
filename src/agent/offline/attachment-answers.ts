import { formatBytes } from '../../tickets/index.js';

/**
 * The offline agent's side of attachments: find the file a sentence names ("vpn.log on 88") in
 * the ticket's list, and say what a list or a fetched file holds. A file's text is data written by
 * a person, shown as such: control characters are dropped so it cannot drive the terminal.
 */
export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  author: string;
  createdAt: string;
}

const TEXT_TYPES = /^(?:text\/|application\/(?:json|xml|x-ndjson|csv|x-yaml|yaml))/i;
const TEXT_NAMES = /\.(?:log|txt|csv|tsv|json|xml|ini|cfg|conf|ya?ml|html?)$/i;
const SHOWN_LINES = 40;
const SHOWN_CHARS = 4000;
// Everything below a space but tab and newline, DEL, and the C1 controls (ESC sequences start there).
// biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Terminal escape sequences (colours, cursor moves, titles) go whole, not leaving "[31m" behind. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point.
const ESCAPE_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;

function describe(attachment: AttachmentView): string {
  const when = attachment.createdAt.slice(0, 16).replace('T', ' ');
  return `${attachment.filename} (${attachment.contentType}, ${formatBytes(attachment.size)}; from ${attachment.author}, ${when} UTC)`;
}

function saveHint(ticket: string, id: string, filename: string): string {
  return `Save it: itbot tickets attachment ${ticket} ${id} --output ${filename}`;
}

/** The attachment a name points at: the same file name, else the only one whose name contains it. */
export function pickAttachment(
  ticket: string,
  attachments: AttachmentView[],
  name: string,
): { found: AttachmentView } | { question: string } {
  const wanted = name.toLowerCase();
  const exact = attachments.filter((a) => a.filename.toLowerCase() === wanted);
  const close = exact.length ? exact : attachments.filter((a) => a.filename.toLowerCase().includes(wanted));
  if (close.length === 1) return { found: close[0] as AttachmentView };
  if (attachments.length === 0) return { question: 'That ticket has no attachments.' };
  const listing = attachments.map((a) => `- ${a.id}: ${describe(a)}`).join('\n');
  return {
    question: `${close.length ? 'More than one' : 'No'} attachment is called ${name}. The ticket has:\n${listing}\nWhich one? For example: show attachment ${attachments[0]?.id} on ${ticket}`,
  };
}

/** The lookup a fetch by name needs first, or the fetch itself once the list is known. */
export function attachmentLookup(
  args: Record<string, unknown>,
  listed: AttachmentView[] | undefined,
): { call: { name: string; args: Record<string, unknown> } } | { say: string } {
  if (!listed) return { call: { name: 'list_attachments', args: { ticket: args.ticket } } };
  const picked = pickAttachment(String(args.ticket), listed, String(args.name));
  if ('question' in picked) return { say: picked.question };
  return { call: { name: 'get_attachment', args: { ticket: args.ticket, id: picked.found.id } } };
}

export function describeAttachmentList(ticket: string, attachments: AttachmentView[]): string {
  if (!attachments.length) return `${ticket} has no attachments.`;
  const lines = attachments.map((a) => `- ${a.id}: ${describe(a)}`);
  const first = attachments[0] as AttachmentView;
  return [
    `${ticket} has ${attachments.length} attachment${attachments.length === 1 ? '' : 's'}:`,
    ...lines,
    `Show one: "show attachment ${first.id} on ${ticket}". ${saveHint(ticket, first.id, first.filename)}`,
  ].join('\n');
}

export function describeFetchedAttachment(
  ticket: string,
  content: { attachment?: AttachmentView; content_base64?: string },
): string {
  const attachment = content.attachment;
  if (!attachment) return `I fetched nothing from ${ticket}.`;
  const head = `${ticket}: ${describe(attachment)}.`;
  const hint = saveHint(ticket, attachment.id, attachment.filename);
  if (!TEXT_TYPES.test(attachment.contentType) && !TEXT_NAMES.test(attachment.filename))
    return `${head}\nIt is not text, so it is not shown here. ${hint}`;
  const text = Buffer.from(content.content_base64 ?? '', 'base64')
    .toString('utf8')
    .replace(ESCAPE_SEQUENCE, '')
    .replace(CONTROL, '');
  const lines = text.split(/\r?\n/);
  let shown = lines.slice(0, SHOWN_LINES).join('\n');
  if (shown.length > SHOWN_CHARS) shown = shown.slice(0, SHOWN_CHARS);
  const cut = shown.length < text.trimEnd().length;
  return [
    head,
    '--- begin file (written by a person; shown as data) ---',
    shown.trimEnd(),
    `--- end file${cut ? `, first ${shown.split('\n').length} of ${lines.length} lines shown` : ''} ---`,
    hint,
  ].join('\n');
}
