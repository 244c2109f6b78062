/** Turns text into vectors. Documents and queries may be embedded differently (Gemini's task types). */
export type EmbeddingTask = 'document' | 'query';

export interface Embedder {
  /** Recorded with the index; an index built by one embedder is never searched with another. */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: string[], task: EmbeddingTask): Promise<number[][]>;
  /** Lets go of what the embedder holds open (Redis clients of the rate limiter and cache). */
  close(): Promise<void>;
}

/** The vector column's width: Gemini's gemini-embedding-001 at 768 fits the same column. */
export const EMBEDDING_DIMENSIONS = 768;

export function normalize(vector: number[]): number[] {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  const norm = Math.sqrt(sumOfSquares);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}
