import type { TicketRef } from './ticket-references.js';

/**
 * A request about the files on a ticket: list them, fetch one (by its id or its file name), or
 * attach one — which needs a file on this machine, so the answer is the command that does it.
 */
export type AttachmentRequest =
  | { tool: 'list_attachments'; args: { ticket: string } }
  | { tool: 'get_attachment'; args: { ticket: string; id?: string; name?: string } }
  | { tool: 'clarify'; question: string };

/** Words that only ever mean the files on a ticket. */
const ATTACHMENT_WORD = /\b(?:attach(?:ed|ments?)|enclos(?:ed|ures?))\b/i;
/** Kinds of file people attach: files only when a lookup verb asks for them ("any screenshots on 12"). */
const FILE_KIND =
  /\b(?:screen ?shots?|screen ?grabs?|screen ?caps?|photos?|pictures?|pics?|images?|files?|uploads?|log ?files?|logs|pdfs?|docs|documents?)\b/i;
const LOOKUP =
  /^\s*(?:(?:can you|could you|please|pls)\s+)?(?:what(?:'s| is| are| was| did)?|which|any|anything|show|list|see|view|check|get|grab|fetch|pull(?: up)?|open|read|display|download|is there|are there|did (?:they|he|she|the user|the requester)|has|have|got)\b/i;
/** Extensions of the files people attach. */
const EXTENSIONS =
  'log|txt|png|jpe?g|gif|bmp|heic|webp|pdf|csv|tsv|docx?|xlsx?|pptx?|zip|7z|json|xml|evtx|etl|har|eml|msg|html?|ini|cfg|conf|yaml|yml|dmp|mp4|mov';
/** A file name ("vpn-client.log"). */
const FILE_NAME = new RegExp(String.raw`\b([\w][\w.-]*\.(?:${EXTENSIONS}))\b`, 'i');
/** The file as typed, folders and all ("~/Downloads/vpn.log"), for the attach command. */
const FILE_PATH = new RegExp(
  String.raw`(?:^|\s)((?:~|\.{1,2})?\/?(?:[^\s'"]+\/)*[\w][\w.-]*\.(?:${EXTENSIONS}))\b`,
  'i',
);
/** "attach ~/vpn.log to 12", "upload the screenshot to #12": adding a file. */
const ADD_VERB = /^\s*(?:(?:can you|could you|please|pls)\s+)?(?:attach|upload|add|stick|put|drop)\b/i;
const ONTO_TICKET = /\b(?:to|on|onto|against)\s+(?:ticket\s*)?(?:#|it-?)?\s?\d/i;

function asksToAdd(text: string): boolean {
  if (!ADD_VERB.test(text) || !ONTO_TICKET.test(text) || /\b(?:tags?|labels?|notes?|comments?)\b/i.test(text))
    return false;
  return (
    /^\s*(?:(?:can you|could you|please|pls)\s+)?(?:attach|upload)\b/i.test(text) ||
    FILE_KIND.test(text) ||
    FILE_NAME.test(text)
  );
}
/** "attachment 3", "attachment #3", "file id 7". */
const ATTACHMENT_ID = /\b(?:attachment|file|upload)\s*(?:(?:id|no\.?|number)\s*)?#?\s*(\d{1,18})\b/i;
/** Writes whose text may mention an attachment: "add a note to 12: screenshot attached". */
const OTHER_WRITE =
  /^\s*(?:(?:can you|could you|please|pls)\s+)?(?:add (?:a|an)?\s*(?:internal\s+)?note|note|reply|respond|tell|comment|resolve|close|cancel|reopen|assign|merge|link|email|message)\b/i;

const HOW_QUESTION = /^\s*(?:how|why|where do i|can i|is it possible|what happens)\b/i;

/** Reads a request about attachments, given the ticket numbers found in the message (bare ones too). */
export function readAttachmentRequest(text: string, refs: TicketRef[]): AttachmentRequest | undefined {
  const head = text.split(':')[0] ?? text;
  // "how do I open a ticket attachment that's blocked": a question about attachments, for the knowledge base.
  if (OTHER_WRITE.test(text) || HOW_QUESTION.test(text)) return undefined;
  const mentions =
    ATTACHMENT_WORD.test(head) ||
    (LOOKUP.test(head) && (FILE_KIND.test(head) || FILE_NAME.test(head) || /\battach\b/i.test(head)));
  const adding = asksToAdd(text);
  if (!mentions && !adding) return undefined;
  const idMatch = ATTACHMENT_ID.exec(text);
  // "attachment 3 on 88": the 3 is the attachment, not a ticket.
  const tickets = refs.filter(
    (ref) => !(idMatch && ref.bare && ref.start >= idMatch.index && ref.end <= idMatch.index + idMatch[0].length),
  );
  const ticket = tickets[0]?.ticket;
  if (adding) {
    const target = ticket ?? 'IT-000042';
    const file = FILE_PATH.exec(text)?.[1] ?? 'FILE';
    return {
      tool: 'clarify',
      question: `Attaching needs the file on your machine: run  itbot tickets attach ${target} ${file}  (in the chat: /attach ${target} ${file}).`,
    };
  }
  // "how do I open an attachment in outlook" is an IT question; "the ticket's attachments" lacks a number.
  if (!ticket)
    return /\btickets?\b/i.test(text)
      ? { tool: 'clarify', question: 'Which ticket? Give its number, for example IT-000042.' }
      : undefined;
  if (tickets.length > 1)
    return {
      tool: 'clarify',
      question: `Which ticket's attachments: ${tickets.map((ref) => ref.ticket).join(' or ')}?`,
    };
  const name = FILE_NAME.exec(text)?.[1];
  if (idMatch?.[1]) return { tool: 'get_attachment', args: { ticket, id: idMatch[1] } };
  if (name) return { tool: 'get_attachment', args: { ticket, name } };
  return { tool: 'list_attachments', args: { ticket } };
}
