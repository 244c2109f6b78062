import { createHash } from 'node:crypto';
import type { GoogleGenAI } from '@google/genai';
import type { Cache } from '../cache/index.js';
import { estimateTokens, type RateLimiter, type RetryOptions, withRetry } from '../gemini/index.js';
import { type Embedder, type EmbeddingTask, normalize } from './embedder.js';

export interface GeminiEmbedderOptions {
  client: GoogleGenAI;
  model: string;
  dimensions: number;
  /** Requests per minute, shared between processes when it is a Redis limiter. Closed by close(). */
  limiter: RateLimiter;
  /** Vectors already fetched: a reindex or a repeated question costs no API call. Closed by close(). */
  cache: Cache;
  /** Batches in flight at once. */
  concurrency?: number;
  retry?: RetryOptions;
}

/** The API takes at most 100 texts per batchEmbedContents call. */
export const MAX_BATCH = 100;
const CACHE_TTL_MS = 30 * 24 * 3_600_000;
const TASK_TYPES: Record<EmbeddingTask, string> = { document: 'RETRIEVAL_DOCUMENT', query: 'RETRIEVAL_QUERY' };

/**
 * gemini-embedding-001 through the SDK: documents and queries embedded with their task types,
 * truncated to `dimensions` and normalised (the API only normalises its full 3072 dims).
 */
export function createGeminiEmbedder(options: GeminiEmbedderOptions): Embedder {
  const { client, model, dimensions, limiter, cache } = options;
  const cacheKey = (text: string, task: EmbeddingTask) =>
    `embedding:${model}:${dimensions}:${task}:${createHash('sha256').update(text).digest('hex')}`;

  async function embedBatch(texts: string[], task: EmbeddingTask): Promise<number[][]> {
    await limiter.acquire(texts.reduce((sum, text) => sum + estimateTokens(text), 0));
    const response = await withRetry(
      () =>
        client.models.embedContent({
          model,
          contents: texts,
          config: { taskType: TASK_TYPES[task], outputDimensionality: dimensions },
        }),
      options.retry,
    );
    const embeddings = response.embeddings ?? [];
    if (embeddings.length !== texts.length) {
      throw new Error(`Gemini returned ${embeddings.length} embeddings for ${texts.length} texts.`);
    }
    return embeddings.map((embedding) => normalize(embedding.values ?? []));
  }

  return {
    id: `gemini:${model}@${dimensions}`,
    dimensions,
    async embed(texts, task) {
      const vectors: (number[] | undefined)[] = await Promise.all(
        texts.map((text) => cache.get<number[]>(cacheKey(text, task))),
      );
      const missing = texts.map((_, i) => i).filter((i) => !vectors[i]);
      const batches: number[][] = [];
      for (let start = 0; start < missing.length; start += MAX_BATCH)
        batches.push(missing.slice(start, start + MAX_BATCH));
      // A few batches at a time: faster than one by one, gentler than all at once.
      const concurrency = Math.max(1, options.concurrency ?? 2);
      for (let start = 0; start < batches.length; start += concurrency) {
        await Promise.all(
          batches.slice(start, start + concurrency).map(async (batch) => {
            const fetched = await embedBatch(
              batch.map((i) => texts[i] as string),
              task,
            );
            await Promise.all(
              batch.map(async (index, j) => {
                vectors[index] = fetched[j];
                await cache.set(cacheKey(texts[index] as string, task), fetched[j], CACHE_TTL_MS);
              }),
            );
          }),
        );
      }
      return vectors as number[][];
    },
    async close() {
      await Promise.all([limiter.close(), cache.close()]);
    },
  };
}
