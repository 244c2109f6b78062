import { categoryNamedIn } from '../../../tickets/index.js';
import { draftTicketTitle } from '../ticket-drafting.js';
import { type CompanyDirectory, findGroups, findPeople } from './company-directory.js';
import { createPriority } from './priority-words.js';
import type { Understanding } from './understand.js';

/**
 * Requests for a new ticket ("open a ticket for priya.raman: outlook keeps crashing, p2"): who it
 * is for, its priority from the words, and a title without the command words, or a question back
 * when the ticket is about nothing yet or for someone the directory does not know.
 */

const clarify = (question: string): Understanding => ({ tool: 'clarify', question, intent: 'create_ticket' });

/** "for priya.raman", "for john's broken monitor", "on behalf of Mei": who the ticket is for. */
function requesterIn(
  text: string,
  directory: CompanyDirectory,
): { username?: string; span?: [number, number]; ambiguous?: string } {
  for (const person of findPeople(text, directory)) {
    const before = text.slice(0, person.start);
    // "for priya", "on behalf of Mei", "john's monitor", or the sentence's subject: "Kwame needs a new mouse".
    const subject =
      !before.trim() &&
      /^\s*(?:needs|wants|can'?t|cannot|has|is|reports|says|reckons|asked)\b/i.test(text.slice(person.end));
    if (
      !subject &&
      !/\b(?:for|on behalf of|from|requester(?: is)?|raised by|reported by|user)\s*:?\s*$/i.test(before) &&
      !/'s$|’s$/.test(person.text)
    )
      continue;
    if (person.matches.length !== 1)
      return {
        ambiguous: `Which ${person.text.replace(/'s$/i, '')} is it for: ${person.matches.map((u) => u.username).join(', ')}?`,
      };
    return { username: person.matches[0]?.username, span: [person.start, person.end] };
  }
  return {};
}

/** "…, assign to me": the speaker takes the new ticket. */
const ASSIGN_TO_ME = /\b(?:assign(?:ed)?(?: it)? to me|give it to me|i'?ll take it|put me on it)\b/i;
/** "…, p2, assign to me", "…, low priority", "… - raise a ticket": said about the ticket, not part of its title. */
const TITLE_TAIL =
  /\s*(?:[,;.]|\s[-–])\s*(?:(?:it'?s\s+)?(?:low|normal|medium|high)[- ]priority|p[1-4]|priority [1-4]|assign(?:ed)?(?: it)? to me|give it to me|i'?ll take it|(?:please\s+|can you\s+)?(?:raise|log|open|create)\s+(?:a\s+|one\s+)?(?:ticket|one)?(?:\s+for\s+(?:it|this|me|her|him|them))?)\s*(?:please|pls)?[.!]*\s*$/i;

/** A request for a new ticket: its requester, priority and a clean title from the words, or a question back. */
export function readNewTicket(text: string, directory: CompanyDirectory): Understanding {
  const requester = requesterIn(text, directory);
  if (requester.ambiguous) return clarify(requester.ambiguous);
  const priority = createPriority(text);
  let title = text;
  if (requester.span) {
    const [start, end] = requester.span;
    const possessive = /(?:'|’)s$/.test(text.slice(start, end));
    // "for Connor Doyle please, Outlook…" → "Outlook…"; "for john's monitor" keeps "monitor".
    const before = text.slice(0, start).replace(/\b(?:for|on behalf of|from)\s*$/i, possessive ? 'for ' : '');
    title = `${before}${text.slice(end).replace(/^\s*(?:please|pls)\b/i, '')}`;
  }
  title = title
    .replace(
      /^\s*(?:(?:please|pls|can you|could you)\s+)?(?:raise|open|log|create|file|submit|make)\s+(?:(?:a|an|new)\s+)*(?:(?:p[1-4]|urgent|critical|high[- ]priority|low[- ]priority)\s*)?(?:ticket|incident|request|case|one)?\s*(?:for me)?\s*[:,\-–—]\s*/i,
      '',
    )
    .replace(
      /[,;.]?\s*(?:it'?s|its|this is|very|really|super)?\s*(?:urgent|asap|critical|an emergency)\s*(?:please|pls)?[.!]*\s*$/i,
      '',
    )
    .replace(/^\s*(?:urgent|asap|p[1-4])\s*[-–:,]\s*/i, '');
  // "…, p2, assign to me", "…, low priority", "… - raise a ticket": said about the ticket, not in its title.
  for (let previous = ''; previous !== title; ) {
    previous = title;
    title = title.replace(TITLE_TAIL, '');
  }
  title = title
    .replace(/[,;.]?\s*\b(?:p[1-4]|priority [1-4])\s*[.!]*\s*$/i, '')
    .replace(
      /\b(?:a |an )?(?:urgent|p[1-4]|high[- ]priority|low[- ]priority|critical)\s+(?=(?:ticket|incident|request|case)\b)/i,
      '',
    );
  // "open a ticket for Harriet": nothing said about the problem yet.
  const about = title.replace(
    /\b(?:a|an|the|new|ticket|incident|request|case|please|pls|for|me|one|open|raise|log|create|file)\b/gi,
    '',
  );
  if (!/[a-z]{3,}/i.test(about)) return clarify('What is the ticket about? For example: printer on floor 3 jams');
  // "for mike about his monitor": someone the directory does not know is not a requester to guess.
  const stranger = /\bfor\s+([a-z]+)\s*(?:about|re|regarding|with|[,:–-])/i.exec(text)?.[1];
  if (
    !requester.username &&
    stranger &&
    !/^(?:me|us|him|her|them|it|this|that|everyone|everybody|someone|all|the|a|an)$/i.test(stranger) &&
    !findGroups(`the ${stranger} team`, directory, { loose: true }).length &&
    !categoryNamedIn(stranger, directory.categories)
  )
    return clarify(`I don't know anyone called "${stranger}". Who is the ticket for? Give a username.`);
  const args: Record<string, unknown> = {
    title: draftTicketTitle(title),
    description: text,
    priority,
  };
  if (requester.username) args.requester = requester.username;
  if (ASSIGN_TO_ME.test(text)) args.assignee = 'me';
  return { tool: 'create_ticket', args, intent: 'create_ticket' };
}
