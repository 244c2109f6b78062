import type { TicketPriority, TicketStatus } from '../../../tickets/index.js';
import { categoryForTopic } from '../../../tickets/index.js';
import { type CompanyDirectory, findCategory, findGroups, findPeople } from './company-directory.js';

/** search_tickets arguments read from a sentence, plus what could not be settled. */
export interface SearchFilters {
  args: Record<string, unknown>;
  /** A question to ask instead of searching (an ambiguous name, "my team" for someone in no team). */
  clarify?: string;
}

const STATUS_WORDS: [TicketStatus, RegExp][] = [
  [
    'pending',
    /\b(?:on[- ]hold|on ice|pending|parked|paused|awaiting|waiting\s+(?:on|for)\s+(?:the\s+|a\s+)?(?:user|requester|customer|vendor|supplier|them|parts?|reply|response|third party|3rd party|someone|somebody|others?))\b/i,
  ],
  ['resolved', /\bresolved\b/i],
  ['closed', /\bclosed\b/i],
  ['canceled', /\bcancell?ed\b/i],
  ['merged', /\bmerged\b/i],
  [
    'new',
    /\bnew\b(?!\s+(?:starters?|joiners?|hires?|laptops?|phones?|macs?|pcs?|devices?|users?|accounts?|mailbox(?:es)?|printers?|monitors?|outlook|teams|version|ticket\b))|\buntouched\b|\bnot (?:yet )?(?:looked at|triaged|started)\b/i,
  ],
  ['open', /\bopen\b(?!\s+(?:a|an|the|ticket)\b)|\bin progress\b/i],
];

/** "all statuses", "including closed ones": not only the active tickets. */
const ALL_STATUSES =
  /\ball (?:statuses|states|statusses)\b|\bany status\b|\bincl(?:uding|\.|)\s+closed\b|\bwhatever (?:the )?status\b/i;
const EVERY_STATUS: TicketStatus[] = ['new', 'open', 'pending', 'resolved', 'closed', 'canceled', 'merged'];

const PRIORITY_WORDS: [TicketPriority, RegExp][] = [
  ['P1', /\b(?:p1s?|priority\s*1|pri\s*1|critical|urgent|sev\s*1|top priority|highest priority)\b/i],
  ['P2', /\b(?:p2s?|priority\s*2|pri\s*2|high(?:[- ]priority)?)\b/i],
  ['P3', /\b(?:p3s?|priority\s*3|pri\s*3|medium|normal priority)\b/i],
  ['P4', /\b(?:p4s?|priority\s*4|pri\s*4|low(?:[- ]priority)?|lowest)\b/i],
];

const MINE =
  /\b(?:i(?:'ve| have)\s+(?:resolved|closed|fixed|handled|worked on)|of mine|my|mine|assigned to me|(?:waiting|sat|sitting|parked) (?:on|with) me|on my plate|i(?:'m| am) (?:working on|assigned)|do i have|have i got|i have|i've got)\b/i;
// "my queue" is the speaker's own tickets; "our queue" the team's.
const MY_TEAM =
  /\b(?:my|our)\s+(?:team|group|squad)(?:'s)?\b|\bour\s+(?:tickets|backlog|queue)\b|\b(?:of|for)\s+ours\b/i;
const UNASSIGNED =
  /\b(?:unassigned|assigned to (?:nobody|no one|noone)|not assigned|no assignee|without an? (?:owner|assignee)|(?:nobody|no one|noone)(?:'s| has| have)? (?:picked|taken|on|touched|grabbed|owns|claimed)|unowned|ownerless)\b/i;
const REQUESTER_CUE =
  /\b(?:raised|reported|logged|opened|submitted|requested|filed|created|sent in)\s+by\s*$|\b(?:from|for)\s*$|\bby\s*$/i;
const ASSIGNEE_CUE = /\b(?:assigned to|with|on|owned by|held by|for)\s*$/i;

const RAISED_BY_ME =
  /\b(?:i|i've|i have|i had)\s+(?:raised|logged|opened|reported|submitted|filed|put in|created)\b|\b(?:raised|logged|opened|reported|submitted|filed|requested|created)\s+by\s+me\b/i;

type ParseDate = (text: string, reference: Date, options?: { forwardDate?: boolean }) => Date | null;
let parseDate: ParseDate | undefined;

/** Words after which a date may follow that the fixed phrases below do not cover. */
export const NEEDS_DATE_PARSER = /\b(?:since|after|from|before|until)\b/i;

/** chrono-node takes a while to load (every locale), so it is loaded only for a sentence that needs it. */
export async function loadDateParser(): Promise<void> {
  if (parseDate) return;
  const imported = await import('chrono-node');
  // A bundle (the chat's) may give only the default export.
  const chrono = (imported as Partial<typeof imported>).parseDate
    ? imported
    : (imported as unknown as { default: typeof imported }).default;
  parseDate = (text, reference, options) => chrono.parseDate(text, reference, options);
}

const DAY = 24 * 60 * 60 * 1000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
function startOfWeek(now: Date): Date {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*';
/** "since the 1st", "from the 2nd onwards", "since the 1st of december". */
const SINCE_ORDINAL = new RegExp(
  String.raw`\b(?:since|from|after)\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?:\s+(?:of\s+)?(${MONTH}))?`,
  'i',
);
/** "between 1 and 5 december", "between the 2nd and the 4th". */
const BETWEEN = new RegExp(
  String.raw`\bbetween\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+and\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\b(?:\s+(?:of\s+)?(${MONTH}))?`,
  'i',
);

/**
 * Day `day` of the named month, else of this month. A search looks back, so a date still to come
 * is a year (or a month) back, unless `future` allows it (the end of a range).
 */
export function dayNamed(day: string, now: Date, month?: string, future = false): Date | undefined {
  const dayOfMonth = Number(day);
  if (dayOfMonth < 1 || dayOfMonth > 31) return undefined;
  const monthIndex = month ? MONTHS.indexOf(month.slice(0, 3).toLowerCase()) : now.getUTCMonth();
  let date = new Date(Date.UTC(now.getUTCFullYear(), monthIndex, dayOfMonth));
  if (!future && date.getTime() > now.getTime())
    date = month
      ? new Date(Date.UTC(now.getUTCFullYear() - 1, monthIndex, dayOfMonth))
      : new Date(Date.UTC(now.getUTCFullYear(), monthIndex - 1, dayOfMonth));
  return date;
}

/** "this week", "since Monday", "in the last 3 days", "yesterday": the creation window meant. */
export function dateWindow(text: string, now: Date): { created_after?: string; created_before?: string } {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (/\btoday\b|\bthis morning\b/i.test(text)) return { created_after: isoDay(today) };
  if (/\byesterday\b/i.test(text))
    return { created_after: isoDay(new Date(today.getTime() - DAY)), created_before: isoDay(today) };
  if (/\bthis week\b|\bso far this week\b/i.test(text)) return { created_after: isoDay(startOfWeek(now)) };
  if (/\b(?:in|over|during|within|from) the (?:last|past) week\b|\bpast week\b/i.test(text))
    return { created_after: isoDay(new Date(today.getTime() - 7 * DAY)) };
  const older = /\bolder than (?:a|an|one|(\d+))\s+(day|week|month)s?\b/i.exec(text);
  if (older) {
    const unit = older[2]?.toLowerCase() === 'month' ? 30 * DAY : older[2]?.toLowerCase() === 'week' ? 7 * DAY : DAY;
    return { created_before: isoDay(new Date(today.getTime() - Number(older[1] ?? 1) * unit)) };
  }
  if (/\b(?:last|past) fortnight\b/i.test(text)) return { created_after: isoDay(new Date(today.getTime() - 14 * DAY)) };
  if (/\blast week\b/i.test(text)) {
    const monday = startOfWeek(now);
    return { created_after: isoDay(new Date(monday.getTime() - 7 * DAY)), created_before: isoDay(monday) };
  }
  if (/\bthis month\b/i.test(text))
    return { created_after: isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))) };
  const lastN = /\b(?:last|past)\s+(\d+|two|three|four|five|seven|ten|fourteen|thirty)\s+(day|week|hour)s?\b/i.exec(
    text,
  );
  if (lastN) {
    const words: Record<string, number> = {
      two: 2,
      three: 3,
      four: 4,
      five: 5,
      seven: 7,
      ten: 10,
      fourteen: 14,
      thirty: 30,
    };
    const count = Number(lastN[1]) || words[(lastN[1] ?? '').toLowerCase()] || 1;
    const unit = lastN[2]?.toLowerCase() === 'week' ? 7 * DAY : lastN[2]?.toLowerCase() === 'hour' ? DAY / 24 : DAY;
    return { created_after: isoDay(new Date(now.getTime() - count * unit)) };
  }
  const startOf = /\b(?:start|beginning)\s+of\s+(?:the\s+)?(year|month|week)\b/i.exec(text)?.[1]?.toLowerCase();
  if (startOf === 'year') return { created_after: isoDay(new Date(Date.UTC(now.getUTCFullYear(), 0, 1))) };
  if (startOf === 'month')
    return { created_after: isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))) };
  if (startOf === 'week') return { created_after: isoDay(startOfWeek(now)) };
  if (/\blast month\b/i.test(text))
    return {
      created_after: isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))),
      created_before: isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))),
    };
  const between = BETWEEN.exec(text);
  if (between?.[1] && between[2]) {
    const from = dayNamed(between[1], now, between[3]);
    // The end of the range is in the start's month, and may be still to come.
    const to = from && new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), Number(between[2])));
    if (from && to && to > from) return { created_after: isoDay(from), created_before: isoDay(to) };
  }
  const ordinal = SINCE_ORDINAL.exec(text);
  if (ordinal?.[1]) {
    const day = dayNamed(ordinal[1], now, ordinal[2]);
    if (day) return { created_after: isoDay(day) };
  }
  const since =
    /\b(?:since|after|from(?!\s+(?:before|until))|created after|opened after|raised after)\s+(.{3,30})/i.exec(text);
  if (since?.[1] && parseDate) {
    let parsed = parseDate(since[1], now, { forwardDate: false });
    // "since friday" on a Thursday is last Friday.
    while (parsed && parsed.getTime() > now.getTime()) parsed = new Date(parsed.getTime() - 7 * DAY);
    if (parsed) return { created_after: isoDay(parsed) };
  }
  const before = /\b(?:before|until|created before|opened before)\s+(.{3,30})/i.exec(text);
  if (before?.[1] && parseDate) {
    let parsed = parseDate(before[1], now, { forwardDate: false });
    // "before friday" on a Thursday is last Friday: a search looks back.
    while (parsed && parsed.getTime() > now.getTime()) parsed = new Date(parsed.getTime() - 7 * DAY);
    if (parsed) return { created_before: isoDay(parsed) };
  }
  return {};
}

/** Words that are about the search itself, not its subject. */
const FILLER =
  /\b(?:show|list|find|search|serach|seach|sarch|srch|get|give|pull|bring|display|me|us|all|any|every|the|a|an|of|tickets?|tix|incidents?|requests?|cases?|ones?|open|active|outstanding|current|currently|right|now|please|pls|which|what|whats|are|is|there|do|does|we|have|has|got|how|many|much|count|number|total|about|mentioning|regarding|re|concerning|related|to|with|for|on|in|that|mention|containing|assigned|unassigned|queue|backlog|plate|mine|my|our|team|group|still|up|can|you|could|i|see|list|anything|something|status|new|pending|resolved|closed|hold|waiting|user|by|raised|logged|reported|from|since|this|last|week|today|yesterday|month|priority|and|or|at|moment|tagged|tag|category|created|opened|came|come|lately|recently|them|it|be|been|still|yet|just|quick|so|far)\b/gi;

const STOP_AT =
  /\s+(?:this|last|since|from|after|before|today|yesterday|in the last|that are|which are|assigned|for (?:the\s+)?\w+ team|raised|logged|opened|created|on hold|pending)\b.*$/i;

/**
 * The subject words of a search: after "about", "mentioning", "search for" (words to look for);
 * or a topic before "tickets" ("printer tickets"), which may be a category.
 */
function subjectText(text: string): { words: string; topic: boolean } | undefined {
  const about =
    /\b(?:(?:that|which) (?:say|says|mention|mentions|contain|contains)|about|mentioning|mentions?|regarding|concerning|re:(?=\s)|re\b|related to|to do with|containing|contain|with the words?|matching|s(?:ea)?rch(?:\s+(?:tickets|tix))?(?:\s+(?:for|w\/|with))?|look(?:ing)? for|find|w\/)\s*["“']?(.+?)["”']?\s*(?:[?!,;]|\.(?:\s|$)|$)/i.exec(
      text,
    )?.[1];
  const before =
    /(?:^|\b(?:show|list|find|any|all|the|open|my|pending|new|closed|resolved|of|many|count)\s+)([a-z0-9][\w.-]*(?:\s+[a-z0-9][\w.-]*)?)\s+(?:tickets|incidents|issues|requests|ones|complaints|reports|problems|calls)\b/i.exec(
      text,
    )?.[1];
  // "docks, anything new": a topic said first, then the question.
  const leading =
    /^\s*([a-z0-9][\w.-]*(?:\s+[a-z0-9][\w.-]*)?)\s*,\s*(?:any|anything|what|how many|which|show|list)\b/i.exec(
      text,
    )?.[1];
  const raw = about ?? before ?? leading;
  if (!raw) return undefined;
  const words = raw
    .replace(STOP_AT, '')
    .replace(FILLER, ' ')
    .replace(
      /\b(?:p[1-4]s?|high|low|urgent|critical|medium|unassigned|cancell?ed|stale|old|recent|overdue|breach\w*|sla|merged)\b/gi,
      ' ',
    )
    .replace(/\s+/g, ' ')
    .trim();
  return words.length >= 2 ? { words, topic: !about } : undefined;
}

/** Words that always introduce the search text, even beside a category ("in Network/Wi-Fi mentioning Leeds"). */
const EXPLICIT_SUBJECT = /\b(?:mentioning|mentions?|containing|regarding|concerning|with the words?|matching)\b/i;

/** A category named by its leaf alone, when the leaf is specific enough (two words or more). */
function namedLeaf(text: string, directory: CompanyDirectory): string | undefined {
  const lower = text.toLowerCase().replace(/\band\b/g, '&');
  return directory.categories.find((category) => {
    const leaf = category.split('/').pop()?.toLowerCase() ?? '';
    return /\s/.test(leaf) && lower.includes(leaf);
  });
}

/** "assigned to mike", "raised by chris": a name after a word that only introduces a person. */
const PERSON_AFTER = /\b(?:assigned to|owned by|held by|raised by|logged by|reported by|opened by)\s+([a-z][a-z.'-]+)/i;
const NOT_A_NAME =
  /^(?:me|myself|us|you|him|her|them|nobody|no|noone|anyone|anybody|someone|somebody|everyone|the|a|an|my|our|your|their|his|its|this|that|unassigned|whoever|team|group|people)$/i;

function unknownPersonNamed(text: string, directory: CompanyDirectory): string | undefined {
  const name = PERSON_AFTER.exec(text)?.[1];
  if (!name || NOT_A_NAME.test(name)) return undefined;
  const known = findPeople(name, directory).length || findGroups(`the ${name} team`, directory, { loose: true }).length;
  return known ? undefined : name;
}

/** Reads a list or count request into search_tickets filters. */
export function searchFilters(
  text: string,
  directory: CompanyDirectory,
  options: { speaker?: string; now: Date },
): SearchFilters {
  const args: Record<string, unknown> = {};
  const statuses = STATUS_WORDS.filter(([, pattern]) => pattern.test(text)).map(([status]) => status);
  if (statuses.length) args.status = statuses;
  const priorities = PRIORITY_WORDS.filter(([, pattern]) => pattern.test(text)).map(([priority]) => priority);
  if (priorities.length) args.priority = priorities;

  const groups = findGroups(text, directory, { loose: true });
  const people = findPeople(text, directory).filter(
    (person) => !groups.some((group) => person.start < group.end && person.end > group.start),
  );
  if (groups[0]) args.group = groups[0].group;
  if (MY_TEAM.test(text)) {
    const me = directory.users.find((user) => user.username === options.speaker);
    if (me?.groups[0]) args.group = me.groups[0];
    else return { args, clarify: 'Which team do you mean? For example: tickets for the Network team' };
  } else if (UNASSIGNED.test(text)) {
    args.assignee = 'unassigned';
  }
  const person = people[0];
  const stranger = person ? undefined : unknownPersonNamed(text, directory);
  if (person) {
    if (person.matches.length !== 1) {
      const names = person.matches.map((user) => `${user.displayName} (${user.username})`).join(', ');
      return { args, clarify: `Which ${person.text.replace(/'s$/i, '')} do you mean: ${names}?` };
    }
    const user = person.matches[0] as (typeof person.matches)[number];
    const before = text.slice(0, person.start);
    const asRequester =
      REQUESTER_CUE.test(before) && !/\bassigned\b/i.test(before.slice(-20))
        ? !ASSIGNEE_CUE.test(before) || /\bby\s*$|\bfrom\s*$/i.test(before)
        : user.role === 'requester' && !/\bassigned to\s*$/i.test(before);
    // "what did Chloe raise last week": the verb after the name says she asked.
    const raisedAfter =
      /^\s+(?:raise|raised|log|logged|report|reported|open|opened|submit|submitted|send in|sent in)\b/i.test(
        text.slice(person.end),
      );
    if (asRequester || raisedAfter) args.requester = user.username;
    else args.assignee = user.username;
  } else if (stranger) {
    // "tickets assigned to mike": nobody of that name, so listing everyone's would mislead.
    return {
      args,
      clarify: `I don't know anyone called "${stranger}". Give a username, for example: tickets assigned to aisha.khan`,
    };
  } else if (RAISED_BY_ME.test(text)) {
    args.requester = 'me';
  } else if (!args.assignee && !MY_TEAM.test(text) && MINE.test(text)) {
    args.assignee = 'me';
  }
  // A category is named with the word "category", or by a leaf name of two words or more ("joiners & leavers tickets").
  const category = /\bcategor(?:y|ies)\b/i.test(text) ? findCategory(text, directory) : namedLeaf(text, directory);
  if (category) args.category = category;
  const tag = /\btagged\s+(?:with\s+)?["']?([\w-]+)/i.exec(text)?.[1];
  if (tag) args.tags = [tag.toLowerCase()];
  const said = subjectText(text);
  const subject = said?.words;
  // "p1 security tickets": a topic word that is a group's own name is the group.
  const groupNamed =
    subject && !args.group && directory.groups.find((g) => g.name.toLowerCase() === subject.toLowerCase());
  // "unassigned printing tickets": a topic that is a category's own name (and no group's) is the category.
  const categoryNamed =
    subject && !groupNamed && !category && directory.categories.find((c) => c.toLowerCase() === subject.toLowerCase());
  // "printer tickets", "wifi complaints", "joiner leaver tickets": a topic that is a category's everyday word
  // searches that category and the word alike (people say "laptop tickets" meaning either).
  const topic =
    said?.topic && !groupNamed && !categoryNamed && !category
      ? categoryForTopic(said.words, directory.categories)
      : undefined;
  if (groupNamed) args.group = groupNamed.name;
  else if (categoryNamed) args.category = categoryNamed;
  else if (topic) {
    args.topic = topic.phrase;
    if (topic.rest.length >= 2) args.text = topic.rest;
  } else if (subject && !tag && (!category || EXPLICIT_SUBJECT.test(text))) {
    const named = new Set([...people.map((p) => p.text.toLowerCase()), ...groups.map((g) => g.group.toLowerCase())]);
    if (!named.has(subject.toLowerCase()) && !people.some((p) => subject.toLowerCase().includes(p.text.toLowerCase())))
      args.text = subject;
  }
  // "wifi complaints from leeds": one of the sample company's offices named beside a topic narrows the text.
  const site = /\b(?:from|in|at)\s+(?:the\s+)?(london|manchester|leeds)(?:\s+office)?\b/i.exec(text)?.[1];
  if (site && !args.text) args.text = site.toLowerCase();
  if (ALL_STATUSES.test(text)) args.status = [...EVERY_STATUS];
  if (
    /\b(?:breach(?:ed|ing)?|overdue|past (?:their |the )?(?:sla|due)|(?:out of|over|outside|beyond) (?:the |their )?sla|missed (?:the|their) sla)\b/i.test(
      text,
    )
  )
    args.sla = /\b(?:at risk|about to|close to|near(?:ly)?|going to|risk of)\b/i.test(text) ? 'at_risk' : 'breached';
  else if (/\bat risk\b|\b(?:due|breach(?:es)?) (?:soon|today)\b|\bdue (?:in|within) the next\b/i.test(text))
    args.sla = 'at_risk';
  // "breaching today" is about the deadline, not when the ticket came in.
  if (/\b(?:breach\w*|due)\s+(?:today|soon)\b|\bdue (?:in|within) the next\b/i.test(text)) args.sla = 'at_risk';
  else Object.assign(args, dateWindow(text, options.now));
  // "due in the next hour", "breaching within 30 minutes": how soon counts as at risk.
  const within =
    /\b(?:due|breach\w*)\s+(?:in|within)\s+(?:the\s+next\s+)?(\d+|an?|one)?\s*(hour|hr|minute|min)s?\b/i.exec(text);
  if (args.sla === 'at_risk' && within) {
    const count = Number(within[1]) || 1;
    args.at_risk_within_minutes = /^h/i.test(within[2] ?? '') ? count * 60 : count;
  }
  return { args };
}
