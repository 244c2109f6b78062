import { formatTicketNumber } from '../../../tickets/index.js';

/** A ticket named in a sentence: its number and where, and whether it was only a bare number. */
export interface TicketRef {
  ticket: string;
  start: number;
  end: number;
  bare: boolean;
}

const EXPLICIT =
  /\bIT-?\s?0*(\d{1,9})\b|(?:^|[^\w&])#\s?0*(\d{1,9})\b|\b(?:tickets?|tkts?|tix|incidents?|cases?|requests?|reqs?)\s*(?:number|num|no\.?|nr\.?|#|id)?\s*:?\s*#?0*(\d{1,9})\b/gi;

/** A number that measures or names something else: room 412, error 809, 3rd floor, 20 minutes, P1, Windows 11. */
const NOT_A_TICKET_BEFORE =
  /\b(?:before|after|between|testing|error|code|room|floor|port|version|v|build|windows|office|win|ext|extension|level|step|kb|hresult|event|id|pin|vlan|p|priority|pri|top|last|first|next|past|since|until|till|(?<!\b(?:look|looked|looking|glance|peek)\s)at|over|under|about|around|within|every|each|page|line|row|chapter|monitor|screen|printer|prn|asset|serial|laptop|pc|desktop|building|desk|bay|seat|flat|gen|series|model|iphone|galaxy|ios|android|macos|number|no|phone|mobile|call|ring|dial|times|plus|minus|divided by|multiplied by|x|tray|slot|bin|drawer|channel|zone|gate|door|failed|http|returned|returns|microsoft|m365|o365|server|sql|exchange|dell|hp|lenovo|surface|latitude|thinkpad|pixel)\s*$|\d\s*$/i;
const NOT_A_TICKET_AFTER =
  /^(?:"|\s*(?:%|(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|gb|mb|kb|tb|ghz|mhz|hz|am|pm|st|nd|rd|th|min|mins|minutes?|hours?|hrs?|days?|weeks?|months?|years?|secs?|seconds?|x|people|users|tickets|staff|times?|pages?|jobs?|inch(?:es)?|mbps|gbps|ms|k|dpi|fps|seats?|licen[cs]es?|laptops?|monitors?|screens?|devices?|of us|of them|o'?clock)\b|'s\b(?!\s+(?:history|status|notes?|details|timeline|updates?|comments?|requester|assignee|priority|category|title|tags?|log|thread|replies|on|with|in|been|got|still|now|actually|really|a|an)\b)|\.\d|:\d|\/\d|-\d))/i;

/** Words ending in s that follow a ticket number as verbs, not as the things a number counts. */
const VERBS_IN_S = new Set([
  'is',
  'was',
  'has',
  'does',
  'goes',
  'relates',
  'duplicates',
  'needs',
  'keeps',
  'says',
  'belongs',
  'survives',
  'stays',
  'looks',
  'seems',
  'pls',
  'plus',
  'yes',
  'this',
  'its',
  'us',
  'as',
  'thanks',
  'comes',
  'causes',
  'blocks',
  'follows',
]);

/** "2 apps", "3 sheets", "2 meetings": a number followed by a plural noun counts things. */
function countsSomething(after: string): boolean {
  const plural = (word: string | undefined) =>
    word !== undefined && word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !VERBS_IN_S.has(word);
  const [next, then] = (/^\s+([a-z]+)(?:\s+([a-z]+))?\b/i.exec(after) ?? []).slice(1).map((w) => w?.toLowerCase());
  // "40 people", and "40 external people": a word that describes what is counted may come between.
  return plural(next) || (!!next && COUNT_ADJECTIVES.has(next) && (plural(then) || then === 'people'));
}

const COUNT_ADJECTIVES = new Set([
  'external',
  'extra',
  'new',
  'more',
  'other',
  'different',
  'separate',
  'spare',
  'old',
]);

/** Every ticket a sentence names, in order: IT-123, #123, "ticket 123", then bare numbers where allowed. */
export function findTicketRefs(text: string, options: { bareNumbers: boolean }): TicketRef[] {
  const refs: TicketRef[] = [];
  for (const match of text.matchAll(EXPLICIT)) {
    const digits = match[1] ?? match[2] ?? match[3];
    if (!digits) continue;
    const start = match.index + match[0].search(/\S/);
    if (/\b(?:e\.g\.?|eg|for example|such as)\s*[:,]?\s*["'‘“]?$/i.test(text.slice(0, start))) continue;
    refs.push({ ticket: formatTicketNumber(Number(digits)), start, end: match.index + match[0].length, bare: false });
  }
  if (options.bareNumbers) {
    for (const match of text.matchAll(/(?<![\w.:/#-])(\d{1,7})(?![\w])(?![.:/-]\w)/g)) {
      const start = match.index;
      const end = start + match[0].length;
      if (refs.some((ref) => start < ref.end && end > ref.start)) continue;
      const before = text.slice(0, start);
      // "priority 3" is a level, "change priority 339 -> P2" names a ticket: levels have one digit.
      const level = (match[1] ?? '').length === 1 || !/\b(?:priority|pri)\s*$/i.test(before);
      // "bin 1605, it's spam": "bin" opening a sentence is the verb, not a paper bin.
      const verb = /^\s*(?:please\s+)?bin\s*$/i.test(before);
      if ((level && !verb && NOT_A_TICKET_BEFORE.test(before)) || NOT_A_TICKET_AFTER.test(text.slice(end))) continue;
      if (countsSomething(text.slice(end))) continue;
      if (Number(match[1]) === 0) continue;
      refs.push({ ticket: formatTicketNumber(Number(match[1])), start, end, bare: true });
    }
  }
  return refs.sort((a, b) => a.start - b.start);
}
