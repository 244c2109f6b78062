import { priorityFromWords, type TicketPriority } from '../../../tickets/index.js';
import { guessPriority } from '../ticket-drafting.js';

/** Priorities said in words: a change to an existing ticket ("escalate", "bump down"), and a new ticket's. */

const ESCALATE =
  /\b(?:escalate|bump\b[^.,;]{0,20}\bup|raise (?:the )?priority|higher(?: priority)?|more urgent|up the priority|increase)\b/i;
const DEESCALATE =
  /\b(?:de-?escalate|bump\b[^.,;]{0,20}\bdown|knock\b[^.,;]{0,20}\bdown|lower (?:the )?priority|drop (?:the )?priority|less urgent|not urgent|downgrade|decrease|reduce)\b/i;

/** A priority in words: P1–P4, urgent/critical, high, low; or one step up or down ("escalate", "bump down"). */
export function priorityChange(text: string): TicketPriority | 'up' | 'down' | undefined {
  const explicit = /\b(?:p|priority\s*|pri\s*|sev\s*)([1-4])\b/i.exec(text)?.[1];
  if (explicit) return `P${explicit}` as TicketPriority;
  // "lower the priority on 212 to 3": the level after "to" in a sentence about priority.
  const toLevel = /\bpriority\b.*\bto\s+([1-4])\s*[.!]*\s*$/i.exec(text)?.[1];
  if (toLevel) return `P${toLevel}` as TicketPriority;
  const spelled = /\b(?:p|priority|pri)\s*(one|two|three|four)\b/i.exec(text)?.[1]?.toLowerCase();
  if (spelled) return `P${['one', 'two', 'three', 'four'].indexOf(spelled) + 1}` as TicketPriority;
  if (/\bnot urgent\b/i.test(text)) return /\blow(?:est)?\b/i.test(text) ? 'P4' : 'down';
  if (/\b(?:urgent|critical|highest|top priority|emergency|sev(?:erity)? ?1)\b/i.test(text)) return 'P1';
  if (/\bhigh(?:er)?\b/i.test(text) && !/\bhigher\b/i.test(text)) return 'P2';
  if (/\b(?:medium|normal)\b/i.test(text)) return 'P3';
  if (/\blow(?:est)?\b/i.test(text) && !DEESCALATE.test(text)) return 'P4';
  if (DEESCALATE.test(text)) return 'down';
  if (ESCALATE.test(text)) return 'up';
  return undefined;
}

const SITE_WIDE =
  /\b(?:whole|entire|all of(?: the)?)\s+(?:\w+\s+)?(?:office|floor|building|site|company|warehouse|department|branch)\b|\b(?:everyone|everybody|nobody|no one)\b|\bfor anyone\b/i;

const CAN_WAIT =
  /\b(?:can wait|no rush|no hurry|not urgent|whenever|when(?:ever)? you (?:get a chance|can|have time)|low priority|not time[- ]critical|nice to have)\b/i;

const highest = (...priorities: TicketPriority[]) => [...priorities].sort()[0] as TicketPriority;

/** A priority said outright wins; else the most pressing of what the words say (impact × urgency, outages, "urgent"). */
export function createPriority(text: string): TicketPriority {
  const explicit = /\b(?:p|priority\s*)([1-4])\b/i.exec(text)?.[1];
  if (explicit) return `P${explicit}` as TicketPriority;
  const level = /\b(low|medium|normal|high)[- ]priority\b/i.exec(text)?.[1]?.toLowerCase();
  if (level) return level === 'low' ? 'P4' : level === 'high' ? 'P2' : 'P3';
  // "can wait till next week", "no rush": said to be low, unless something else says it is pressing.
  if (CAN_WAIT.test(text) && !/\b(?:urgent|asap|critical|emergency|down|outage)\b/i.test(text)) return 'P4';
  const words = priorityFromWords(text);
  const candidates: TicketPriority[] = [words.priority, guessPriority(text)];
  // Everyone, a whole office, an outage: the top of the matrix, whatever the urgency words say.
  if (words.impact === 1 || SITE_WIDE.test(text)) candidates.push('P1');
  if (/\b(?:urgent|asap|critical|emergency)\b/i.test(text) || /\bdown\b|\boutage\b/i.test(text)) candidates.push('P2');
  return highest(...candidates);
}
