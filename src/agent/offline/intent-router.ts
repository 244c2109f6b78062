import { looksLikeLog } from '../../logs/log-signatures.js';
import { formatTicketNumber } from '../../tickets/index.js';
import { parseTicketOperation, type TicketOperation } from './ticket-operations.js';

/** What the offline provider decided a message asks for. */
export type Intent =
  | { kind: 'kb_question' }
  | { kind: 'analyze_log' }
  | { kind: 'create_ticket' }
  | { kind: 'ticket_status'; ticket: string }
  | { kind: 'list_tickets' }
  | TicketOperation;

export type IntentKind = Intent['kind'];

const TICKET_NOUN = '(?:ticket|tkt|tix|incident|case|request|req)';

/**
 * Ways people refer to one ticket. A bare number only counts after a ticket noun, so room 412,
 * asset tags and printer ids are not mistaken for tickets.
 */
const TICKET_REFERENCES: RegExp[] = [
  /\bit-?\s?0*(\d{1,9})\b/i,
  /(?:^|[^\w&])#\s?0*(\d{1,9})\b/,
  new RegExp(String.raw`\b${TICKET_NOUN}s?\s*(?:number|num|no\.?|nr\.?|#|id)?\s*:?\s*#?0*(\d{1,9})\b`, 'i'),
];

/** "e.g. #4521", "like IT-000123": a number given as an example, not a ticket being asked about. */
const EXAMPLE_MARKER = /\b(?:e\.g\.?|eg|for example|for instance|such as|like)\s*[:,]?\s*["'‘“]?$/i;

/** Asking for a ticket to be made: an imperative or request verb with a ticket noun, or a fixed phrase. */
const CREATE_PATTERNS: RegExp[] = [
  new RegExp(
    String.raw`(?<!\b(?:my|any|all|the)\s+)\b(?:open|raise|log|file|create|submit|make|lodge|start|escalate|put in)\b[^.?!]{0,30}?\b(?:${TICKET_NOUN}|one)\b`,
    'i',
  ),
  new RegExp(String.raw`\b(?:new|create)\s+${TICKET_NOUN}\b`, 'i'),
  /\b(?:ticket|tkt|incident)\s+(?:please|pls|plz)\b/i,
  new RegExp(String.raw`\bneed\s+(?:a|an)\s+${TICKET_NOUN}\s+(?:opened|raised|logged|created)\b`, 'i'),
  /\b(?:please|pls|can you|could you)\s+(?:log|file|report)\s+(?:it|this|that)\b/i,
  /\b(?:log|file)\s+(?:it|this)\s+(?:for me|please|pls)\b/i,
  /\b(?:need|want|like)\s+to\s+report\b/i,
  /\breport\b[^.?!]{0,40}\bto\s+(?:it|the\s+helpdesk|the\s+service\s+desk|support)\b/i,
  // "can you raise that?", "file it as a fault", "raise whatever you need to raise"
  /\b(?:raise|log|file)\s+(?:it|this|that|whatever)\b/i,
  /\b(?:ticket|request|incident|case)\s+(?:put\s+in|raised|logged|opened|created)\b/i,
  /\b(?:put|get|add|place|stick)\b[^.?!]{0,20}\b(?:in|into|on|to)\s+(?:the\s+)?(?:\w+\s+)?queue\b/i,
  /\bneed\s+(?:someone|somebody|a\s+tech|a\s+technician|an\s+engineer)\b/i,
];

/** "where are we with 5531?": a bare number right after a progress question is a ticket. */
const STATUS_OF_NUMBER =
  /\b(?:where\s+are\s+we|any\s+(?:update|news|movement|progress)|status|eta|progress|update)\b[^.?!\d]{0,15}\b(?:with|on|of|for)\s+#?0*(\d{2,9})\b/i;

/** Asking how something works: a ticket word or number in it is part of the topic, not a request. */
const HOW_TO = /\b(?:how\s+(?:do|can|should|would|to|long)|what(?:'s| is)\s+the\s+format|do\s+i\s+need\s+(?:a|an)\s)/i;

/** Wanting to see one's tickets. */
const LIST_PATTERNS: RegExp[] = [
  /\bmy\s+(?:\w+\s+){0,2}(?:tickets|tix|tkts|requests|incidents|cases|ticket history)\b/i,
  /\bmy\s+tickets?\b/i,
  /\b(?:list|show|see|view|pull up|display)\b[^.?!]{0,30}\b(?:tickets|tix|tkts|requests|incidents|cases)\b/i,
  /\b(?:tickets|tix|requests|incidents|cases)\b[^.?!]{0,30}\b(?:i\s+have|i've|i\s+raised|i\s+logged|do\s+i\s+have)\b/i,
  /\b(?:do|have)\s+i\s+(?:have\s+|got\s+)?(?:any\s+)?(?:\w+\s+)?(?:tickets|tix|requests|incidents|cases)\b/i,
  /\bwhat\s+(?:tickets|requests|incidents)\b/i,
  /\b(?:anything|what)\b[^.?!]{0,25}\b(?:open|pending|waiting)\b[^.?!]{0,15}\b(?:for me|with it|with you)\b/i,
  /\b(?:everything|what)\s+i(?:'ve|\s+have)\s+(?:reported|logged|raised|opened)\b/i,
  /\b(?:have\s+i\s+got|i've\s+got|i\s+have|of\s+mine|do\s+i\s+have)\b[^.?!]{0,30}\b(?:outstanding|open|pending|waiting)\b/i,
  /\b(?:outstanding|open|pending|waiting)\b[^.?!]{0,30}\b(?:for\s+me|of\s+mine)\b/i,
  /\b(?:tickets|tix|requests|incidents|cases)\s+(?:have|do)\s+i\b/i,
];

/** Where a message names a ticket: the number, and the span of text that named it. */
export interface TicketMention {
  ticket: string;
  start: number;
  end: number;
}

export function locateTicketReference(message: string): TicketMention | undefined {
  for (const pattern of TICKET_REFERENCES) {
    const match = pattern.exec(message);
    if (!match) continue;
    const start = match.index + match[0].search(/\S/);
    if (EXAMPLE_MARKER.test(message.slice(0, start))) continue;
    return { ticket: formatTicketNumber(Number(match[1])), start, end: match.index + match[0].length };
  }
  const statusOfNumber = STATUS_OF_NUMBER.exec(message);
  if (!statusOfNumber) return undefined;
  return {
    ticket: formatTicketNumber(Number(statusOfNumber[1])),
    start: statusOfNumber.index,
    end: statusOfNumber.index + statusOfNumber[0].length,
  };
}

export function findTicketReference(message: string): string | undefined {
  return locateTicketReference(message)?.ticket;
}

/**
 * Routes a message to an intent with rules, the way a helpdesk agent reads it: an explicit request
 * for a ticket first, then a question about one ticket, then a request to see one's tickets;
 * everything else is an IT question for the knowledge base.
 */
export function classifyIntent(message: string): Intent {
  const mention = locateTicketReference(message);
  const ticket = mention?.ticket;
  const howTo = HOW_TO.test(message);
  const wantsNewTicket = !howTo && CREATE_PATTERNS.some((pattern) => pattern.test(message));
  // "please open a separate one", "not related to #3321": a new ticket even though a number appears.
  const explicitlySeparate = /\b(?:separate|another|new)\s+(?:one|ticket)\b|\bnot related to\b/i.test(message);
  if (wantsNewTicket && (!ticket || explicitlySeparate)) return { kind: 'create_ticket' };
  // A pasted log mentions ticket-like numbers and "failed" everywhere: read it as a log first.
  if (!wantsNewTicket && looksLikeLog(message)) return { kind: 'analyze_log' };
  if (mention && !howTo)
    return parseTicketOperation(message, mention) ?? { kind: 'ticket_status', ticket: mention.ticket };
  if (!howTo && LIST_PATTERNS.some((pattern) => pattern.test(message))) return { kind: 'list_tickets' };
  if (wantsNewTicket) return { kind: 'create_ticket' };
  return { kind: 'kb_question' };
}

export type { TicketOperation } from './ticket-operations.js';
