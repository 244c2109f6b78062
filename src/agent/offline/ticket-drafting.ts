import type { TicketPriority } from '../../tickets/index.js';

const GREETING =
  /^\s*(?:hi|hello|hey|morning|good (?:morning|afternoon))\b[\s,!.-]*(?:it(?: team)?|team|there)?[\s,!.-]*/i;
const POLITE = String.raw`(?:(?:please|pls|plz|can you|could you|can u|could u|would you|can someone|i'd like to|i would like to|i need to|i want to)\s+)*`;
/** The parts of a message that ask for a ticket rather than describe the problem. */
const REQUEST_PHRASES: RegExp[] = [
  new RegExp(
    String.raw`${POLITE}\b(?:open|raise|log|file|create|submit|make|lodge|escalate)\s+(?:this\s+as\s+)?(?:me\s+)?(?:(?:an|a)\s+)?(?:(?:new|separate)\s+)?(?:ticket|tkt|incident|request|case|one)\b(?:\s+for\s+me)?(?:\s+(?:pls|please))?\s*(?:about|for|that|to|regarding)?\s*[:,.?!-]*`,
    'i',
  ),
  /\b(?:new ticket|ticket please|create ticket|report to it)\b\s*[:,.-]*/i,
  /\bneed\s+(?:a|an)\s+(?:ticket|request)\s+(?:opened|raised|logged)\s*(?:to|for|about)?\s*/i,
  new RegExp(String.raw`[.,]?\s*${POLITE}(?:log|file)\s+(?:it|this)(?:\s+for\s+me)?\s*[.?!]*`, 'i'),
  /\bi\s+need\s+to\s+report\s+/i,
];
const TITLE_MAX = 80;

/** IT's own short words, written in capitals in a title however the message typed them ("vpn drops" → "VPN drops"). */
const ACRONYMS = /\b(?:vpn|sap|mfa|sso|pc|usb|hdmi|dns|dhcp|lan|crm|erp|hr|ip|pdf|ssl|tls|sms|url)\b/g;

/** Contractions typed without their apostrophe, as a title should spell them ("wont open" → "won't open"). */
const CONTRACTIONS: Record<string, string> = {
  wont: "won't",
  cant: "can't",
  isnt: "isn't",
  doesnt: "doesn't",
  dont: "don't",
  didnt: "didn't",
  wasnt: "wasn't",
  arent: "aren't",
  couldnt: "couldn't",
  hasnt: "hasn't",
  havent: "haven't",
};
const CONTRACTION = new RegExp(`\\b(?:${Object.keys(CONTRACTIONS).join('|')})\\b`, 'gi');

/** Whose it is belongs in the requester field: "his laptop won't turn on" is titled "Laptop won't turn on". */
const LEADING_POSSESSIVE = /^(?:my|his|her|their|our)\s+(?=\S+\s+\S)/i;

function capitalise(text: string): string {
  const withAcronyms = text.replace(ACRONYMS, (word) => word.toUpperCase());
  return withAcronyms.charAt(0).toUpperCase() + withAcronyms.slice(1);
}

/** A short ticket title from a request like "please open a ticket: my monitor is broken". */
export function draftTicketTitle(message: string): string {
  const firstLine = message.trim().split(/\r?\n/)[0] ?? '';
  let text = firstLine.replace(GREETING, '');
  const withoutRequest = REQUEST_PHRASES.reduce((rest, phrase) => rest.replace(phrase, ' '), text)
    .replace(/\s+/g, ' ')
    .trim();
  // Keep the original when stripping the request leaves nothing that describes the problem.
  if (withoutRequest.replace(/[^a-z0-9]/gi, '').length >= 8) text = withoutRequest;
  text = text
    .replace(/^[\s:,.-]+|[\s?!.]+$/g, '')
    .replace(LEADING_POSSESSIVE, '')
    .replace(CONTRACTION, (word) => CONTRACTIONS[word.toLowerCase()] ?? word);
  if (text.length > TITLE_MAX) {
    const cut = text.slice(0, TITLE_MAX);
    text = `${cut.slice(0, Math.max(cut.lastIndexOf(' '), TITLE_MAX / 2))}…`;
  }
  return capitalise(text || 'Help requested');
}

const URGENT =
  /\b(?:ransomware|data breach|security breach|fire|flood(?:ing)?|water (?:dripping|leak)|company-wide|entire company|all staff)\b/i;
const WIDESPREAD =
  /\b(?:everyone|every one|whole (?:team|office|floor|department|company)|all users|nobody can|no one can|outage|down for|for anyone|for all)\b/i;

/** P1 for emergencies, P2 when many people are affected, otherwise the usual P3. */
export function guessPriority(message: string): TicketPriority {
  if (URGENT.test(message)) return 'P1';
  if (WIDESPREAD.test(message)) return 'P2';
  return 'P3';
}
