import { createHash } from 'node:crypto';
import type { Cache } from '../cache/index.js';
import type { Citation, ToolCallRecord, TurnResult } from './types.js';

/**
 * Answers to repeatable one-shot questions ("how do I reset my password?" from a CI smoke test or
 * a busy helpdesk morning), so the same question costs one model call, not one per asker.
 *
 * Only answers built from the knowledge base are kept: the key carries the index version, so a
 * reindex retires them. A turn that read tickets is not kept (ticket state moves on without any
 * version to key on), nor one that changed anything (a cache hit must never stand in for a write).
 */
const CACHEABLE_TOOLS = new Set(['search_knowledge', 'get_article', 'analyze_log']);
const TTL_MS = 24 * 3_600_000;

export interface CachedAnswer {
  answer: string;
  citations: Citation[];
  toolCalls: ToolCallRecord[];
  usage: TurnResult['usage'];
  model: string;
  storedAt: string;
}

export interface ResponseCacheKey {
  model: string;
  systemPrompt: string;
  question: string;
  knowledgeIndexVersion: string;
}

export function responseCacheKey(key: ResponseCacheKey): string {
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        key.model,
        key.systemPrompt,
        key.question.trim().replace(/\s+/g, ' '),
        key.knowledgeIndexVersion,
      ]),
    )
    .digest('hex');
  return `answer:${digest}`;
}

/** Whether a finished turn may be served again to the next person who asks the same. */
export function isCacheable(result: TurnResult): boolean {
  return (
    result.answer.length > 0 &&
    result.toolCalls.every((call) => CACHEABLE_TOOLS.has(call.name) && call.outcome === 'done')
  );
}

export async function lookUpAnswer(cache: Cache, key: string): Promise<CachedAnswer | undefined> {
  return cache.get<CachedAnswer>(key);
}

export async function storeAnswer(cache: Cache, key: string, result: TurnResult): Promise<void> {
  const entry: CachedAnswer = {
    answer: result.answer,
    citations: result.citations,
    toolCalls: result.toolCalls,
    usage: result.usage,
    model: result.model,
    storedAt: new Date().toISOString(),
  };
  await cache.set(key, entry, TTL_MS);
}
