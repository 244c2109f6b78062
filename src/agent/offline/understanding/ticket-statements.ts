import { categoryNamedIn } from '../../../tickets/category-words.js';
import type { TicketRef } from './ticket-references.js';

/**
 * Changes people state rather than command, read before the classifier because the words settle
 * them: "ticket 940 -> pending: vendor RMA", "it-50 back to open, the loop returned", "#412
 * sorted - user error", "IT-512 is actually a network issue", "IT-640 belongs to sophie",
 * "nobody should own 2222", "wifi not vpn on 318", "88's on the wrong team". Each gives the intent; the values are read as for the commands.
 */

/** "-> pending", "back to open", "set to resolved", "move #901 from new to open". */
const STATUS_AFTER_ARROW =
  /(?:->|→|=>|\bback to|\b(?:set|move|moved|put|change|switch)\b[^.;:]{0,30}?\bto)\s*(?:the\s+)?(new|open|in[- ]progress|pending|on[- ]hold|resolved|closed|cancell?ed)\b/i;
/** "#412 sorted - …", "88 is fixed now", "1604 done, user happy". */
const DONE_STATEMENT =
  /^\s*(?:ticket\s*)?(?:#|it-?)?\s?\d+\s*(?:is\s+|has been\s+|was\s+)?(?:all\s+)?(?:sorted(?: out)?|fixed|done|resolved|working again)\b/i;
/** "is actually a network issue", "is really a sharepoint thing", "should be filed under phishing". */
const CATEGORY_FACT =
  /\b(?:is|it'?s|its)\s+(?:actually|really|more|more like|just|clearly|definitely)?\s*(?:a|an)\s+[\w\s/&-]{2,30}?\s+(?:issue|problem|thing|ticket|one|matter|fault|request)\b|\b(?:filed|file it|goes|go|should be|belongs?)\s+(?:under|in(?:to)?)\s+(?!hold\b)\w|\bshould be in\b/i;
/** "1789 is customer portal, not SAP", "wifi not vpn on 318": one kind of problem said against another. */
const RATHER_THAN = /^(.*?)[\s,;-]+not\s+(?:a\s+|an\s+|the\s+)?(.+)$/i;
/** "88's on the wrong team, it's a mailbox thing": a hand-over to whoever takes that kind of ticket. */
export const WRONG_TEAM = /\bwrong\s+(?:team|group|queue|desk)\b/i;

const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** The category a sentence sets against another ("mac problem not windows"), or undefined. */
export function categoryRatherThan(text: string, categories: readonly string[]): string | undefined {
  const parts = RATHER_THAN.exec(text);
  if (!parts) return undefined;
  const is = categoryNamedIn(
    words(parts[1] ?? '')
      .slice(-4)
      .join(' '),
    categories,
  );
  const isNot = categoryNamedIn(
    words(parts[2] ?? '')
      .slice(0, 3)
      .join(' '),
    categories,
  );
  return is && isNot && is !== isNot ? is : undefined;
}

const BELONGS_TO = /\bbelongs?\s+(?:to|with)\s+(?!the\s+\w+\s+categor)/i;
const CLEAR_ASSIGNEE =
  /\b(?:clear|remove|drop|unset|take off)\s+(?:the\s+)?(?:assignee|owner)\b|\bunassign\b|\bnobody should (?:own|have)\b|\bno one should (?:own|have)\b|\bback to (?:nobody|no one|unassigned)\b/i;
/** "update the user on #2044: …", "let the requester know on 88 that …": a reply, whoever reads it. */
export const TELL_THE_USER =
  /^\s*(?:(?:please|pls|can you|could you)\s+)?(?:update|tell|let|message|email|ping|inform|notify|get back to|reply to|respond to|write to)\s+(?:the\s+)?(?:user|requester|customer|caller|reporter|person)\b/i;

const STATUS_INTENT: Record<string, string> = {
  new: 'clarify_status',
  pending: 'pending_ticket',
  'on hold': 'pending_ticket',
  'on-hold': 'pending_ticket',
  resolved: 'resolve_ticket',
  closed: 'close_ticket',
  canceled: 'cancel_ticket',
  cancelled: 'cancel_ticket',
};

/** The intent a statement about one ticket makes, or undefined when it is not one of these. */
export function readTicketStatement(
  text: string,
  refs: TicketRef[],
  names: { person: boolean; group: boolean; categoryRatherThan: boolean },
): string | undefined {
  if (refs.length !== 1) return undefined;
  const ref = refs[0] as TicketRef;
  if (TELL_THE_USER.test(text)) return 'reply_to_ticket';
  if (CLEAR_ASSIGNEE.test(text)) return 'clear_assignee';
  const arrow = STATUS_AFTER_ARROW.exec(text);
  // The status comes after the ticket: "set #355 to open", not "back to open tickets for 355".
  if (arrow && arrow.index + arrow[0].length > ref.end) {
    const status = (arrow[1] ?? '').toLowerCase();
    if (status in STATUS_INTENT) return STATUS_INTENT[status];
    // "back to open, the loop returned": a reopen with its reason; "set 40 to open": work starts.
    return /\bback to\b|,|:|\bbecause\b|\bas\b/i.test(text.slice(arrow.index)) ? 'reopen_ticket' : 'start_ticket';
  }
  if (DONE_STATEMENT.test(text)) return 'resolve_ticket';
  if (names.categoryRatherThan) return 'category_fact';
  if (WRONG_TEAM.test(text)) return 'assign_ticket';
  if (BELONGS_TO.test(text) && (names.person || names.group)) return 'assign_ticket';
  // "send 2502 to end user computing, its a dock issue": the team named is where it goes.
  if (CATEGORY_FACT.test(text) && !names.person && !names.group) return 'category_fact';
  return undefined;
}
