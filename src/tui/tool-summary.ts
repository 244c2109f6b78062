import type { ToolCall, ToolCallRecord } from '../agent/index.js';
import { oneLine, toTicketSummary } from './ticket-data.js';

/** `query="outlook keeps asking", limit=5`: a tool call's arguments on one short line. */
export function summarizeArguments(args: Record<string, unknown>, max = 100): string {
  const parts = Object.entries(args).map(([key, value]) => {
    const shown = typeof value === 'string' ? `"${oneLine(value, 60)}"` : JSON.stringify(value);
    return `${key}=${shown}`;
  });
  return oneLine(parts.join(', '), max);
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What a successful call returned, in a few words: "5 articles, best: …", "IT-000001 (new, P3)". */
function summarizeData(name: string, data: Record<string, unknown> | undefined): string | undefined {
  if (!data) return undefined;
  if (Array.isArray(data.signatures) && Array.isArray(data.articles)) {
    const signatures = (data.signatures as { value?: unknown }[])
      .slice(0, 3)
      .map((signature) => String(signature.value));
    const best = (data.articles[0] ?? {}) as { title?: unknown };
    const found = signatures.length ? `found ${signatures.join(', ')}` : 'no error codes found';
    return `${found}${typeof best.title === 'string' ? `; best article: ${best.title}` : ''}`;
  }
  if (Array.isArray(data.results)) {
    const best = (data.results[0] ?? {}) as { title?: unknown };
    const suffix = typeof best.title === 'string' ? `, best: ${best.title}` : '';
    return `${count(data.results.length, 'article')}${suffix}`;
  }
  if (Array.isArray(data.tickets)) return `${count(data.tickets.length, 'ticket')}${data.has_more ? ' (more)' : ''}`;
  if (Array.isArray(data.likely_duplicates) && Array.isArray(data.past_resolutions)) {
    return `${count(data.likely_duplicates.length, 'likely duplicate')}, ${count(data.past_resolutions.length, 'past resolution')}`;
  }
  if (data.ticket && typeof data.ticket === 'object') {
    const ticket = toTicketSummary(data.ticket);
    const verb = name === 'create_ticket' ? 'opened ' : '';
    return `${verb}${ticket.number} "${oneLine(ticket.title, 50)}" (${ticket.status}, ${ticket.priority})`;
  }
  if (typeof data.title === 'string') return data.title;
  return undefined;
}

/** A finished tool call in a few words, for its card. */
export function summarizeOutcome(call: ToolCall, record: ToolCallRecord, data?: Record<string, unknown>): string {
  if (record.outcome === 'not_allowed') return `not allowed: ${oneLine(record.error ?? 'denied', 140)}`;
  if (record.outcome === 'failed') return `failed: ${oneLine(record.error ?? 'unknown error', 140)}`;
  return summarizeData(call.name, data) ?? 'done';
}
