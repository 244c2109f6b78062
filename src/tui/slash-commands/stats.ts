import type { SlashCommand } from './types.js';

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const statsCommand: SlashCommand = {
  name: 'stats',
  usage: '/stats',
  description: 'turns, tokens, latency and memory of this session',
  run(_args, context) {
    const stats = context.stats();
    const health = context.health();
    const rows: string[][] = [
      ['turns answered', String(stats.turns)],
      ['cancelled / failed', `${stats.cancelled} / ${stats.failed}`],
      ['tool calls', String(stats.toolCalls)],
      ['tokens in / out', `${stats.inputTokens} / ${stats.outputTokens}`],
      [
        'latency median / max',
        stats.turnMs.length ? `${median(stats.turnMs)} ms / ${Math.max(...stats.turnMs)} ms` : '-',
      ],
      ['time in model / tools', `${stats.modelMs} ms / ${stats.toolMs} ms`],
      [
        'knowledge cache hits',
        stats.knowledgeSearches ? `${stats.cacheHits} of ${stats.knowledgeSearches} searches` : 'no searches yet',
      ],
      ['ticket server', health.state === 'ready' ? `ready (${health.tools} tools)` : health.state],
      ['memory (this process)', `${Math.round(process.memoryUsage().rss / 1024 / 1024)} MB resident`],
    ];
    context.add({
      kind: 'table',
      title: 'This session',
      columns: [{ header: 'what' }, { header: 'value', flexible: true }],
      rows,
    });
  },
};
