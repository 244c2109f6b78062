import fs from 'node:fs';
import path from 'node:path';
import { bundledPaths } from '../../../paths.js';
import { categoryForTopic } from '../../../tickets/category-words.js';

/** Who and what ticket sentences can name: the shapes list_users and list_groups return. */
export interface DirectoryUser {
  username: string;
  displayName: string;
  role: 'agent' | 'requester';
  groups: string[];
}

export interface DirectoryGroup {
  name: string;
  description: string;
}

export interface CompanyDirectory {
  users: DirectoryUser[];
  groups: DirectoryGroup[];
  categories: string[];
  /** The group that takes each category's tickets: "the customer portal team" is that category's. */
  categoryGroups?: Record<string, string>;
}

let bundled: CompanyDirectory | undefined;

/** The sample company shipped in seed/company.json: what the embedded store is seeded with. */
export function bundledDirectory(): CompanyDirectory {
  if (bundled) return bundled;
  const company = JSON.parse(fs.readFileSync(path.join(bundledPaths.seed(), 'company.json'), 'utf8')) as {
    users: DirectoryUser[];
    groups: DirectoryGroup[];
    categories: { path: string; defaultGroup?: string }[];
  };
  bundled = {
    users: company.users.map(({ username, displayName, role, groups }) => ({ username, displayName, role, groups })),
    groups: company.groups.map(({ name, description }) => ({ name, description })),
    categories: company.categories.map((category) => category.path),
    categoryGroups: Object.fromEntries(
      company.categories.flatMap(({ path, defaultGroup }) => (defaultGroup ? [[path, defaultGroup]] : [])),
    ),
  };
  return bundled;
}

/** A person named in a sentence: the word span and every user it could mean. */
export interface PersonMention {
  start: number;
  end: number;
  text: string;
  matches: DirectoryUser[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Usernames, full names, then first or last names ("aisha", "Khan", "aisha.khan", "Aisha Khan's"). */
interface PeopleMatcher {
  pattern: RegExp;
  lookup: Map<string, DirectoryUser[]>;
}

const peopleMatchers = new WeakMap<CompanyDirectory, PeopleMatcher[]>();

/** One alternation per kind of name (usernames, full names, name parts), built once per directory. */
function matchersFor(directory: CompanyDirectory): PeopleMatcher[] {
  const cached = peopleMatchers.get(directory);
  if (cached) return cached;
  const build = (entries: [string, DirectoryUser][]): PeopleMatcher => {
    const lookup = new Map<string, DirectoryUser[]>();
    for (const [name, user] of entries) lookup.set(name, [...(lookup.get(name) ?? []), user]);
    const names = [...lookup.keys()].sort((a, b) => b.length - a.length);
    const alternation = names.map((name) => escapeRegExp(name).replace(/\s+/g, String.raw`\s+`)).join('|');
    return {
      pattern: new RegExp(String.raw`(?<![\w.@-])@?(${alternation || '(?!)'})(?:'s|’s)?(?![\w-]|\.\w)`, 'gi'),
      lookup,
    };
  };
  const parts: [string, DirectoryUser][] = directory.users.flatMap((user) =>
    user.displayName
      .toLowerCase()
      .split(/\s+/)
      .filter((part) => part.length >= 3 && !COMMON_WORDS.has(part))
      .map((part): [string, DirectoryUser] => [part, user]),
  );
  const matchers = [
    build(directory.users.map((user) => [user.username.toLowerCase(), user])),
    build(directory.users.map((user) => [user.displayName.toLowerCase(), user])),
    build(parts),
  ];
  peopleMatchers.set(directory, matchers);
  return matchers;
}

/** Usernames, full names, then first or last names ("aisha", "Khan", "aisha.khan", "Aisha Khan's"). */
export function findPeople(text: string, directory: CompanyDirectory): PersonMention[] {
  const found: PersonMention[] = [];
  const taken = (start: number, end: number) => found.some((m) => start < m.end && end > m.start);
  for (const { pattern, lookup } of matchersFor(directory)) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      const users = lookup.get((match[1] ?? '').toLowerCase().replace(/\s+/g, ' '));
      if (!users || taken(start, end)) continue;
      found.push({ start, end, text: match[0], matches: users });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Name parts that are also everyday words in helpdesk sentences. */
const COMMON_WORDS = new Set([
  'grant',
  'price',
  'bell',
  'stone',
  'moss',
  'cole',
  'marsh',
  'chen',
  'ali',
  'kim',
  'hale',
]);

/** A group named in a sentence, by its name or what it looks after ("the network team", "desktop support"). */
export interface GroupMention {
  start: number;
  end: number;
  group: string;
}

/** Everyday names for each sample group beyond its own name; other directories match by name only. */
const GROUP_ALIASES: Record<string, string[]> = {
  'Service Desk': [
    'service desk',
    'servicedesk',
    'helpdesk',
    'help desk',
    'first line',
    'first-line',
    '1st line',
    'desk',
  ],
  Network: ['network', 'networks', 'networking', 'netops', 'network ops'],
  'End User Computing': [
    'end user computing',
    'euc',
    'desktop support',
    'desktop',
    'deskside',
    'device support',
    'devices',
    'laptop team',
    'endpoint team',
  ],
  'Identity & Access': [
    'identity & access',
    'identity and access',
    'identity',
    'iam',
    'access management',
    'accounts team',
  ],
  'Messaging & Collaboration': [
    'messaging & collaboration',
    'messaging and collaboration',
    'messaging',
    'collaboration',
    'email team',
    'exchange team',
    'm365 team',
  ],
  Security: ['security', 'secops', 'infosec', 'soc', 'cyber'],
  'Business Applications': [
    'business applications',
    'business apps',
    'bizapps',
    'sap team',
    'sap',
    'applications',
    'apps team',
  ],
  'Facilities IT': [
    'facilities it',
    'facilities',
    'meeting room av',
    'av team',
    'av',
    'print team',
    'printing team',
    'printer team',
    'printers team',
  ],
};

/** With loose, a bare topic word counts after a preposition ("pass 329 to identity", "pending in Network"). */
const groupPatterns = new WeakMap<CompanyDirectory, { group: string; name: string; pattern: RegExp }[][]>();

function groupPatternsFor(directory: CompanyDirectory) {
  const cached = groupPatterns.get(directory);
  if (cached) return cached;
  const patterns = directory.groups.map((group) =>
    [group.name.toLowerCase(), ...(GROUP_ALIASES[group.name] ?? [])]
      .sort((a, b) => b.length - a.length)
      .map((name) => ({
        group: group.name,
        name,
        pattern: new RegExp(
          String.raw`\b(?:the\s+)?${escapeRegExp(name).replace(/\s+/g, String.raw`\s+`)}(?:'s)?(?:\s+(?:team|group|queue|guys|folks|people))?\b`,
          'i',
        ),
      })),
  );
  groupPatterns.set(directory, patterns);
  return patterns;
}

export function findGroups(
  text: string,
  directory: CompanyDirectory,
  options: { loose?: boolean } = {},
): GroupMention[] {
  const found: GroupMention[] = [];
  for (const aliases of groupPatternsFor(directory)) {
    for (const { group, name, pattern } of aliases) {
      const match = pattern.exec(text);
      if (!match) continue;
      // A bare topic word ("security", "network") only names the group when it says team/group/queue.
      // "desk" alone ("for the desk") is the Service Desk only after a preposition: "my desk phone" is not.
      const bare = name === 'desk' || !/\b(?:team|group|queue|guys|folks|people|desk)\b/i.test(match[0]);
      const afterPreposition = /\b(?:to|in|for|from|with|on|at)\s*$/i.test(text.slice(0, match.index));
      if (bare && AMBIGUOUS_ALONE.has(name) && !(options.loose && afterPreposition)) continue;
      found.push({ start: match.index, end: match.index + match[0].length, group });
      break;
    }
  }
  if (!found.length) found.push(...groupsByDescription(text, directory));
  return found.sort((a, b) => a.start - b.start);
}

const stem = (word: string) =>
  word
    .toLowerCase()
    .replace(/-/g, '')
    .replace(/(x|sh|ch|ss)es$/, '$1')
    .replace(/(?:ing|ers|er|s)$/, '');

/** "the VPN team", "the teams/onedrive crowd", "the folks who look after MFA", "whoever does printers". */
const DESCRIBED_GROUP = [
  /\b(?:the\s+)?([A-Za-z][\w/-]+(?:\s+[A-Za-z][\w/-]+)?)\s+(?:team|group|people|folks|guys|crowd|lot|bods|squad|gang)\b/gi,
  /\b(?:folks|people|team|guys|lot|crowd|ones|bods)\s+(?:who|that)\s+(?:looks? after|handles?|does|do|deals? with|owns?|runs?|supports?|manages?|sorts?)\s+([\w/&-]+)/gi,
  /\bwho(?:ever|'?s)\s+(?:on|does|handles|looks after|deals with|owns|runs|supports|manages|sorts)\s+([\w/&-]+)/gi,
];
const NOT_A_TOPIC = [
  ...['my', 'our', 'your', 'their', 'which', 'what', 'that', 'this', 'same', 'other', 'the', 'a', 'an'],
  ...['to', 'for', 'from', 'with', 'on', 'at', 'in', 'of', 'and', 'or', 'by'],
];

/**
 * The group a topic names: the one that takes the category the topic's words name ("customer
 * portal" → the portal's category → Business Applications), else the one group whose description
 * names any of its words ("teams/onedrive": either will do).
 */
function groupDescribing(topic: string, directory: CompanyDirectory): string | undefined {
  const category = categoryForTopic(topic, directory.categories);
  const categoryGroup = category && !category.rest ? directory.categoryGroups?.[category.category] : undefined;
  if (categoryGroup) return categoryGroup;
  for (const part of topic.split(/[/\s]+/)) {
    const word = stem(part);
    if (word.length < 2 || NOT_A_TOPIC.includes(word)) continue;
    // "collab" is short for collaboration: five letters or more may be the start of the word.
    const names = (token: string) => stem(token) === word || (word.length >= 5 && token.toLowerCase().startsWith(word));
    const groups = directory.groups.filter((group) => (group.description.match(/[A-Za-z][\w-]*/g) ?? []).some(names));
    if (groups.length === 1 && groups[0]) return groups[0].name;
  }
  return undefined;
}

function groupsByDescription(text: string, directory: CompanyDirectory): GroupMention[] {
  const found: GroupMention[] = [];
  for (const pattern of DESCRIBED_GROUP) {
    for (const match of text.matchAll(pattern)) {
      const group = groupDescribing(match[1] ?? '', directory);
      if (group) found.push({ start: match.index, end: match.index + match[0].length, group });
    }
    if (found.length) break;
  }
  return found;
}

const AMBIGUOUS_ALONE = new Set([
  'desk',
  'av',
  'sap',
  'network',
  'networks',
  'networking',
  'security',
  'identity',
  'messaging',
  'collaboration',
  'facilities',
  'desktop',
  'devices',
  'applications',
  'cyber',
]);

/** A category path named by its last part or whole path ("Printing", "Network/VPN", "vpn"). */
export function findCategory(text: string, directory: CompanyDirectory): string | undefined {
  const lower = text.toLowerCase();
  const byLength = [...directory.categories].sort((a, b) => b.length - a.length);
  for (const category of byLength) if (lower.includes(category.toLowerCase())) return category;
  for (const category of byLength) {
    const leaf = category.split('/').pop()?.toLowerCase() ?? '';
    if (leaf.length >= 3 && new RegExp(String.raw`\b${escapeRegExp(leaf)}\b`, 'i').test(text)) return category;
  }
  return undefined;
}
