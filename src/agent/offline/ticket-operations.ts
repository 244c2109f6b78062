import type { ResolutionCode, TicketPriority } from '../../tickets/index.js';
import type { TicketMention } from './intent-router.js';

/** A change to an existing ticket that a message asks for, with the values it states. */
export type TicketOperation =
  | { kind: 'resolve_ticket'; ticket: string; resolutionCode?: ResolutionCode; notes?: string }
  | { kind: 'close_ticket'; ticket: string; notes?: string }
  | { kind: 'reopen_ticket'; ticket: string; reason?: string }
  | { kind: 'pending_ticket'; ticket: string; reason?: string }
  | { kind: 'cancel_ticket'; ticket: string; reason?: string }
  | { kind: 'add_note'; ticket: string; text?: string }
  | { kind: 'add_reply'; ticket: string; text?: string }
  | { kind: 'assign_ticket'; ticket: string; assignee?: string; group?: string }
  | { kind: 'set_priority'; ticket: string; priority?: TicketPriority }
  | { kind: 'update_ticket'; ticket: string; title?: string; category?: string; addTags?: string[] };

export type TicketOperationKind = TicketOperation['kind'];

/**
 * The words that name each operation, typos included. The operation named first in a message
 * wins: in "close #98 - confirmed fixed" the request is the close, "fixed" is the note.
 */
const OPERATION_WORDS: [TicketOperationKind, RegExp][] = [
  [
    'add_note',
    /\b(?:internal note|int\.? note|note to self|add (?:an? )?(?:internal )?note|for the team\b)|^\s*note\b/i,
  ],
  [
    'add_reply',
    /\b(?:public reply|reply|respond|tell the (?:user|requester)|let (?:them|the user|the requester)\b|message the (?:user|requester))/i,
  ],
  ['reopen_ticket', /\b(?:re-?open(?:ing|ed)?|reopn)\b|\bopen\b[^.?!]{0,40}?\bagain\b/i],
  ['resolve_ticket', /\b(?:res|resolve|resolvd|resolved)\b/i],
  ['close_ticket', /\b(?:close(?: out)?|closed|cls|clsoe)\b/i],
  ['pending_ticket', /\b(?:pending|pend|on hold|hold|park|waiting (?:on|for)|awaiting)\b/i],
  ['cancel_ticket', /\b(?:cancel|cancl|withdraw)\b/i],
  ['update_ticket', /\b(?:title|rename|category|tags?)\b/i],
  ['set_priority', /\b(?:pri(?:ority)?|p[1-4]|urgent|critical|highest)\b/i],
  ['assign_ticket', /\b(?:assign|assgn|reassign|give|route|i'?ll take)\b|->/i],
];

/**
 * A question about a ticket's state ("is IT-44 resolved yet?", "quick one - is IT-4410 closed?")
 * or a report of it ("IT-812 says resolved but…?") is not a request to change it.
 */
const QUESTION_WORD = String.raw`(?:is|are|has|have|was|were|did|does|any|what|whats|what's|when|who|where|why|which)\b`;
const STARTS_AS_QUESTION = new RegExp(String.raw`^\s*${QUESTION_WORD}`, 'i');
/** Mid-message ("quick one - is it closed?") only counts when the message asks something. */
const ASKS_MIDWAY = new RegExp(String.raw`[—–\-:;,.!]\s+${QUESTION_WORD}[^.!]*\?`, 'i');
const STATE_REPORT = /\b(?:says|shows|marked|is|was|been)\s+(?:as\s+)?(?:resolved|closed|pending|on hold)\b/i;

const RESOLUTION_WORDS: [ResolutionCode, RegExp][] = [
  ['duplicate', /\b(?:as an? )?duplicate\b/i],
  ['user_error', /\b(?:was an? )?user error\b/i],
  ['workaround', /\b(?:applied an? )?workaround\b/i],
  ['no_fault_found', /\bno fault found\b|\bnff\b/i],
  ['wont_fix', /\bwon'?t fix\b|\bwontfix\b/i],
  ['known_error', /\bknown error\b/i],
  ['fixed', /\bfixed(?: by)?\b/i],
];

const PRIORITY_WORDS: [TicketPriority, RegExp][] = [
  ['P1', /\b(?:p1|pri(?:ority)?\s*1|critical|urgent|highest)\b/i],
  ['P2', /\b(?:p2|pri(?:ority)?\s*2|high)\b/i],
  ['P3', /\b(?:p3|pri(?:ority)?\s*3|medium|normal)\b/i],
  ['P4', /\b(?:p4|pri(?:ority)?\s*4|low|lowest)\b/i],
];

/** Filler around the part of a message that carries a value. */
const LEADING_FILLER =
  /^(?:[\s:;,.!?\-–—>]|\b(?:please|pls|plz|thanks|thx|saying|say|that|know|notes?|reason|because|as|to|with|for the team|needs?|pending|resolved|closed|again|on hold|for good|out)\b)+/i;
const TRAILING_FILLER = /(?:[\s,;:!?\-–—]|\b(?:please|pls|plz|thanks|thx)\b)+$/i;

function clean(text: string): string | undefined {
  let value = text.trim();
  for (let i = 0; i < 4; i++) value = value.replace(LEADING_FILLER, '').replace(TRAILING_FILLER, '').trim();
  value = value.replace(/\.$/, '').trim();
  return value.length >= 2 ? value : undefined;
}

/** Text in quotes; an apostrophe inside a word ("we're") is not a quote. */
function quoted(text: string): string | undefined {
  return /(?:^|[\s:(])["“‘']([^"”’']{2,}?)["”’'](?=$|[\s.,;:!?)])/.exec(text)?.[1]?.trim();
}

/** The text after both the ticket number and the operation's own words. */
function rest(message: string, mention: TicketMention, action: RegExpExecArray): string {
  const actionEnd = action.index + action[0].length;
  return message.slice(Math.max(mention.end, actionEnd));
}

function freeText(message: string, mention: TicketMention, action: RegExpExecArray): string | undefined {
  return quoted(message) ?? clean(rest(message, mention, action));
}

function resolution(text: string): { code?: ResolutionCode; notes?: string } {
  for (const [code, pattern] of RESOLUTION_WORDS) {
    const match = pattern.exec(text);
    if (match)
      return { code, notes: clean(text.slice(match.index + match[0].length)) ?? clean(text.slice(0, match.index)) };
  }
  return { notes: clean(text) };
}

function priorityIn(text: string): TicketPriority | undefined {
  return PRIORITY_WORDS.find(([, pattern]) => pattern.test(text))?.[0];
}

const GROUP_WORDS = /\b(?:team|desk|support|group|ops|operations)\b/i;

function assignment(message: string, mention: TicketMention): { assignee?: string; group?: string } {
  const withoutTicket = `${message.slice(0, mention.start)} ${message.slice(mention.end)}`;
  if (/\b(?:to me|i'?ll take)\b/i.test(withoutTicket)) return { assignee: 'me' };
  const arrow = /->\s*([^,.;]+)/.exec(withoutTicket);
  const target = arrow?.[1] ?? /\bto\s+(.+?)\s*[.!?]*$/i.exec(withoutTicket)?.[1];
  if (!target) return {};
  const [person, team] = target.split(/\s+in\s+(?:the\s+)?/i);
  const name = (person ?? '').replace(/^the\s+/i, '').trim();
  if (team) return { assignee: name, group: team.trim() };
  return GROUP_WORDS.test(name) ? { group: name } : { assignee: name };
}

function fieldUpdates(message: string): { title?: string; category?: string; addTags?: string[] } {
  const title = /\b(?:title|rename)\b.*?\bto\s+["'‘“]?(.+?)["'’”]?(?:\s+and\s+add\b.*)?\s*\.?$/i.exec(message)?.[1];
  const category = /\bcategory\b(?:\s+on\s+\S+)?\s*(?:to|->|=|:)\s*([^,.;]+)/i.exec(message)?.[1]?.trim();
  const tags = /\b(?:add (?:the )?tags?|tag\b.*?\bwith)\s+(.+?)\s*\.?$/i.exec(message)?.[1];
  return {
    ...(title ? { title: title.trim() } : {}),
    ...(category ? { category } : {}),
    ...(tags
      ? {
          addTags: tags
            .split(/\s*(?:,|\band\b)\s*/)
            .map((tag) => tag.trim())
            .filter(Boolean),
        }
      : {}),
  };
}

/**
 * Reads a request to change the ticket the message names, with the values it states. Returns
 * undefined when the message names no operation or only asks about the ticket's state.
 */
export function parseTicketOperation(message: string, mention: TicketMention): TicketOperation | undefined {
  const asksToAct = /^\s*(?:(?:can|could|would|will)\s+you|please|pls)\b/i.test(message);
  const asksAboutState =
    STARTS_AS_QUESTION.test(message) ||
    ASKS_MIDWAY.test(message) ||
    (STATE_REPORT.test(message) && message.includes('?'));
  if (asksAboutState && !asksToAct) return undefined;
  let first: { kind: TicketOperationKind; match: RegExpExecArray } | undefined;
  for (const [kind, pattern] of OPERATION_WORDS) {
    const match = pattern.exec(message);
    if (match && (!first || match.index < first.match.index)) first = { kind, match };
  }
  if (!first) return undefined;
  const { kind, match } = first;
  const { ticket } = mention;
  switch (kind) {
    case 'add_note':
    case 'add_reply':
      return { kind, ticket, text: freeText(message, mention, match) };
    case 'resolve_ticket': {
      const { code, notes } = resolution(rest(message, mention, match));
      return { kind, ticket, resolutionCode: code, notes };
    }
    case 'close_ticket':
      return { kind, ticket, notes: freeText(message, mention, match) };
    case 'pending_ticket': {
      // "waiting on the vendor" is both the request and its reason.
      const reason = /^(?:waiting|awaiting)/i.test(match[0])
        ? clean(message.slice(match.index))
        : freeText(message, mention, match);
      return { kind, ticket, reason };
    }
    case 'reopen_ticket':
    case 'cancel_ticket':
      return { kind, ticket, reason: freeText(message, mention, match) };
    case 'assign_ticket':
      return { kind, ticket, ...assignment(message, mention) };
    case 'set_priority':
      return { kind, ticket, priority: priorityIn(message.slice(match.index)) ?? priorityIn(message) };
    case 'update_ticket':
      return { kind, ticket, ...fieldUpdates(message) };
  }
}
