import { categoryForTopic, categoryNamedIn, type LinkKind } from '../../../tickets/index.js';
import { classifyIntent } from '../intent-router.js';
import { parseTicketOperation, type TicketOperation } from '../ticket-operations.js';
import { readAttachmentRequest } from './attachment-requests.js';
import { bundledDirectory, type CompanyDirectory, findGroups, findPeople } from './company-directory.js';
import { classifyNormalised } from './intent-classifier.js';
import { readMacroRequest } from './macro-requests.js';
import {
  afterNumber,
  codeIn,
  colonAfter,
  holdReason,
  holdReasonQuestion,
  messageAfter,
  notesBeforeVerb,
  quotedOrAfterColon,
  reasonAfter,
  resolutionCodeQuestion,
  stripCode,
} from './message-parts.js';
import { readNewTicket } from './new-ticket-requests.js';
import { priorityChange } from './priority-words.js';
import { loadDateParser, NEEDS_DATE_PARSER, searchFilters } from './search-filters.js';
import { LOG_LINE, looksLikeLanguage, looksLikeRecords } from './text-kind.js';
import { findTicketRefs, type TicketRef } from './ticket-references.js';
import { categoryRatherThan, readTicketStatement, TELL_THE_USER, WRONG_TEAM } from './ticket-statements.js';

/**
 * What a message asks the offline agent to do: one MCP tool call with its arguments, a question
 * back when a value is missing or ambiguous, a knowledge answer, log analysis, or nothing.
 */
export type Understanding =
  | { tool: string; args: Record<string, unknown>; intent: string }
  | { tool: 'clarify'; question: string; intent: string }
  | { tool: 'knowledge' | 'analyze_log' | 'none'; intent: string };

export interface UnderstandOptions {
  directory?: CompanyDirectory;
  /** The username of whoever is typing: "my team" is their group. */
  speaker?: string;
  now?: Date;
}

/** "#354", "IT-354?": a ticket reference alone asks for that ticket, though it has no words. */
const LONE_TICKET = /^\s*(?:#|it-?)\s?\d{1,9}\s*[?!.]*\s*$/i;

/** "What does pending mean", "should I open a second ticket": questions about the process, for the knowledge base. */
const PROCESS_QUESTION =
  /^\s*what (?:information|info|details) should\b|^\s*(?:what|which) \w+ (?:does|should|would|will) my (?:request|ticket|issue|problem)\b|\bwhat (?:should|do|can|shall) (?:i|we) do\b|\bwhat do (?:i|we) need to do\b|\bwhat do (?:they|you) need from me\b|\bwhat does (?:that|this|it) mean\b|^\s*what(?:'s| is) the (?:sla|difference|process|policy|rule)\b|^\s*(?:can|are|do|does) tickets\b|^\s*(?:what does|what's the difference|what is the difference|why (?:would|do|does|did|are|is)|should i|do i need|how (?:do|can|should) i|how long|what happens|when (?:should|do|does|will|can) i|is it (?:ok|okay|possible|allowed)|can i (?!see|get|have|view|list|check|take|grab)|am i allowed|who can(?! i assign))\b/i;

const WORD_NUMBERS = /\b(?:number|no\.?)\s*(?=\d)/gi;

/** What the classifier sees: placeholders for tickets, people and groups; lower case. */
export function normaliseForClassifier(text: string, directory: CompanyDirectory): string {
  type Span = { start: number; end: number; token: string };
  const spans: Span[] = [
    ...findTicketRefs(text, { bareNumbers: true }).map((ref) => ({
      start: ref.start,
      end: ref.end,
      token: ref.bare ? 'num' : 'ticketref',
    })),
    ...findGroups(text, directory).map((group) => ({ start: group.start, end: group.end, token: 'teamname' })),
    ...findPeople(text, directory).map((person) => ({ start: person.start, end: person.end, token: 'person' })),
  ].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    out += `${text.slice(at, span.start)} ${span.token} `;
    at = span.end;
  }
  out += text.slice(at);
  return out.replace(WORD_NUMBERS, '').replace(/[’']/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Words that only ticket work uses; without one (or a ticket, person or team named) a sentence is an IT question. */
const TICKET_CUE =
  /\b(?:tickets?|tix|tkts?|incidents?|(?<!print |printer |call |job )queues?|backlog|assigned to|unassigned|assign|reassign|p[1-4]s?|pri|priority|escalate|de-?escalate|resolve|reopen|on hold|(?<!ransom |\ba |\bthe )note|(?<!auto[- ]|automatic )reply|merge|triage|should handle|triaged?|classify|categori[sz]e|agents?|(?:my|our) team\b|(?:what|which|list(?: the)?) (?:teams|groups)|groups|group names|teams exist|grups|resolver|requesters|categor(?:y|ies)|my plate|similar|come up before|seen (?:this|that|it|anything like)|precedent|dupes?|duplicates?|tag|untag|survivor|take it|that one|who(?:'s| is| are)? (?:in|on)|who works|anything (?:about|on|new|for)|(?:list|show)(?: all| me)?(?: the)? users|search (?:for|tickets)|s(?:ea)?rch\b(?!\s+(?:in|on|bar|box|results?|function|feature|engine|history)\b)|mine|(?:my|of my) (?:\w+ )?ones|history|sub-?categor\w*|categroies|people in|members of|who (?:handles|looks after|deals with)|(?:anyone|anybody|we) (?:had|seen|reported)|(?:previous|earlier|past|old) (?:tickets|incidents|cases)|(?:waiting|sat|sitting|assigned) (?:on|with) me|breach\w*|overdue|sla|anything (?:open|pending|new|closed|unassigned|urgent)|(?:open|closed|new|pending|resolved|cancell?ed|merged|unassigned|urgent) ones|waiting on (?:the )?(?:user|requester|customer|caller)|cancell?ed|parked|anything due|due (?:in|within) the next)\b/i;

/** "stuff I raised myself", "the ones I've resolved", "anything of mine": the speaker's own tickets. */
const OWN_WORK =
  /\b(?:stuff|things|ones|everything|anything|what)\s+(?:i|i've|i have)\s+(?:raised|logged|reported|opened|resolved|closed|fixed|handled|submitted)\b|\b(?:anything|something|what'?s|stuff) of mine\b/i;
/** "check on my vpn ticket", "my teams ticket - where is it at?": one ticket of mine, by its topic. */
const MY_TOPIC_TICKET = /\bmy\s+([a-z][\w-]*(?:\s+[a-z][\w-]*)?)\s+(?:ticket|request|incident|case)\b(?!s)/i;
/** "licence requests this week", "wifi complaints from leeds": a category's topic asked for as a list. */
const TOPIC_LIST =
  /^\s*(?:(?:how many|any|show(?: me)?|list|count(?: the)?|all(?: the)?)\s+)?(?:the\s+)?([a-z][\w-]*(?:\s+[a-z][\w-]*)?)\s+(requests|complaints|reports|issues|problems|tickets|calls)\b(?=.*\b(?:this|last|since|from|today|yesterday|raised|logged|opened|pending|waiting|open|closed|new|still|unassigned|are)\b)/i;
function topicSearch(text: string, directory: CompanyDirectory): boolean {
  const match = TOPIC_LIST.exec(text);
  return match !== null && categoryForTopic(`${match[1]} ${match[2]}`, directory.categories) !== undefined;
}

/** Whether a sentence says anything only ticket work says: a ticket word or number, a person, a team. */
function hasTicketCue(text: string, refs: TicketRef[], directory: CompanyDirectory): boolean {
  return (
    refs.length > 0 ||
    OWN_WORK.test(text) ||
    topicSearch(text, directory) ||
    TICKET_CUE.test(text) ||
    SIMILAR.test(text) ||
    findPeople(text, directory).length > 0 ||
    findGroups(text, directory).length > 0
  );
}

/** Intents the rules router reads well; the classifier fills in the rest. */
const RULE_OPERATIONS: Record<TicketOperation['kind'], string> = {
  resolve_ticket: 'resolve_ticket',
  close_ticket: 'close_ticket',
  reopen_ticket: 'reopen_ticket',
  pending_ticket: 'pending_ticket',
  cancel_ticket: 'cancel_ticket',
  add_note: 'add_internal_note',
  add_reply: 'reply_to_ticket',
  assign_ticket: 'assign_ticket',
  set_priority: 'set_priority',
  update_ticket: 'update_ticket',
};

const NEEDS_TICKET = new Set([
  'get_ticket',
  'clear_assignee',
  'category_fact',
  'add_internal_note',
  'reply_to_ticket',
  'assign_ticket',
  'set_priority',
  'update_ticket',
  'resolve_ticket',
  'close_ticket',
  'reopen_ticket',
  'pending_ticket',
  'cancel_ticket',
  'start_ticket',
]);

const LINK_WORDS =
  /\b(?:caused|causing|causes|link|linked|relate[sd]?|related|duplicates|duplicate|dupe|dup|caused by|cause of|parent|child|follow[- ]?up|follows? (?:up )?on|connect)\b/i;
const MERGE_WORDS = /\b(?:merge|merging|fold|combine|absorbs?|swallows?)\b/i;

/** Decides what a message asks for. */
export async function understand(message: string, options: UnderstandOptions = {}): Promise<Understanding> {
  const text = message.trim();
  const directory = options.directory ?? bundledDirectory();
  const now = options.now ?? new Date();
  if (!looksLikeLanguage(text) && !LONE_TICKET.test(text) && !BARE_CHANGE.test(text))
    return { tool: 'none', intent: 'not_language' };
  const rules = classifyIntent(text);
  if (
    rules.kind === 'analyze_log' ||
    (rules.kind !== 'create_ticket' && (looksLikeRecords(text) || LOG_LINE.test(text)))
  )
    return { tool: 'analyze_log', intent: 'analyze_log' };
  const explicit = findTicketRefs(text, { bareNumbers: false });
  const withBare = findTicketRefs(text, { bareNumbers: true });
  const macro = readMacroRequest(text, withBare);
  if (macro)
    return macro.tool === 'clarify' ? clarify(macro.tool, macro.question) : callOf(macro.tool, macro.tool, macro.args);
  const attachment = readAttachmentRequest(text, withBare);
  if (attachment)
    return attachment.tool === 'clarify'
      ? clarify('attachment', attachment.question)
      : callOf(attachment.tool, attachment.tool, attachment.args);
  if (PROCESS_QUESTION.test(text) && withBare.length === 0) return { tool: 'knowledge', intent: 'knowledge' };
  // An IT question with nothing about tickets in it needs no classifier (nor its load time).
  if (
    rules.kind === 'kb_question' &&
    IT_WORDS.test(withoutPronounIt(text)) &&
    !hasTicketCue(text, withBare, directory) &&
    !WRITE_WITHOUT_TICKET.test(text) &&
    !ASKS_AFTER_A_TICKET.some((pattern) => pattern.test(text))
  )
    return { tool: 'knowledge', intent: 'knowledge' };
  const guess = await classifyNormalised(normaliseForClassifier(text, directory));
  const intent = chooseIntent(text, rules, guess, explicit, withBare, directory);
  if ((intent === 'search_tickets' || intent === 'count_tickets') && NEEDS_DATE_PARSER.test(text))
    await loadDateParser();
  return buildCall(intent, text, { directory, now, speaker: options.speaker, refs: withBare, explicit });
}

/** Words that make a sentence an IT question even when it reads like small talk. */
const IT_WORDS =
  /\b(?:password|laptop|pc|computer|printer|webcam|authenticator|files|folders|ransom\w*|extensions?|usb|dock|charger|battery|bluetooth|trackpad|touchpad|display|microphone|mic|headphones|speakers|zoom|print|email|outlook|teams|vpn|wifi|wi-fi|network|login|log in|sign in|account|mfa|phone|screen|monitor|error|install|software|app|access|drive|file|folder|onedrive|sharepoint|excel|word|windows|mac|keyboard|mouse|headset|camera|calendar|meeting|server|internet|locked|broken|crash|slow|virus|phishing|it|sign-?in|event|pdfs?|reply all|browser|chrome|edge|firefox|tabs?|greyed|grayed|\d{3,}|0x[0-9a-f]+)\b/i;

/** "is it going to rain": "it" the pronoun is no IT word; "IT" in capitals is. */
const withoutPronounIt = (text: string) => text.replace(/\b(?:it|It)\b/g, '');

const SIMILAR =
  /^\s*(?:any\s+|show\s+(?:me\s+)?|find\s+)?similar\b|\b(?:how did (?:we|you|they) (?:fix|sort|solve|resolve) (?:this|it|that|those|them)|(?:is there|do we have|have we got) (?:already )?(?:a|an existing) ticket (?:for|about|on) (?:it|this|that)|is (?:this|it|that) a dup(?:e|licate)?|come up before|(?<!never |not )seen (?:this|that|it) before|(?<!never )happened before|any precedent|had (?:this|that) before|possible dup(?:e|licate)s)\b/i;
const STATUS_QUESTION =
  /^\s*(?:where are we|has (?:anyone|anybody|someone) (?:looked at|touched|picked up|got)|how(?:'s|s| is)\b|any (?:news|update|progress)|what(?:'s| is) the (?:status|progress|latest)|status of|progress (?:on|of)|update on)|\b(?:progress|status) of\b|\bgoing\??\s*$/i;
/** Changes a sentence can ask for with a ticket number and no verb the rules know ("290 to the AV team"). */
const CHANGES_WITHOUT_VERB = new Set([
  'assign_ticket',
  'add_internal_note',
  'reply_to_ticket',
  'update_ticket',
  'set_priority',
]);
const DIRECTORY = new Set(['list_users', 'list_groups', 'list_categories']);

const READS = new Set(['find_similar_tickets', 'suggest_triage', 'get_ticket']);
const COUNT = /\bhow many\b|\bcount\b|\bnumber of\b|\btotal\b/i;
const DONT_MERGE = /\b(?:don'?t|do not|not|without|no)\s+merg/i;

/** A change whose object is only "it", "the ticket", "those two" or nothing: which ticket must be asked. */
const WRITE_WITHOUT_TICKET =
  /^\s*(?:(?:please|pls|can you|could you|now)\s+)?(resolve|close|reopen|cancel|merge|assign|reassign|escalate|de-?escalate|put|add (?:a|an internal) note|reply|respond|tag|untag|retitle|rename|park|hold|take|grab|link|relate)\b(?:\s+(?:it|this|that|them|both|the ticket|this ticket|that ticket|this one|that one|the two|those(?: two)?(?: tickets)?|these(?: two)?(?: tickets)?)(?:\s+on hold|\s+up|\s+together)?)?(?:\s+(?:please|pls|now|thanks|for me))?\s*(?:[.!?]+\s*$|:\s*\S.*$|$)/i;

function unnamedIntent(verb: string): string {
  if (verb.startsWith('merge')) return 'merge_tickets';
  if (/link|relate/.test(verb)) return 'link_tickets';
  if (/note/.test(verb)) return 'add_internal_note';
  if (/reply|respond/.test(verb)) return 'reply_to_ticket';
  if (/assign|take|grab/.test(verb)) return 'assign_ticket';
  if (/escalate/.test(verb)) return 'set_priority';
  if (/put|park|hold/.test(verb)) return 'pending_ticket';
  if (/tag|title|rename/.test(verb)) return 'update_ticket';
  return `${verb === 'reopen' ? 'reopen' : verb}_ticket`;
}

const ONE_WRITE_TWO_TICKETS =
  /^\s*(?:please\s+)?(?:resolve|close|reopen|re-open|cancel|assign|escalate|put|hold|start|take|give|set|make|bump|change|move|mark|p[1-4]\s+(?:on|for))\b/i;
/** Two tickets side by side ("33 and 34", "#5, #6"): a list, not a link between them. */
function adjacentRefs(text: string, refs: TicketRef[]): boolean {
  const [first, second] = refs as [TicketRef, TicketRef];
  return /^\s*(?:,|and|&|\+|,\s*and)\s*(?:ticket\s*)?$/i.test(text.slice(first.end, second.start));
}
/** "what priority is 301 at", "who's on 88": a question about a ticket's current value. */
const CURRENT_VALUE =
  /^\s*(?:what|which)\s+(?:priority|status|category|group|team|state)\s+is\b|^\s*who(?:'s| is)\s+(?:on|working on|handling|assigned to|looking at|got)\b|^\s*what(?:'s| is)\s+the\s+(?:current\s+)?(?:priority|status|category|assignee|group|state)\s+(?:of|on|for)\b/i;
const INTERNAL_NOTE =
  /\b(?:internal(?:ly)?(?: only| note)?|private note|staff note|note to self|for the team only)\b|^\s*(?:please\s+)?(?:put|add|leave|stick|drop|pop|chuck|throw|whack|slap|jot|write|scribble|pin)\s+(?:a\s+)?(?:quick\s+|short\s+)?note\b|^\s*(?:internal\s+)?note\s*:/i;
const TAKING =
  /\b(?:i'?m|i am|i'?ll be)\s+(?:taking|grabbing|having|picking up|owning)\b|\bis mine\b|^\s*(?:i'?ll|i will|let me)\s+(?:take|grab|have|pick up|handle|deal with|look after|own)\b|\bleave (?:it|\S+) with me\b|\b(?:pick up|take|grab)\b.{0,20}\bfor me\b/i;
const CANCEL_VERB =
  /^\s*(?:please\s+)?(?:cancel|scrap|kill|bin|withdraw|void|ditch|junk|abandon|drop(?=\s+(?:ticket\s*)?(?:#|it-?)?\s?\d+\b)(?!.*\b(?:priority|p[1-4]|to|down|tag|note)\b))\b|\b(?:no longer needed|not needed any ?more)\b/i;
const REOPEN_VERB =
  /^\s*(?:please\s+)?(?:re-?\s?open|un-?resolve|un-?close)\b|^\s*(?:please\s+)?open\s+(?:ticket\s*)?(?:#|it-?)?\s?\d+\s+(?:back\s+)?up\b/i;
/** "put 1777 on ice", "park 88 till monday": a hold in other words. */
const HOLD_WORDS = /\bon ice\b|^\s*(?:please\s+)?park\b/i;
/** "#88 -> P2": a priority after an arrow. */
const PRIORITY_ARROW = /(?:->|→|=>)\s*p[1-4]\b/i;
/** "send a reply to it-50 - …": a reply, whatever else "send … to" could mean. */
const SEND_A_REPLY =
  /^\s*(?:please\s+)?(?:send|write|post|drop)\s+(?:a\s+|the\s+)?(?:reply|response|message|note to the user)\b/i;
const START_VERB =
  /^\s*(?:please\s+)?(?:start(?:\s+work(?:ing)?\s+on)?|starting(?:\s+work)?\s+on|getting\s+(?:started\s+)?on|begin(?:\s+work\s+on)?|work on|pick up)\b|\bi'?m on it\b|\bmark\b.{0,25}\bin[- ]progress\b|\bset\b.{0,25}\bto in[- ]progress\b/i;
const ESCALATE_TO = /^\s*(?:please\s+)?escalate\b.*\bto\s+(?!p[1-4]\b|priority\b|high|urgent|critical)/i;
const PERSON_TEAM = /\b[a-z]+(?:'s|’s)\s+(?:team|group|lot|folks|people|squad|crew)\b/i;
const TRIAGE_ASK =
  /^\s*(?:what|which|who)\b[^.?!]*\bshould\b|\bis (?:that|this|it) (?:a |an )?p[1-4]\b|\b(?:suggest|recommend|would you (?:give|put|set|suggest)|should (?:this|it|that|they) (?:be|go|have)|what (?:priority|category|team|group) (?:would|should|does)|which (?:team|group|queue) (?:should|would)|how (?:urgent|important) is)\b/i;
/** "category for 512 is X", "clear the category on #9", "#301 needs the outage tag", "fix the title on 630". */
const FIELD_CHANGE =
  /\b(?:category|categori[sz]e|title|retitle|rename|tags?|untag|label)\b.*?\b(?:is|should (?:be|say|read)|to|under|as|into|=|->|needs?|clear|remove|set|change|fix|update|add|off|from)\b|^\s*(?:re-?name|re-?title)\b|\bbelongs?\s+(?:in|under|to)\b|\b(?:clear|remove|reset|fix|change|update|set)\s+(?:the\s+)?(?:category|title|tags?)\b|\bneeds?\s+(?:the|a|an)\s+[\w-]+\s+tag\b/i;
/** "can we call 3301 'Laptop won't boot after BIOS update' instead": a new title in quotes. */
const QUOTED_TITLE =
  /\b(?:call|name|title|retitle|rename|head(?:ing)?)\b.*?(?<=\s)['"‘“](.{4,}?)['"’”](?=\s|$|[.,!?;:])/i;
/** "priority 2 for ticket 1204", "set 150 to priority three", "reset the priority on #88". */
const PRIORITY_SET =
  /\bmake\b.{0,25}\b(?:higher|lower|more urgent|less urgent)\b|\bbump\b.{0,20}\b(?:up|down)\b|\b(?:up|down) a (?:level|notch|step|priority)\b|\b(?:priority|pri)\s*(?:[1-4]|one|two|three|four)\b|\b(?:set|change|make|bump|drop|lower|raise|move|put|reset|clear)\b.{0,30}\b(?:priority|p[1-4])\b|\b(?:is|as|to)\s+(?:a\s+)?p\d\b|^\s*(?:please\s+)?(?:escalate|de-?escalate)\b/i;

/** "the business apps queue", "networks backlog"; not a print, batch or call queue. */
const TEAM_QUEUE = /(?<!\b(?:print|printer|batch|job|call|mail|message|sap|spool)\s)\b(?:queue|backlog)\b/i;

const LIST_REQUEST =
  /^\s*(?:(?:can you|could you|please)\s+)?(?:find|show|list|search(?: for)?|get|pull up|display|give me)(?: me| us)?(?: all| any| every)?(?: the| my| our)?\b[^?]{0,40}?\b(?:tickets|incidents|(?:open|closed|new|pending|resolved|cancell?ed|merged|unassigned|urgent|old|recent) ones)\b|^\s*(?:the|my|any|all)\s+(?:open|closed|new|pending|resolved|cancell?ed|merged|unassigned|urgent) ones\b/i;

/** "what's the status", "tag it vpn", "any update?": a ticket is meant but none is named. */
const NO_OBJECT =
  /^\s*(?:what(?:'s| is) the (?:status|latest|progress)|any (?:update|news|progress)|is it (?:done|fixed|sorted|resolved|finished|closed)(?: yet)?|(?:change|set|update|bump|fix) the (?:priority|status|category|title)|(?:un)?tag (?:it|this|that|them) [\w-]+)\s*[?!.]*\s*$/i;
/** A change verb and a ticket, and nothing else. */
const BARE_CHANGE =
  /^\s*(?:please\s+)?(?:change|update|edit|modify|move|amend|fix|adjust|re-?categori[sz]e|re-?classify)\s+(?:ticket\s*)?(?:#|it-?)?\s?\d+\s*(?:please|pls)?\s*[.!?]*\s*$|^\s*(?:ticket\s*)?(?:#|it-?)?\s?\d+\s*(?:->|→|=>)\s*\?*\s*$/i;

const THE_TICKET =
  /^\s*(?:please\s+|can you\s+|could you\s+)?(?:resolve|close|reopen|re-open|cancel|assign|reassign|escalate|de-?escalate|show(?: me)?|open up|pull up|update|merge|give|send|move|reply to|put|hold|start)\s+(?:the|that|this)\s+(?:[\w-]+\s+){0,2}?(?:ticket|one|incident)\b(?!s)/i;

/** "the vpn one is a dupe", "the printer ticket needs closing": a ticket meant, but not which. */
const THE_ONE = /^\s*the\s+[\w-]+(?:\s+[\w-]+)?\s+(?:one|ticket|incident)\s+(?:is|should|needs|can|has|was)\b/i;
/** "ticket: shared mailbox not receiving", "create a P2: vpn gateway 2 rejecting logins". */
const CREATE_WITH_COLON =
  /^\s*(?:(?:please|pls)\s+)?(?:(?:new\s+)?ticket|(?:create|open|raise|log|file|lodge|submit)\s+(?:(?:a|an|one|new)\s+)*(?:(?:p[1-4]|urgent|high[- ]priority|low[- ]priority)\s*)?(?:ticket|incident|one|request|case)?)\s*:\s*\S/i;
/** "resolve 1333 as a duplicate of 1320": a resolve whose code is duplicate, not a link. */
const RESOLVE_AS_DUPLICATE = /^\s*(?:please\s+)?(?:resolve|close)\b.*\b(?:duplicate|dupe|dup)\s+of\b/i;

/** "is it done yet?", "tell the user it's fixed", "the vpn one is a dupe": about a ticket not named. */
const ASKS_AFTER_A_TICKET = [NO_OBJECT, TELL_THE_USER, THE_ONE];

const STATUS_CHANGE = /\b(?:change|update|set|switch|move)\s+(?:the\s+)?(?:status|state)\b/i;
const STATUS_NAMED =
  /\b(?:new|open|reopen|in progress|pending|on hold|hold|resolved?|closed?|cancel(?:l?ed)?|merged?|p[1-4])\b/i;
const HAND_OVER_UNNAMED =
  /^\s*(?:please\s+)?(?:hand|pass|give|transfer|send|move|punt|bounce|chuck)\s+(?:it\s+|this\s+|that\s+|this one\s+|that one\s+)?(?:over\s+|on\s+|back\s+)?to\s+(?!me\b)\S/i;
const HAND_OVER =
  /\b(?:move|send|give|hand|pass|route|transfer|shift|punt|bounce|kick|throw|chuck|lob|fling|dump)\b[^.;]{0,30}\b(?:to|over to|at|over at)\s+(?:the\s+)?[a-z]/i;

/** Tickets named in the plural, as what is wanted: "vpn tickets in the past 48 hours", "tix for EUC". */
const TICKETS_LISTED =
  /^\s*(?:(?:any|all|the|show|list|find|get)\s+)?(?:[\w/-]+\s+){0,3}(?:tickets|tix|tkts|incidents)\b/i;
/** Tickets like some text, or the groups tickets go to: not a list of tickets by filters. */
const NOT_A_PLAIN_LIST = /\b(?:similar|like|previous|past tickets|dupes?|duplicates?|routed|groups|teams)\b/i;
/** A question about tickets in general is a question for the knowledge base ("how do tickets get closed?"). */
const QUESTION_ABOUT_TICKETS =
  /^\s*(?:how|why|can|could|should|where|when|do|does|is|are|what happens|what does|what is|what's the)\b/i;
/** "anything from catherine blake?", "everything raised by olu": one person's tickets. */
const FROM_SOMEONE =
  /^\s*(?:any(?:thing)?|everything|all|stuff|what'?s)\s+(?:(?:been\s+)?(?:raised|logged|opened|reported)\s+)?(?:from|by)\s+(\S+)/i;
function fromSomeone(text: string, directory: CompanyDirectory): boolean {
  const named = FROM_SOMEONE.exec(text);
  return named !== null && findPeople(text.slice(named.index), directory).length > 0;
}

function chooseIntent(
  text: string,
  rules: ReturnType<typeof classifyIntent>,
  guess: { intent: string; score: number },
  explicit: TicketRef[],
  withBare: TicketRef[],
  directory: CompanyDirectory,
): string {
  if (CREATE_WITH_COLON.test(text)) return 'create_ticket';
  if (withBare.length >= 1 && RESOLVE_AS_DUPLICATE.test(text)) return 'resolve_ticket';
  if (withBare.length >= 2 && MERGE_WORDS.test(text) && !DONT_MERGE.test(text)) return 'merge_tickets';
  // "show the business apps queue": a team's tickets, not the list of teams.
  if (withBare.length === 0 && TEAM_QUEUE.test(text) && findGroups(text, directory, { loose: true }).length)
    return COUNT.test(text) ? 'count_tickets' : 'search_tickets';
  // "find outlook tickets", "show me the closed ones from last week": a list asked for in so many words.
  if (
    withBare.length === 0 &&
    LIST_REQUEST.test(text) &&
    !/\b(?:similar|like this|like that|dupes?|duplicates?)\b/i.test(text)
  )
    return COUNT.test(text) ? 'count_tickets' : 'search_tickets';
  // "licence requests this week", "anything of mine due soon": a list asked for by its topic or owner.
  if (withBare.length === 0 && (topicSearch(text, directory) || OWN_WORK.test(text)))
    return COUNT.test(text) ? 'count_tickets' : 'search_tickets';
  // "check on my vpn ticket": the speaker's own ticket, found by its topic.
  if (withBare.length === 0 && MY_TOPIC_TICKET.test(text)) return 'my_topic_ticket';
  // "escalate the phishing ticket", "show me the ticket", "what's the status": one ticket meant, but not which.
  if (withBare.length === 0 && (THE_TICKET.test(text) || NO_OBJECT.test(text) || THE_ONE.test(text)))
    return 'clarify_ticket';
  // "tell the user it's fixed": a reply, but on which ticket?
  if (withBare.length === 0 && TELL_THE_USER.test(text)) return 'reply_to_ticket';
  // "update 45", "move 45": what should change is not said.
  if (withBare.length === 1 && BARE_CHANGE.test(text)) return 'update_ticket';
  // "resolve it", "merge those two", "add a note: called back": a change with no ticket named is asked back.
  const unnamed = withBare.length === 0 ? WRITE_WITHOUT_TICKET.exec(text) : null;
  if (unnamed) return unnamedIntent((unnamed[1] ?? '').toLowerCase());
  // "hand over to george", "pass it to networks": a hand-over, of a ticket not named.
  if (withBare.length === 0 && HAND_OVER_UNNAMED.test(text)) return 'assign_ticket';
  // "change the status of 300": which status is not said.
  if (withBare.length > 0 && STATUS_CHANGE.test(text) && !STATUS_NAMED.test(text)) return 'clarify_status';
  // "resolve 33 and 34": one change, two tickets — which one (or each in turn) is asked.
  if (withBare.length >= 2 && ONE_WRITE_TWO_TICKETS.test(text) && adjacentRefs(text, withBare)) return 'clarify_two';
  const only = withBare.length === 1;
  if (only && CURRENT_VALUE.test(text)) return 'get_ticket';
  const statement = readTicketStatement(text, withBare, {
    person: findPeople(text, directory).length > 0,
    group: findGroups(text, directory, { loose: true }).length > 0,
    categoryRatherThan: categoryRatherThan(text, directory.categories) !== undefined,
  });
  if (statement) return statement;
  if (only && INTERNAL_NOTE.test(text)) return 'add_internal_note';
  if (only && TAKING.test(text)) return 'assign_ticket';
  if (only && PRIORITY_ARROW.test(text)) return 'set_priority';
  if (only && SEND_A_REPLY.test(text)) return 'reply_to_ticket';
  if (only && HOLD_WORDS.test(text)) return 'pending_ticket';
  if (only && CANCEL_VERB.test(text)) return 'cancel_ticket';
  if (only && REOPEN_VERB.test(text)) return 'reopen_ticket';
  if (only && START_VERB.test(text)) return 'start_ticket';
  if (only && ESCALATE_TO.test(text) && (findGroups(text, directory, { loose: true }).length || PERSON_TEAM.test(text)))
    return 'assign_ticket';
  if (only && !TRIAGE_ASK.test(text)) {
    if (FIELD_CHANGE.test(text) || QUOTED_TITLE.test(text)) return 'update_ticket';
    if (PRIORITY_SET.test(text)) return 'set_priority';
  }
  if (
    TRIAGE_ASK.test(text) &&
    (only || /[:"'‘“]/.test(text)) &&
    /\b(?:priority|category|team|group|queue|urgent|go to|handle|p[1-4])\b/i.test(text)
  )
    return 'suggest_triage';
  // "move 330 to the London team", "send 335 to infra": a hand-over, whatever the team's name.
  if (withBare.length === 1 && HAND_OVER.test(text) && !STATUS_NAMED.test(text) && !/\bcategor/i.test(text))
    return 'assign_ticket';
  if (withBare.length >= 2 && LINK_WORDS.test(text) && guess.intent !== 'create_ticket') return 'link_tickets';
  const ticketWork = !['knowledge', 'none', 'None'].includes(guess.intent);
  // "new tickets since monday", "triage this: …", "has this come up before - …": not requests for a ticket.
  if (SIMILAR.test(text)) return 'find_similar_tickets';
  if (
    rules.kind === 'create_ticket' &&
    !/\b(?:open|raise|log|create|file|submit|lodge)\b|\bnew ticket\b(?!s)/i.test(text)
  ) {
    if (
      ['search_tickets', 'count_tickets', 'find_similar_tickets', 'suggest_triage'].includes(guess.intent) &&
      guess.score >= 0.6
    )
      return guess.intent === 'search_tickets' && COUNT.test(text) ? 'count_tickets' : guess.intent;
  }
  if (/^\s*(?:auto-?)?triage\b/i.test(text)) return 'suggest_triage';
  // "suggest category + priority for #339" names priority but asks for triage: a sure classifier wins.
  if (rules.kind in RULE_OPERATIONS && !(READS.has(guess.intent) && guess.score >= 0.95))
    return RULE_OPERATIONS[rules.kind as TicketOperation['kind']];
  if (rules.kind === 'create_ticket') return 'create_ticket';
  if (rules.kind === 'ticket_status') {
    // "where are we with 310?", "hows it-15 going": asking after the ticket, whatever else the words suggest.
    if (STATUS_QUESTION.test(text)) return 'get_ticket';
    if (
      ['find_similar_tickets', 'suggest_triage', 'link_tickets', 'merge_tickets'].includes(guess.intent) &&
      guess.score >= 0.7
    )
      return guess.intent;
    if (CHANGES_WITHOUT_VERB.has(guess.intent) && guess.score >= 0.6) return guess.intent;
    return 'get_ticket';
  }
  if (rules.kind === 'list_tickets') {
    if (guess.intent === 'count_tickets' || COUNT.test(text)) return 'count_tickets';
    if (DIRECTORY.has(guess.intent) && guess.score >= 0.9 && !/\b(?:tickets|requests|incidents|cases)\b/i.test(text))
      return guess.intent;
    return 'search_tickets';
  }
  // A bare number with an operation's own words ("res 357 workaround", "reopen 365").
  const bare = withBare.find((ref) => ref.bare);
  if (bare && explicit.length === 0 && (ticketWork || guess.intent === 'None')) {
    const op = parseTicketOperation(text, { ticket: bare.ticket, start: bare.start, end: bare.end });
    if (op) return RULE_OPERATIONS[op.kind];
  }
  // "vpn tickets in the past 48 hours", "anything from catherine blake?": tickets asked for as a list.
  if (
    withBare.length === 0 &&
    !QUESTION_ABOUT_TICKETS.test(text) &&
    !NOT_A_PLAIN_LIST.test(text) &&
    !DIRECTORY.has(guess.intent) &&
    (TICKETS_LISTED.test(text) || fromSomeone(text, directory))
  )
    return COUNT.test(text) ? 'count_tickets' : 'search_tickets';
  // The rules heard an IT question; the classifier knows better when the sentence is about tickets.
  const cue = hasTicketCue(text, withBare, directory);
  // A new ticket is only ever asked for in words about tickets; the rules hear those.
  if (
    guess.intent === 'create_ticket' &&
    !/\b(?:tickets?|incident|raise|log it|log this|log (?:a|an|one)|(?:open|raise|file) one|p[1-4]|assign me|order me|i need a new)\b/i.test(
      text,
    )
  )
    return 'knowledge';
  if (ticketWork && cue && guess.score >= 0.5) {
    // "tickets created yesterday that are resolved", "anything unassigned for security": a search, not a change.
    if (
      NEEDS_TICKET.has(guess.intent) &&
      withBare.length === 0 &&
      /\btickets\b|\bunassigned\b|\banything\b/i.test(text)
    )
      return COUNT.test(text) ? 'count_tickets' : 'search_tickets';
    if (guess.intent === 'search_tickets' && COUNT.test(text)) return 'count_tickets';
    return guess.intent;
  }
  // Small talk: "it" the pronoun is no IT word ("cheers, that's sorted it"); "IT" in capitals is.
  // A sentence that names one ticket is not small talk: "look at 88 for me".
  if (withBare.length === 1 && ['none', 'None', 'knowledge'].includes(guess.intent) && text.split(/\s+/).length <= 6)
    return 'get_ticket';
  if (guess.intent === 'none' && guess.score >= 0.7 && !IT_WORDS.test(withoutPronounIt(text))) return 'none';
  return 'knowledge';
}

interface Context {
  directory: CompanyDirectory;
  now: Date;
  speaker?: string;
  refs: TicketRef[];
  explicit: TicketRef[];
}

const clarify = (intent: string, question: string): Understanding => ({ tool: 'clarify', question, intent });
const callOf = (intent: string, tool: string, args: Record<string, unknown>): Understanding => ({
  tool,
  args,
  intent,
});

function operationValues(text: string, ref: TicketRef): TicketOperation | undefined {
  return parseTicketOperation(text, { ticket: ref.ticket, start: ref.start, end: ref.end });
}

function buildCall(intent: string, text: string, context: Context): Understanding {
  const ref = context.refs[0];
  if ((NEEDS_TICKET.has(intent) || intent === 'clarify_status' || intent === 'clarify_ticket') && !ref)
    return clarify(intent, 'Which ticket? Give its number, for example IT-000042.');
  if (intent === 'clarify_two')
    return clarify(
      intent,
      'One ticket at a time: which one first? For example: resolve IT-000033 fixed, replaced the cable',
    );
  if (intent === 'clarify_status')
    return clarify(
      intent,
      `Which status should ${(ref as TicketRef).ticket} move to: open, pending, resolved, closed or canceled?`,
    );
  switch (intent) {
    case 'knowledge':
    case 'none':
      return { tool: intent, intent };
    case 'search_tickets':
    case 'count_tickets': {
      const filters = searchFilters(text, context.directory, context);
      if (filters.clarify) return clarify(intent, filters.clarify);
      return callOf(
        intent,
        'search_tickets',
        intent === 'count_tickets' ? { ...filters.args, count: true } : filters.args,
      );
    }
    case 'get_ticket':
      return callOf(intent, 'get_ticket', { ticket: (ref as TicketRef).ticket });
    case 'my_topic_ticket': {
      const topic = MY_TOPIC_TICKET.exec(text)?.[1]?.replace(/^(?:open|new|old|last|latest)\s+/i, '');
      return callOf(intent, 'search_tickets', { requester: 'me', ...(topic ? { text: topic } : {}) });
    }
    case 'create_ticket':
      return readNewTicket(text, context.directory);
    case 'link_tickets':
      return linkCall(text, context);
    case 'merge_tickets':
      return mergeCall(text, context);
    case 'find_similar_tickets':
    case 'suggest_triage':
      return callOf(intent, intent, ref ? { ticket: ref.ticket } : { text: quotedOrAfterColon(text) ?? text });
    case 'list_users':
      return usersCall(text, context);
    case 'list_groups':
    case 'list_categories':
    case 'list_macros':
      return callOf(intent, intent, {});
    case 'save_macro':
    case 'remove_macro':
    case 'reply_with_macro':
      // The classifier heard a macro request the macro rules could not read: ask, never guess a write.
      return clarify(
        intent,
        'Which macro do you mean? For example: list macros, or reply to IT-000042 with the mailbox-full macro',
      );
    default:
      // An intent with no ticket to work on is never a write.
      if (!ref) return { tool: 'knowledge', intent: 'knowledge' };
      return writeCall(intent, text, ref, context);
  }
}

const RESOLUTION_ACTIONS =
  /\b(?:booked|rebuilt|restored|recovered|applied|replaced|reinstalled|installed|reset|rebooted|restarted|cleared|fixed|sorted|repaired|updated|patched|reconfigured|re-?imaged|unlocked|swapped|working (?:again|now)|resolved|changed|removed|renewed|re-?enabled|enabled|granted|added|mapped|configured)\b/i;

/** "#412 sorted - user error" → "user error"; "mark 99 as done" → nothing said about the fix. */
function resolutionNotes(notes: string): string | undefined {
  return (
    stripCode(notes)
      ?.replace(/^(?:is\s+)?(?:all\s+)?(?:sorted(?: out)?|fixed|done|resolved)\s*[-–:,]\s*/i, '')
      .replace(/^(?:as\s+)?(?:done|resolved|fixed|complete|completed|finished)\s*[.!]*$/i, '') || undefined
  );
}

/** "we're not changing the layout, resolve 1789 won't fix": the notes said before the verb. */
const NOTES_BEFORE_RESOLVE =
  /^\s*(?:this is\s+)?(.{8,}?)\s*[,;.–-]\s*(?:so\s+|please\s+)?(?:resolve|close)\s+(?:ticket\s*)?(?:#|it-?)?\s?\d+/i;
/** "note: user prefers a call after 3pm - on ticket 57": the note before the ticket it goes on. */
const NOTE_FIRST =
  /^\s*(?:internal\s+)?note\s*:\s*(.+?)\s*(?:[-–,]\s*)?(?:on|for|to|re)\s+(?:ticket\s*)?(?:#|it-?)?\s?\d+\s*[.!]*\s*$/i;

function writeCall(intent: string, text: string, ref: TicketRef, context: Context): Understanding {
  const ticket = ref.ticket;
  const op = operationValues(text, ref);
  const value = <K extends string>(key: K) =>
    op && key in op ? ((op as unknown as Record<string, unknown>)[key] as string | undefined) : undefined;
  switch (intent) {
    case 'add_internal_note':
    case 'reply_to_ticket': {
      const body = colonAfter(text, ref) ?? NOTE_FIRST.exec(text)?.[1] ?? value('text') ?? messageAfter(text, ref);
      if (!body)
        return clarify(intent, `What should the ${intent === 'reply_to_ticket' ? 'reply' : 'note'} on ${ticket} say?`);
      return callOf(intent, intent, { ticket, text: body });
    }
    case 'resolve_ticket':
    case 'close_ticket': {
      const resolveOp = op?.kind === 'resolve_ticket' ? op : undefined;
      const notes =
        notesBeforeVerb(text, ref) ??
        value('notes') ??
        (op ? undefined : afterNumber(text, ref)) ??
        NOTES_BEFORE_RESOLVE.exec(text)?.[1];
      let code = resolveOp?.resolutionCode ?? codeIn(notes ?? '') ?? codeIn(text);
      if (!code && intent === 'resolve_ticket' && notes && RESOLUTION_ACTIONS.test(notes)) code = 'fixed';
      // "#412 sorted - user error": the notes are what follows the word that says it is done.
      const cleanNotes = notes ? resolutionNotes(notes) : undefined;
      // "resolve 1604", "mark 99 as done": no code and nothing said about the fix, so ask. With notes but
      // no code ("resolve 299, the template has been pushed") the plan asks for the code before writing.
      if (intent === 'resolve_ticket' && !code && !cleanNotes) return clarify(intent, resolutionCodeQuestion(ticket));
      return callOf(intent, 'transition_ticket', {
        ticket,
        to: intent === 'resolve_ticket' ? 'resolved' : 'closed',
        ...(code ? { resolution_code: code } : {}),
        // What fixed it goes with a resolve; a close only says why.
        ...(cleanNotes ? { [intent === 'resolve_ticket' ? 'resolution_notes' : 'reason']: cleanNotes } : {}),
      });
    }
    case 'cancel_ticket': {
      const reason = notesBeforeVerb(text, ref) ?? value('reason') ?? reasonAfter(text, ref);
      return callOf(intent, 'transition_ticket', { ticket, to: 'canceled', ...(reason ? { reason } : {}) });
    }
    case 'reopen_ticket':
    case 'start_ticket': {
      const said = intent === 'reopen_ticket' ? (value('reason') ?? reasonAfter(text, ref)) : undefined;
      // "it-50 back to open, the loop returned": the reason is what follows the move.
      const reason =
        said?.replace(/^(?:(?:back\s+)?to\s+(?:open|in[- ]progress)|back\s+up)\s*[,:;-]?\s*/i, '') || undefined;
      return callOf(intent, 'transition_ticket', { ticket, to: 'open', ...(reason ? { reason } : {}) });
    }
    case 'pending_ticket': {
      const reason = value('reason') ?? holdReason(text) ?? colonAfter(text, ref);
      if (!reason) return clarify(intent, holdReasonQuestion(ticket));
      return callOf(intent, 'transition_ticket', { ticket, to: 'pending', reason });
    }
    case 'assign_ticket':
      return assignCall(text, ticket, ref, context);
    case 'clear_assignee':
      return callOf(intent, 'assign_ticket', { ticket, assignee: null });
    case 'category_fact': {
      // "IT-512 is actually a network issue": the category its words name; "wifi not vpn": the first.
      const category =
        categoryRatherThan(text, context.directory.categories) ?? categoryNamedIn(text, context.directory.categories);
      if (!category) return clarify(intent, `Which category should ${ticket} be in? For example: Network/VPN`);
      return callOf(intent, 'update_ticket', { ticket, category });
    }
    case 'set_priority': {
      // "reset the priority on #88 back to the calculated one": the priority from impact × urgency again.
      if (/\b(?:reset|clear|remove|unset|recalculate)\b.{0,20}\bpriority\b/i.test(text) && !/\bp[1-4]\b/i.test(text))
        return callOf(intent, 'update_ticket', { ticket, priority: null });
      const priority = priorityChange(text);
      if (!priority) return clarify(intent, `Which priority should ${ticket} have: P1, P2, P3 or P4?`);
      // "make 358 a P2 and tag it hardware": the other changes in the same sentence go with it.
      return callOf(intent, 'update_ticket', { ticket, priority, ...fieldChanges(text, op, context.directory) });
    }
    case 'update_ticket': {
      const changes = fieldChanges(text, op, context.directory);
      const level = /\b(?:p[1-4]|priority\s*[1-4])\b/i.test(text) ? priorityChange(text) : undefined;
      if (level) changes.priority = level;
      if (!Object.keys(changes).length)
        return clarify(intent, `What should change on ${ticket}: the title, the category or the tags?`);
      return callOf(intent, 'update_ticket', { ticket, ...changes });
    }
    default:
      return { tool: 'knowledge', intent: 'knowledge' };
  }
}

function fieldChanges(text: string, op: TicketOperation | undefined, directory: CompanyDirectory) {
  const changes: Record<string, unknown> = {};
  if (op?.kind === 'update_ticket') {
    if (op.title) changes.title = op.title;
    if (op.category) changes.category = matchCategory(op.category, directory) ?? op.category;
    if (op.addTags?.length)
      changes.add_tags = op.addTags
        .map((tag) => tag.replace(/\s+(?:to|on)\s+(?:ticket\s+)?(?:#|it-?)?\d+$/i, '').toLowerCase())
        .filter(Boolean);
  }
  const categoryOf = /\bcategory\s+(?:of|on|for)\s+\S+\s+(?:to|as|should be|is|becomes|=|->|→)\s+(.+?)\s*\.?$/i.exec(
    text,
  )?.[1];
  if (!changes.category && categoryOf) changes.category = matchCategory(categoryOf, directory) ?? categoryOf;
  if (/\b(?:clear|remove|reset|unset|blank)\s+(?:the\s+)?category\b/i.test(text)) changes.category = null;
  const retitle =
    /\b(?:retitle|re-title|rename)\s+\S+\s+(?:to\s+|as\s+)?["'“]?(.+?)["'”]?\s*$/i.exec(text)?.[1] ??
    /\btitle\b[^,:]{0,25}?[,:]?\s*(?:should (?:say|be|read)|to|as|=|->|:)\s+["'“]?(.+?)["'”]?\s*$/i.exec(text)?.[1];
  if (!changes.title && retitle) changes.title = retitle;
  const quoted = QUOTED_TITLE.exec(text)?.[1];
  if (!changes.title && quoted) changes.title = quoted;
  const recategorise =
    /\b(?:recategori[sz]e|re-categori[sz]e|categori[sz]e|file|move)\b.*?\b(?:as|under|into|to)\s+(?:the\s+)?(.+?)(?:\s+category)?\s*$/i.exec(
      text,
    )?.[1];
  if (!changes.category && recategorise && /categor|file|under/i.test(text)) {
    const category = matchCategory(recategorise, directory);
    if (category) changes.category = category;
  }
  const placed = /\b(?:put|place|file|move)\s+\S+\s+(?:in|into|under)\s+(?:the\s+)?(.+?)\s+categor(?:y|ies)\b/i.exec(
    text,
  )?.[1];
  const belongs = /\bbelongs?\s+(?:in|under|to|with)\s+(?:the\s+)?(.+?)(?:\s+category)?\s*\.?$/i.exec(text)?.[1];
  if (!changes.category && belongs) {
    const category = matchCategory(belongs, directory);
    if (category) changes.category = category;
  }
  if (!changes.category && placed) {
    const category = matchCategory(placed, directory);
    if (category) changes.category = category;
  }
  const remove =
    /\b(?:remove|drop|take off|strip)\s+(?:the\s+)?tags?\s+["']?([\w-]+)/i.exec(text)?.[1] ??
    /\b(?:remove|drop|take|strip|pull)\s+(?:the\s+)?["']?([\w-]+)["']?\s+tag\s+(?:off|from)\b/i.exec(text)?.[1] ??
    /\buntag\s+(?:#|it-?)?\d+\s+["']?([\w-]+)/i.exec(text)?.[1] ??
    /\buntag\s+["']?([a-z][\w-]*)["']?\s+(?:from|on|off)\s+(?:ticket\s*)?(?:#|it-?)?\d+/i.exec(text)?.[1];
  if (remove) changes.remove_tags = [remove.toLowerCase()];
  // "add the vip tag to 295", "add tag sap", "…and add false-positive" (after a removal), "tag it hardware".
  const added =
    /\bneeds?\s+(?:the\s+|a\s+|an\s+)["']?([\w-]+)["']?\s+tag\b/i.exec(text)?.[1] ??
    /\b(?:add|put|stick|slap)\s+(?:the\s+|a\s+)?["']?([\w-]+)["']?\s+tag\b/i.exec(text)?.[1] ??
    /\b(?:add|put|stick)\s+(?:the\s+|a\s+)?tags?\s+["']?([\w-]+)/i.exec(text)?.[1] ??
    (remove ? /\b(?:and|then)\s+add\s+(?:the\s+)?["']?([\w-]+)/i.exec(text)?.[1] : undefined) ??
    /(?<!un)\btag\s+(?:it|this|that|them)\s+(?:with\s+|as\s+)?["']?([\w-]+)/i.exec(text)?.[1];
  if (!changes.add_tags && added && !/^(?:tag|tags|to|on|the)$/i.test(added)) changes.add_tags = [added.toLowerCase()];
  const tagWith =
    /(?<!un)\b(?:tag|label)\s+(?:#|it-?)?\d+\s+(?:with\s+|as\s+)?["']?([\w-]+(?:\s*(?:,|and)\s*[\w-]+)*)/i.exec(
      text,
    )?.[1];
  if (!changes.add_tags && tagWith) changes.add_tags = tagWith.split(/\s*(?:,|\band\b)\s*/).map((t) => t.toLowerCase());
  return changes;
}

function matchCategory(words: string, directory: CompanyDirectory): string | undefined {
  const wanted = words
    .toLowerCase()
    .replace(/\s*[>/]\s*/g, '/')
    .replace(/^the\s+/, '')
    .trim();
  const exact = directory.categories.find((category) => category.toLowerCase() === wanted);
  if (exact) return exact;
  const leaf = directory.categories.filter((category) => category.split('/').pop()?.toLowerCase() === wanted);
  if (leaf.length === 1) return leaf[0];
  const parts = wanted.split(/[\s/]+/).filter((part) => part.length >= 3);
  const scored = directory.categories
    .map((category) => ({ category, hits: parts.filter((part) => category.toLowerCase().includes(part)).length }))
    .filter((entry) => entry.hits > 0)
    .sort((a, b) => b.hits - a.hits || b.category.length - a.category.length);
  return scored[0]?.category;
}

function assignCall(text: string, ticket: string, ref: TicketRef, context: Context): Understanding {
  const intent = 'assign_ticket';
  const rest = `${text.slice(0, ref.start)} ${text.slice(ref.end)}`;
  if (/\b(?:unassign|take (?:me|it) off|remove (?:the )?assignee|nobody)\b/i.test(rest))
    return callOf(intent, 'assign_ticket', { ticket, assignee: null });
  const groups = findGroups(rest, context.directory, { loose: true });
  // "from Owen to Mei": the one it comes from is not the one it goes to.
  const people = findPeople(rest, context.directory).filter(
    (person) =>
      !groups.some((group) => person.start < group.end && person.end > group.start) &&
      !/\bfrom\s*$/i.test(rest.slice(0, person.start)),
  );
  const args: Record<string, unknown> = { ticket };
  if (
    TAKING.test(text) ||
    /\b(?:to me|i'?ll take|i will take|i'?ll have|i'?m (?:taking|grabbing|having|picking up)|i am taking|is mine|assign (?:it )?(?:to )?myself|me on it|give (?:it )?(?:to )?me)\b/i.test(
      rest,
    ) ||
    /^\s*(?:(?:let me|i'?ll|i will|i can)\s+)?(?:take|grab|have|pick up)\s*(?:ticket\s*)?[.!]*\s*$/i.test(
      rest.replace(/\s+/g, ' '),
    )
  )
    args.assignee = 'me';
  const person = people[0];
  if (person && !args.assignee) {
    const agents = person.matches.filter((user) => user.role === 'agent');
    if (agents.length !== 1) {
      const names = (agents.length ? agents : person.matches).map((u) => `${u.displayName} (${u.username})`).join(', ');
      return clarify(
        intent,
        agents.length
          ? `Which ${person.text} do you mean: ${names}?`
          : `${names} is not a helpdesk agent, so cannot be assigned tickets. Who should take ${ticket}?`,
      );
    }
    args.assignee = (agents[0] as (typeof agents)[number]).username;
  }
  // "to Mike from networks": a person nobody knows is not the same as the team they are in.
  const target = /\bto\s+(?:the\s+)?(?!(?:go|be|sit|move|stay)\b)([A-Za-z][\w.'-]*)/i.exec(rest);
  const unknownPerson =
    !args.assignee &&
    target?.[1] &&
    groups[0] &&
    target.index + 3 < groups[0].start - 1 &&
    !/^(?:me|team|group|queue|folks|people|guys|lot|crowd|bods|ones|whoever|whoever's)$/i.test(target[1]) &&
    !people.length;
  if (unknownPerson)
    return clarify(
      intent,
      `I don't know anyone called "${target[1]}". Who should take ${ticket}? Give a username or a team.`,
    );
  // "to Lukas's team": which of their teams is not said. "marcus or elena, whoever's free": not decided.
  if (PERSON_TEAM.test(rest))
    return clarify(
      intent,
      `Which team should take ${ticket}? Give the group's name, for example: assign ${ticket} to Network`,
    );
  if (
    /\b\w+\s+or\s+\w+/i.test(rest) &&
    (people.length + groups.length >= 2 || /\bnot sure|whoever|either\b/i.test(rest))
  )
    return clarify(intent, `Who should take ${ticket}: one person or team, please.`);
  // "to the London team", "to the support team": a team the directory does not know by that name.
  const teamNamed =
    /\bto\s+(?:the\s+)?(?!the\b)([\w&/-]+(?:\s+[\w&/-]+)?)\s+(?:team|group|queue|squad|lot|guys|people)\b/i.exec(
      rest,
    )?.[1];
  if (
    !args.assignee &&
    !groups.length &&
    teamNamed &&
    !findGroups(`the ${teamNamed} team`, context.directory, { loose: true }).length
  )
    return clarify(
      intent,
      `Which team is "${teamNamed}"? Give a group's name, for example: assign ${ticket} to Network`,
    );
  if (groups[0]) args.group = groups[0].group;
  // "on the wrong team, it's a mailbox thing": the team that takes that kind of ticket.
  const topic = WRONG_TEAM.test(rest) ? categoryNamedIn(rest, context.directory.categories) : undefined;
  if (!args.assignee && !args.group && topic) args.group = context.directory.categoryGroups?.[topic];
  if (!args.assignee && !args.group) {
    const named = /\bto\s+(?:the\s+)?(?!(?:go|be|sit|move|stay)\b)([A-Za-z][\w.-]+)/i.exec(rest)?.[1];
    return clarify(
      intent,
      named
        ? `I don't know anyone called "${named}". Who should take ${ticket}? Give a username or a team.`
        : `Who should take ${ticket}? For example: assign ${ticket} to maria`,
    );
  }
  return callOf(intent, 'assign_ticket', args);
}

/** Phrases naming a link kind; reversed ones put the ticket after the phrase first ("child of 307" → 307 parent_of). */
const LINK_PHRASES: [LinkKind, RegExp, boolean][] = [
  ['duplicate_of', /\b(?:(?:a\s+)?duplicate|dupe|dup|copy)\s+of\b|\bduplicates\b|\bsame as\b/i, false],
  ['caused_by', /\bcaused by\b|\bdown to\b|\bbecause of\b|\bresult of\b/i, false],
  ['caused_by', /\b(?:the\s+)?(?:root\s+)?cause of\b|\bcaused\b/i, true],
  ['parent_of', /\bparent (?:of|to|for)\b/i, false],
  ['parent_of', /\b(?:child|sub-?ticket|subtask|part) of\b|\bunder\b/i, true],
  ['follow_up_of', /\bfollow[- ]?up (?:of|to|on|for)\b|\bfollows? (?:up )?on\b/i, false],
  ['relates_to', /\b(?:relates?|related) to\b|\blink\b|\bconnect\b/i, false],
];

function linkCall(text: string, context: Context): Understanding {
  const refs = context.refs;
  if (refs.length < 2) return clarify('link_tickets', 'Which two tickets should I link?');
  for (const [kind, pattern, reversed] of LINK_PHRASES) {
    const match = pattern.exec(text);
    if (!match) continue;
    const before = [...refs].reverse().find((ref) => ref.end <= match.index);
    const after = refs.find((ref) => ref.start >= match.index + match[0].length && ref.ticket !== before?.ticket);
    if (!before || !after) continue;
    const [ticket, other] = reversed ? [after, before] : [before, after];
    return callOf('link_tickets', 'link_tickets', { ticket: ticket.ticket, kind, other: other.ticket });
  }
  const [first, second] = refs as [TicketRef, TicketRef];
  return callOf('link_tickets', 'link_tickets', { ticket: first.ticket, kind: 'relates_to', other: second.ticket });
}

function mergeCall(text: string, context: Context): Understanding {
  const [first, second] = context.refs;
  if (!first || !second) return clarify('merge_tickets', 'Which two tickets should I merge, and which one carries on?');
  const merge = (duplicate: TicketRef, survivor: TicketRef) =>
    callOf('merge_tickets', 'merge_tickets', { duplicate: duplicate.ticket, survivor: survivor.ticket });
  // Said outright: "keep 70", "260 survives", "make 23 the survivor".
  for (const ref of context.refs) {
    const other = context.refs.find((candidate) => candidate.ticket !== ref.ticket);
    if (!other) break;
    const before = text.slice(0, ref.start);
    const after = text.slice(ref.end);
    if (/\b(?:keep(?:ing)?|survivor(?: is| should be)?|retain|leave)\s*(?:ticket\s*)?#?$/i.test(before))
      return merge(other, ref);
    if (
      /^\s*(?:(?:the\s+)?survives|stays|is the survivor|the survivor|carries on|is the (?:main|master|original|primary)|is kept)\b/i.test(
        after,
      )
    )
      return merge(other, ref);
    if (/^\s*(?:goes away|is the (?:dupe|duplicate|copy))\b/i.test(after)) return merge(ref, other);
    if (/^\s*(?:should |will |can |to )?(?:absorb|swallow|take in|eat|subsume)s?\b/i.test(after))
      return merge(other, ref);
  }
  const between = text.slice(first.end, second.start);
  // "merge 5 into 4": 5 goes away. "290 is the same as 289, merge it in": the first is the copy.
  if (
    /\b(?:into|onto|in to|under|is the same as|same as|duplicates?|is a dup(?:e|licate)? of|dup(?:e)? of)\b|->|→|=>/i.test(
      between,
    )
  )
    return merge(first, second);
  if (/\binto\b/i.test(text.slice(0, first.start))) return merge(second, first);
  return clarify(
    'merge_tickets',
    `Which ticket carries on? For example: merge ${second.ticket} into ${first.ticket} (${second.ticket} goes away).`,
  );
}

function usersCall(text: string, context: Context): Understanding {
  // "who handles email? list the people in that group": the group named by what it looks after.
  const looksAfter = /\bwho\s+(?:handles|looks after|deals with|does|supports|owns)\s+([\w&/-]+)/i.exec(text)?.[1];
  const group =
    findGroups(text, context.directory, { loose: true })[0] ??
    (looksAfter ? findGroups(`the ${looksAfter} team`, context.directory, { loose: true })[0] : undefined);
  const args: Record<string, unknown> = {};
  if (group) args.group = group.group;
  else if (/\b(?:my|our)\s+(?:team|group)\b/i.test(text)) {
    const me = context.directory.users.find((user) => user.username === context.speaker);
    if (!me?.groups[0]) return clarify('list_users', 'Which team? For example: who is in the Network team');
    args.group = me.groups[0];
  }
  if (/\b(?:agents?|techs?|technicians?|engineers?)\b/i.test(text)) args.role = 'agent';
  if (/\b(?:requesters?|end users|staff who raise)\b/i.test(text)) args.role = 'requester';
  return callOf('list_users', 'list_users', args);
}
