import type { ResolutionCode } from '../../../tickets/index.js';
import type { TicketRef } from './ticket-references.js';

/**
 * The free-text values a ticket change carries, cut out of the sentence around its ticket number:
 * notes, replies, reasons, and the resolution code said in words.
 */

const CODE_WORDS: [string, RegExp][] = [
  ['duplicate', /\b(?:duplicate|dupe|dup)\b/i],
  ['user_error', /\buser error\b|\bcaps ?lock\b|\bpebkac\b|\buser mistake\b|\bwrong password\b/i],
  ['workaround', /\bwork-?around\b/i],
  ['no_fault_found', /\bno fault found\b|\bnff\b|\bcould(?:n'?t| not) reproduce\b|\bno fault\b/i],
  ['wont_fix', /\bwon'?t fix\b|\bwontfix\b|\bwill not fix\b/i],
  ['known_error', /\bknown error\b/i],
  ['fixed', /\bfixed\b/i],
];

export function codeIn(text: string): ResolutionCode | undefined {
  return CODE_WORDS.find(([, pattern]) => pattern.test(text))?.[0] as ResolutionCode | undefined;
}

/** Notes without the code's own words at their start ("won't fix - SoD conflict" → "SoD conflict"). */
export function stripCode(notes: string): string | undefined {
  const stripped = notes
    .replace(
      /^(?:it\s+)?(?:was\s+)?(?:an?\s+)?(?:user error|won'?t fix|workaround|no fault found|fixed by|fixed|known error|duplicate)\b[\s,:;.\-–—]*/i,
      '',
    )
    .trim();
  return stripped.length >= 2 ? stripped : undefined;
}

/** The words after a bare ticket number and the verb before it: "close 325, it was caps lock" → "it was caps lock". */
export function afterNumber(text: string, ref: TicketRef): string | undefined {
  const rest = text
    .slice(ref.end)
    .replace(/^[\s,:;.\-–—]+/, '')
    .replace(/^(?:as\s+)?(?:resolved|closed|res)\b[\s,:;.\-–—]*/i, '')
    .trim();
  return rest.length >= 2 ? rest.replace(/[.\s]+$/, '') : undefined;
}

/** "what category should 'cannot print from mac' be", "triage this: wifi drops": the problem itself. */
export function quotedOrAfterColon(text: string): string | undefined {
  const quoted = /["“‘']([^"”’']{4,})["”’']/.exec(text)?.[1]?.trim();
  if (quoted) return quoted;
  const colon = text.indexOf(':');
  const after = colon >= 0 ? text.slice(colon + 1).trim() : '';
  return after.length >= 4 ? after : undefined;
}

/** "352 fixed, SMTP password updated, resolve it": what was done, said between the ticket and a trailing verb. */
export function notesBeforeVerb(text: string, ref: TicketRef): string | undefined {
  const after = text.slice(ref.end);
  const verb =
    /[,.;:\-–—]\s*(?:so\s+|please\s+|pls\s+|and\s+|then\s+|now\s+)?(?:resolve|close|mark|res|cancel|scrap|kill)\b/i.exec(
      after,
    );
  if (!verb) return undefined;
  const notes = after
    .slice(0, verb.index)
    .replace(/^[\s,:;.\-–—]+/, '')
    .trim();
  return notes.length >= 4 ? stripCode(notes) : undefined;
}

/** "reply 354: that email is phishing…": everything after a colon that follows the ticket, verbatim. */
export function colonAfter(text: string, ref: TicketRef): string | undefined {
  const colon = text.indexOf(':', ref.end);
  if (colon < 0 || colon - ref.end > 40) return undefined;
  const body = text.slice(colon + 1).trim();
  return body.length >= 2 ? body : undefined;
}

/** "tell the customer on 311 to try the gateway", "let the user on 346 know an engineer will…". */
export function messageAfter(text: string, ref: TicketRef): string | undefined {
  const body = text
    .slice(ref.end)
    .replace(/^[\s,:;\-–—]+/, '')
    .replace(/^(?:know\s+)?(?:that|to say|saying|asking (?:him|her|them) to|to)\s+/i, '')
    .replace(/^(?:please\s+)?/i, '')
    .trim();
  return body.length >= 2 ? body.replace(/[.\s]+$/, '') : undefined;
}

/** "scrap 505, they bought the licence themselves": the words after the ticket, when there are some. */
export function reasonAfter(text: string, ref: TicketRef): string | undefined {
  const rest = text
    .slice(ref.end)
    .replace(/^[\s,:;.\-–—]+/, '')
    .replace(/^(?:as|because|since|please|pls)\b[\s,]*/i, '')
    .trim();
  return rest.length >= 4 && /\s/.test(rest) ? rest.replace(/[.\s]+$/, '') : undefined;
}

export function holdReason(text: string): string | undefined {
  return /\b((?:until|till|waiting|awaiting|while|because|as)\b.{2,})$/i.exec(text)?.[1]?.replace(/[.\s]+$/, '');
}

/** The question back for a resolve whose resolution code the words do not settle. */
export function resolutionCodeQuestion(ticket: string): string {
  return `How was ${ticket} resolved: fixed, workaround, user_error, duplicate, no_fault_found, wont_fix or known_error? For example: resolve ${ticket} fixed, replaced the toner`;
}

/** The question back for a hold without a reason. */
export function holdReasonQuestion(ticket: string): string {
  return `Why is ${ticket} on hold? For example: put ${ticket} on hold, waiting for the user`;
}
