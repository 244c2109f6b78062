import pgvector from 'pgvector';
import { EmbedderMismatchError } from '../errors.js';
import type { Queryable } from '../store/index.js';
import type { Embedder } from './embedder.js';
import { tokenize } from './text.js';
import { FULL_TEXT_ONLY } from './vector-support.js';

export interface KnowledgeHit {
  /** Path of the article, e.g. "kb/accounts/password-reset.md" for the bundled knowledge base. */
  path: string;
  source: string;
  title: string;
  /** Title and heading path of the best matching section. */
  heading: string;
  content: string;
  /** Fused rank score, 1 when both the vector and the full-text side rank this chunk first. */
  score: number;
  /** Cosine similarity between query and chunk embeddings (0–1): an absolute sense of match. */
  similarity: number;
  /** Whether the chunk matched the query's words in full-text search. */
  keywordMatch: boolean;
}

export interface SearchOptions {
  limit?: number;
  /** At most this many chunks per document, so one long article cannot fill the results. */
  perDocument?: number;
  /** Only documents from these sources (collections). */
  sources?: string[];
}

/** Reciprocal rank fusion constant: 60 is the value from the original RRF paper. */
const RRF_K = 60;
const CANDIDATES = 50;

/** Words joined with OR: a long question should not need every word to appear in one chunk. */
function orQuery(query: string): string {
  return [...new Set(tokenize(query))].slice(0, 32).join(' | ');
}

export function displayPath(source: string, path: string): string {
  return source === 'bundled' ? `kb/${path}` : path;
}

/**
 * One query: nearest chunks by embedding (when the store has vectors) and best chunks by full-text
 * rank, fused by reciprocal rank fusion, capped per document. $1 embedding, $2 tsquery text,
 * $3 chunks per document, $4 limit, $5 sources or null.
 */
function searchSql(withVectors: boolean): string {
  const vectorSide = withVectors
    ? `by_vector AS (
  SELECT c.id, row_number() OVER (ORDER BY c.embedding <=> q.embedding) AS rank
  FROM kb_chunks c, query q
  WHERE c.document_id IN (SELECT id FROM allowed)
  ORDER BY c.embedding <=> q.embedding
  LIMIT ${CANDIDATES}
),`
    : '';
  return `
WITH query AS (
  SELECT ${withVectors ? '$1::vector' : '$1::text'} AS embedding, to_tsquery('english', $2) AS words
),
allowed AS (
  SELECT id FROM kb_documents WHERE $5::text[] IS NULL OR source = ANY($5::text[])
),
${vectorSide}
by_words AS (
  SELECT c.id, row_number() OVER (ORDER BY ts_rank_cd(c.search, q.words) DESC) AS rank
  FROM kb_chunks c, query q
  WHERE c.search @@ q.words AND c.document_id IN (SELECT id FROM allowed)
  ORDER BY ts_rank_cd(c.search, q.words) DESC
  LIMIT ${CANDIDATES}
),
fused AS (
  SELECT id, sum(1.0 / (${RRF_K} + rank)) AS score, bool_or(from_words) AS keyword_match
  FROM (
    ${withVectors ? 'SELECT id, rank, false AS from_words FROM by_vector UNION ALL' : ''}
    SELECT id, rank, true AS from_words FROM by_words
  ) ranked
  GROUP BY id
),
capped AS (
  SELECT f.id, f.score, f.keyword_match, c.document_id,
         row_number() OVER (PARTITION BY c.document_id ORDER BY f.score DESC) AS nth_in_document
  FROM fused f JOIN kb_chunks c ON c.id = f.id
)
SELECT d.source, d.path, d.title, c.heading, c.content, capped.score, capped.keyword_match,
       ${withVectors ? '1 - (c.embedding <=> (SELECT embedding FROM query))' : '0'} AS similarity
FROM capped
JOIN kb_chunks c ON c.id = capped.id
JOIN kb_documents d ON d.id = capped.document_id
WHERE capped.nth_in_document <= $3
ORDER BY capped.score DESC, similarity DESC
LIMIT $4`;
}

/** The best possible fused score: first on every side. Dividing by it puts scores in 0–1. */
const maxFusedScore = (sides: number) => sides / (RRF_K + 1);

/**
 * Hybrid search (vector and full-text, fused) where the store has pgvector; full-text alone where
 * it does not. Refuses to query an index built by a different embedder.
 */
export async function searchKnowledge(
  db: Queryable,
  embedder: Embedder,
  query: string,
  options: SearchOptions = {},
): Promise<KnowledgeHit[]> {
  const { rows: index } = await db.query<{ embedder: string }>('SELECT embedder FROM kb_index');
  const builtWith = index[0]?.embedder;
  if (!builtWith) return [];
  const withVectors = builtWith !== FULL_TEXT_ONLY;
  if (withVectors && builtWith !== embedder.id) {
    throw new EmbedderMismatchError(
      `The knowledge index was built with ${builtWith} but search would use ${embedder.id}.`,
      'Run `itbot reindex --rebuild` so index and queries use the same embedder.',
    );
  }
  const embedding = withVectors ? pgvector.toSql((await embedder.embed([query], 'query'))[0]) : null;
  const words = orQuery(query);
  const { rows } = await db.query<{
    source: string;
    path: string;
    title: string;
    heading: string;
    content: string;
    score: string | number;
    keyword_match: boolean;
    similarity: string | number;
  }>(searchSql(withVectors), [
    embedding,
    words || 'nothingtomatch',
    options.perDocument ?? 1,
    options.limit ?? 5,
    options.sources ?? null,
  ]);
  return rows.map((row) => ({
    path: displayPath(row.source, row.path),
    source: row.source,
    title: row.title,
    heading: row.heading,
    content: row.content,
    score: Math.round((Number(row.score) / maxFusedScore(withVectors ? 2 : 1)) * 1000) / 1000,
    similarity: Math.round(Number(row.similarity) * 1000) / 1000,
    keywordMatch: row.keyword_match,
  }));
}
