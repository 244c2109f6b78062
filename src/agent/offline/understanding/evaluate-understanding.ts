import fs from 'node:fs';
import { categoryForTopic, normalizeTicketNumber } from '../../../tickets/index.js';
import type { CompanyDirectory } from './company-directory.js';
import { dateWindow, dayNamed, loadDateParser } from './search-filters.js';
import { type Understanding, understand } from './understand.js';

/** One labelled sentence: the tool a colleague would call (or clarify, knowledge, analyze_log, none) and its key values. */
export interface LabelledUtterance {
  id: string;
  speaker?: string;
  utterance: string;
  tool: string;
  args?: Record<string, unknown>;
}

export function readLabelledUtterances(file: string): LabelledUtterance[] {
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledUtterance);
}

/**
 * Values compared loosely, case and punctuation aside: one contains the other, or they share their
 * words (labellers paraphrase titles: "MacBook battery swelling" for "Macbook battery is swelling").
 */
const FREE_TEXT = new Set([
  'text',
  'reason',
  'notes',
  'resolution_notes',
  'title',
  'description',
  'query',
  'log',
  'body',
]);
const SMALL_WORDS = new Set([
  'the',
  'and',
  'for',
  'her',
  'his',
  'their',
  'she',
  'has',
  'have',
  'been',
  'was',
  'are',
  'with',
]);
/** A word's first five letters: "crashing" and "crashes" are one word here. */
const wordsOf = (text: string) =>
  squash(text)
    .split(' ')
    .filter((word) => word.length > 2 && !SMALL_WORDS.has(word))
    .map((word) => word.slice(0, 5));

/** Most of the label's words in the value, and most of the value's words in the label. */
function sameWords(want: string, got: string): boolean {
  const [wanted, given] = [wordsOf(want), wordsOf(got)];
  if (wanted.length < 2 || given.length === 0) return false;
  const share = (of: string[], within: string[]) => of.filter((word) => within.includes(word)).length / of.length;
  return share(wanted, given) >= 0.75 && share(given, wanted) >= 0.6;
}

const TICKET_KEYS = new Set(['ticket', 'other', 'duplicate', 'survivor']);

const squash = (text: string) =>
  text
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** "monday", "this week", "3 days": the date a label's phrase means, as the parser reads it today. */
function labelledDate(phrase: string, now: Date, key: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}/.test(phrase)) return phrase.slice(0, 10);
  // "5 december" as the end of a range may be still to come.
  const day = /^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)$/i.exec(phrase.trim());
  if (key === 'created_before' && day?.[1] && day[2]) {
    const date = dayNamed(day[1], now, day[2], true);
    if (date) return date.toISOString().slice(0, 10);
  }
  for (const sentence of [phrase, `since ${phrase}`, `last ${phrase}`]) {
    const window = dateWindow(sentence, now);
    if (window.created_after) return window.created_after;
  }
  return undefined;
}

/**
 * The labels name a few values by meaning rather than by the tool's field: a transition's
 * "status" is the tool's "to", its "notes" are the reason or the resolution notes.
 */
function gotValue(key: string, args: Record<string, unknown>): unknown {
  if (key === 'status' && 'to' in args) return args.to;
  if (key === 'notes') return args.reason ?? args.resolution_notes;
  // An attachment's "id" is labelled as the sentence gives it: a number, or a file name fetched by name.
  if (key === 'id' && args.id === undefined) return args.name;
  // A topic ("printer tickets") searches its category and its words alike: either label is met.
  if (key === 'text' && args.text === undefined && typeof args.topic === 'string') return args.topic;
  if (key === 'category' && args.category === undefined && typeof args.topic === 'string')
    return categoryForTopic(args.topic)?.category;
  return args[key];
}

function valueMatches(key: string, want: unknown, got: unknown, now: Date): boolean {
  if (key === 'created_after' || key === 'created_before')
    return typeof want === 'string' && typeof got === 'string' && labelledDate(want, now, key) === got;
  if (typeof want === 'string' && /^cancell?ed$/i.test(want)) return got === 'canceled' || got === 'cancelled';
  if (key === 'id') return String(want).toLowerCase() === String(got).toLowerCase();
  if (TICKET_KEYS.has(key) && (typeof want === 'string' || typeof want === 'number'))
    return typeof got === 'string' && normalizeTicketNumber(String(want)) === normalizeTicketNumber(got);
  if (FREE_TEXT.has(key) && typeof want === 'string') {
    if (typeof got !== 'string') return false;
    const [a, b] = [squash(want), squash(got)];
    return a.includes(b) || b.includes(a) || sameWords(want, got);
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return want.length === 0 && got === undefined;
    const norm = (items: unknown[]) =>
      items
        .map((item) =>
          String(item)
            .toLowerCase()
            .replace(/^cancelled$/, 'canceled'),
        )
        .sort();
    return JSON.stringify(norm(want)) === JSON.stringify(norm(got));
  }
  if (typeof want === 'string' && typeof got === 'string') return want.toLowerCase() === got.toLowerCase();
  return JSON.stringify(want) === JSON.stringify(got);
}

const NOT_TICKET_WORK = new Set(['knowledge', 'analyze_log', 'none', 'search_knowledge', 'get_article']);
/** Which side of the knowledge-vs-ticket line a tool is on (logs and noise on neither). */
export function routeOf(tool: string): 'knowledge' | 'ticket' | 'other' {
  if (tool === 'knowledge' || tool === 'search_knowledge' || tool === 'get_article') return 'knowledge';
  if (tool === 'analyze_log' || tool === 'none') return 'other';
  return 'ticket';
}

export interface UnderstandingResult {
  item: LabelledUtterance;
  got: Understanding;
  toolRight: boolean;
  valuesRight: boolean;
  wrongKeys: string[];
}

export interface UnderstandingReport {
  total: number;
  /** Right tool with right key values, over every sentence. */
  correct: number;
  /** The same over sentences labelled with ticket work (a ticket tool or clarify). */
  ticketWork: { total: number; correct: number };
  /** Knowledge vs ticket: over sentences labelled as either. */
  routing: { total: number; correct: number };
  results: UnderstandingResult[];
}

export async function evaluateUnderstanding(
  items: LabelledUtterance[],
  options: { directory?: CompanyDirectory; now?: Date } = {},
): Promise<UnderstandingReport> {
  await loadDateParser();
  const results: UnderstandingResult[] = [];
  for (const item of items) {
    const got = await understand(item.utterance, { ...options, speaker: item.speaker });
    const toolRight = got.tool === item.tool || (item.tool === 'search_knowledge' && got.tool === 'knowledge');
    const args = 'args' in got ? got.args : {};
    const wrongKeys = toolRight
      ? Object.entries(item.args ?? {})
          .filter(([key, want]) => !valueMatches(key, want, gotValue(key, args), options.now ?? new Date()))
          .map(([key]) => key)
      : [];
    results.push({ item, got, toolRight, valuesRight: toolRight && wrongKeys.length === 0, wrongKeys });
  }
  const ticketItems = results.filter((r) => !NOT_TICKET_WORK.has(r.item.tool));
  const routed = results.filter((r) => routeOf(r.item.tool) !== 'other');
  return {
    total: results.length,
    correct: results.filter((r) => r.valuesRight).length,
    ticketWork: { total: ticketItems.length, correct: ticketItems.filter((r) => r.valuesRight).length },
    routing: {
      total: routed.length,
      correct: routed.filter((r) => routeOf(r.got.tool === 'clarify' ? 'clarify' : r.got.tool) === routeOf(r.item.tool))
        .length,
    },
    results,
  };
}
