import type { TurnResult } from '../agent/index.js';

/** What /stats reports about this session. */
export interface ChatStats {
  turns: number;
  cancelled: number;
  failed: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Wall time of each answered turn. */
  turnMs: number[];
  modelMs: number;
  toolMs: number;
  knowledgeSearches: number;
  cacheHits: number;
}

export const emptyStats: ChatStats = {
  turns: 0,
  cancelled: 0,
  failed: 0,
  toolCalls: 0,
  inputTokens: 0,
  outputTokens: 0,
  turnMs: [],
  modelMs: 0,
  toolMs: 0,
  knowledgeSearches: 0,
  cacheHits: 0,
};

export function withAnsweredTurn(stats: ChatStats, result: TurnResult): ChatStats {
  return {
    ...stats,
    turns: stats.turns + 1,
    toolCalls: stats.toolCalls + result.toolCalls.length,
    inputTokens: stats.inputTokens + result.usage.inputTokens,
    outputTokens: stats.outputTokens + result.usage.outputTokens,
    turnMs: [...stats.turnMs, result.timings.totalMs],
    modelMs: stats.modelMs + result.timings.modelMs,
    toolMs: stats.toolMs + result.timings.toolMs,
  };
}

export function withKnowledgeSearch(stats: ChatStats, cached: boolean): ChatStats {
  return { ...stats, knowledgeSearches: stats.knowledgeSearches + 1, cacheHits: stats.cacheHits + (cached ? 1 : 0) };
}
