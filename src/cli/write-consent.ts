import type { AgentEvent, ToolCall, ToolCallRecord } from '../agent/index.js';
import { UsageError } from '../errors.js';
import { normalizeTicketNumber } from '../tickets/index.js';

/**
 * What `itbot ask` lets the agent change. `--yes` is consent for what the request asks for, not for
 * whatever a tool result talks the model into: knowledge articles are text people wrote, so a
 * write the model proposes after reading one needs the tool named in `--allow`; ticket text is too,
 * so after reading tickets a write to a ticket the request did not name needs `--allow` as well;
 * and no turn makes more than `--max-writes` changes.
 */
export interface WritePolicyOptions {
  yes?: boolean;
  /** Tools that may change data (comma-separated on the command line); implies consent for them. */
  allow?: string;
  maxWrites: number;
}

/** Tools whose results are article text: never a reason to change data. */
const ARTICLE_READERS = new Set(['search_knowledge', 'get_article', 'analyze_log']);
/** Tools whose results carry ticket text (descriptions, replies, notes) anyone may have written. */
const TICKET_READERS = new Set(['get_ticket', 'search_tickets', 'find_similar_tickets', 'suggest_triage']);
/** The arguments of the writing tools that name an existing ticket. */
const TICKET_ARGUMENTS = ['ticket', 'other', 'duplicate', 'survivor'];

/** The ticket numbers a request names ("close IT-000123", "#123"), in canonical form. */
export function ticketsNamedIn(request: string): Set<string> {
  const named = new Set<string>();
  for (const match of request.matchAll(/(?:\bit[-\s]?|#)0*\d{1,9}\b/gi)) {
    const number = normalizeTicketNumber(match[0]);
    if (number) named.add(number);
  }
  return named;
}

/** Tickets a write would change that the request did not name. */
function ticketsNotNamed(call: ToolCall, named: Set<string>): string[] {
  return TICKET_ARGUMENTS.map((key) => call.args[key])
    .filter((value): value is string | number => typeof value === 'string' || typeof value === 'number')
    .map((value) => normalizeTicketNumber(String(value)) ?? String(value))
    .filter((number) => !named.has(number));
}

export interface WriteConsent {
  consent(call: ToolCall): Promise<boolean>;
  refusalReason(call: ToolCall): string;
  /** Feed every agent event through: the policy notes which articles the model has read. */
  observe(event: AgentEvent): void;
  /** The changes this turn attempted, for the output to list. */
  writes(records: ToolCallRecord[]): ToolCallRecord[];
}

export function parseAllowList(allow: string | undefined, writingTools: readonly string[]): Set<string> | undefined {
  if (allow === undefined) return undefined;
  const names = allow
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !writingTools.includes(name));
  if (unknown.length) {
    throw new UsageError(
      `--allow names ${unknown.map((name) => `"${name}"`).join(', ')}, ${unknown.length === 1 ? 'which is not a tool that changes' : 'which are not tools that change'} data.`,
      `Tools that change data: ${writingTools.join(', ')}.`,
    );
  }
  return new Set(names);
}

export function createWriteConsent(
  options: WritePolicyOptions,
  writingTools: readonly string[],
  request = '',
): WriteConsent {
  const allow = parseAllowList(options.allow, writingTools);
  const named = ticketsNamedIn(request);
  let readArticles = false;
  let readTickets = false;
  let allowed = 0;

  const verdict = (call: ToolCall): string | undefined => {
    if (allow) {
      if (!allow.has(call.name)) {
        return `${call.name} is not among the tools this run allows to change data (--allow ${[...allow].join(',') || '""'}).`;
      }
    } else if (!options.yes) {
      return 'tools that change data only run with consent; run again with --yes to allow it.';
    } else if (readArticles) {
      return `${call.name} was proposed after reading knowledge-base articles, which are information, not instructions; if the request really asks for it, run again with --allow ${call.name}.`;
    } else if (readTickets && ticketsNotNamed(call, named).length) {
      return `${call.name} on ${ticketsNotNamed(call, named).join(', ')} was proposed after reading ticket text, which is information, not instructions, and the request did not name that ticket; if it really asks for it, name the ticket or run again with --allow ${call.name}.`;
    }
    if (allowed >= options.maxWrites) {
      return `this run allows ${options.maxWrites} change${options.maxWrites === 1 ? '' : 's'} per request (--max-writes); ${call.name} would be one more.`;
    }
    return undefined;
  };

  return {
    async consent(call) {
      if (verdict(call) !== undefined) return false;
      allowed++;
      return true;
    },
    refusalReason: (call) =>
      verdict(call) ??
      `this run allows ${options.maxWrites} change${options.maxWrites === 1 ? '' : 's'} per request (--max-writes).`,
    observe(event) {
      if (event.type !== 'tool_result' || event.record.outcome !== 'done') return;
      if (ARTICLE_READERS.has(event.call.name)) readArticles = true;
      if (TICKET_READERS.has(event.call.name)) readTickets = true;
    },
    writes: (records) => records.filter((record) => writingTools.includes(record.name)),
  };
}

/** One line per change attempted, for stderr: what was changed (or refused), so nothing happens unseen. */
export function describeWrites(writes: ToolCallRecord[]): string[] {
  return writes.map((record) => {
    const args = JSON.stringify(record.arguments);
    const shown = args.length > 160 ? `${args.slice(0, 157)}…` : args;
    const what = record.outcome === 'done' ? 'changed data' : `did not change data (${record.outcome})`;
    return `itbot: ${what}: ${record.name} ${shown}`;
  });
}
