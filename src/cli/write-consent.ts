import type { AgentEvent, ToolCall, ToolCallRecord } from '../agent/index.js';
import { UsageError } from '../errors.js';

/**
 * What `itbot ask` lets the agent change. `--yes` is consent for what the request asks for, not for
 * whatever a tool result talks the model into: knowledge articles are text people wrote, so a
 * write the model proposes after reading one needs the tool named in `--allow`; and no turn makes
 * more than `--max-writes` changes.
 */
export interface WritePolicyOptions {
  yes?: boolean;
  /** Tools that may change data (comma-separated on the command line); implies consent for them. */
  allow?: string;
  maxWrites: number;
}

/** Tools whose results are article text: never a reason to change data. */
const ARTICLE_READERS = new Set(['search_knowledge', 'get_article', 'analyze_log']);

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

export function createWriteConsent(options: WritePolicyOptions, writingTools: readonly string[]): WriteConsent {
  const allow = parseAllowList(options.allow, writingTools);
  let readArticles = false;
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
      if (event.type === 'tool_result' && event.record.outcome === 'done' && ARTICLE_READERS.has(event.call.name)) {
        readArticles = true;
      }
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
