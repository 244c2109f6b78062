import pgvector from 'pgvector';
import { EmbedderMismatchError } from '../errors.js';
import type { Queryable } from '../store/index.js';
import { answerConfidence } from './answer-confidence.js';
import type { Embedder } from './embedder.js';
import { correctSpelling } from './spelling.js';
import { tokenize } from './text.js';
import { expandQuery } from './thesaurus.js';
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
  /**
   * How likely (0–1) this article answers the question (answer-confidence.ts); at or above
   * ANSWER_CONFIDENCE the offline agent answers with it.
   */
  confidence: number;
  /** Share (0–1) of the question's words, weighted by rarity (IDF), that the article contains. */
  coverage: number;
  /** The article's BM25F score as a share (0–1) of the most the question's words could score. */
  textMatch: number;
  /** Like coverage, counting only the article's title, summary and headings. */
  headCoverage: number;
  /** Like coverage, counting only the best section. */
  sectionCoverage: number;
}

export interface SearchOptions {
  limit?: number;
  /** At most this many chunks per document, so one long article cannot fill the results. */
  perDocument?: number;
  /** Only documents from these sources (collections). */
  sources?: string[];
}

/**
 * The knobs of the ranking, one object so `bench/retrieval-methods.ts` can measure alternatives
 * over the same index. SHIPPED_TUNING is what search uses; every value is set by measurement on
 * the retrieval dev sets (README, "Retrieval on the external ms-support corpus").
 */
export interface SearchTuning {
  /**
   * 'rrf': weighted reciprocal rank fusion of the sides' rankings; 'scores': a weighted sum of the
   * text side's BM25F score (as a share of the most the question could score) and the vector
   * side's best cosine similarity, so a weak side can only reorder close text scores.
   */
  fusion: 'rrf' | 'scores';
  /** Reciprocal rank fusion constant: 60 is the value from the original RRF paper. */
  rrfK: number;
  /**
   * How much each side counts in the fusion: the local hashed embedder matches spelling, not
   * meaning, so it helps order the text side's results (MRR up) but at equal weight it pulls good
   * lexical results down.
   */
  textWeight: number;
  vectorWeight: number;
  /**
   * 'bm25': BM25F over title, summary, headings and body (sql/006); 'ts_rank': the weighted column
   * against all words; 'idf': each word's ts_rank times its IDF, summed.
   */
  textScoring: 'bm25' | 'ts_rank' | 'idf';
  /** BM25F's parameters: term-frequency saturation, and per field (title, summary, headings, body) a weight and a length normalisation. */
  bm25: Bm25Parameters;
  /** Whether the question's everyday phrases are expanded with the IT thesaurus (data/it-thesaurus.json). */
  thesaurus: boolean;
  /** Whether misspelt question words are put right against the index's own words first (spelling.ts). */
  spelling: boolean;
  /** A thesaurus term's weight in the BM25 query, against 1 for the question's own words. */
  expansionWeight: number;
  /** A second text ranking by IDF-weighted per-word ts_rank, fused at this weight (0: none). */
  idfRankWeight: number;
  /** The IDF ranking scores every candidate, or re-scores only the first text ranking's results (cheaper). */
  idfOver: 'candidates' | 'text';
  /** ts_rank's length normalisation in the IDF ranking (0: none, 1: divided by log length). */
  idfNormalization: number;
  /** Words in more than this share of the documents are left out of the text ranking (1: none). */
  maxDocumentShare: number;
  /** Pseudo-relevance feedback: the top documents' distinctive words as a further ranking, or none. */
  feedback: { documents: number; terms: number; weight: number; from: 'head' | 'all' } | null;
  /** Words also match longer words that start with them ("print" → "printer", "printing"). */
  prefixMatch: boolean;
  /** 'nearest': a document is as near as its nearest chunk; 'chunks': RRF over all its chunks in the candidates. */
  vectorDocuments: 'nearest' | 'chunks';
  /** Chunks the vector side considers (HNSW's ef_search is raised to match above its default 40). */
  vectorCandidates: number;
}

export interface Bm25Parameters {
  k1: number;
  /** Title, summary, headings, body. */
  weights: [number, number, number, number];
  /** Length normalisation per field; with `oneField` only the first is used, over the summed lengths. */
  b: [number, number, number, number];
  /** Plain BM25: one field made of all four (weights sum the frequencies), one length. */
  oneField: boolean;
}

/** Textbook BM25 (k1 1.2, b 0.75) over the whole article as one field: the baseline every figure is reported beside. */
export const PLAIN_BM25: Bm25Parameters = {
  k1: 1.2,
  weights: [1, 1, 1, 1],
  b: [0.75, 0.75, 0.75, 0.75],
  oneField: true,
};

/**
 * BM25 over the whole article, its title counted three times, with the thesaurus' terms at 0.3,
 * plus 0.3 × the nearest chunk's cosine similarity (docs/RETRIEVAL.md: at or above plain BM25 on
 * every tuning and dev set).
 */
export const SHIPPED_TUNING: SearchTuning = {
  fusion: 'scores',
  rrfK: 30,
  textWeight: 1,
  vectorWeight: 0.3,
  textScoring: 'bm25',
  bm25: { ...PLAIN_BM25, weights: [3, 1, 1, 1] },
  thesaurus: true,
  spelling: true,
  expansionWeight: 0.3,
  idfRankWeight: 0,
  idfOver: 'text',
  idfNormalization: 1,
  maxDocumentShare: 1,
  feedback: null,
  prefixMatch: false,
  vectorDocuments: 'nearest',
  vectorCandidates: 80,
};

/** The ranking before issue 12 (ts_rank, an IDF re-ranking and vectors by reciprocal rank fusion). */
export const TS_RANK_TUNING: SearchTuning = {
  ...SHIPPED_TUNING,
  fusion: 'rrf',
  vectorWeight: 0.5,
  textScoring: 'ts_rank',
  expansionWeight: 1,
  spelling: false,
  idfRankWeight: 0.5,
  vectorDocuments: 'chunks',
};

/** Plain BM25 alone: no thesaurus, no vectors. The baseline every retrieval figure is reported beside. */
export const BM25_BASELINE_TUNING: SearchTuning = {
  ...SHIPPED_TUNING,
  bm25: PLAIN_BM25,
  thesaurus: false,
  spelling: false,
  vectorWeight: 0,
};

const CANDIDATES = 50;

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Words joined with OR: a long question should not need every word to appear in one article. */
function orQuery(query: string): string {
  return [...new Set(tokenize(query))].slice(0, 64).join(' | ');
}

export function displayPath(source: string, path: string): string {
  return source === 'bundled' ? `kb/${path}` : path;
}

/**
 * The text side ranks at most this many documents. Ranking is the expensive part (each document's
 * weighted vector is read and scored); matching through the GIN index is cheap. At 100k chunks
 * every synthetic article shares the query's words, and ranking all of them cost 230 ms.
 */
const RANKED_DOCUMENTS = 400;

/**
 * One query. The text side picks a bounded candidate set from the query's rarest words (document
 * frequencies in kb_lexemes), articles that carry them in their title, summary or headings first,
 * and scores those by BM25 (kb_postings: frequencies per field; SearchTuning keeps the older
 * ts_rank and IDF rankings measurable). The vector side takes the nearest 80 chunks through HNSW.
 * The sides are fused by a weighted sum of scores (BM25 as a share of the most the question's
 * words could score, plus the nearest chunk's cosine similarity) or by weighted reciprocal rank
 * fusion, and each document is shown by its best chunks, with the features the answer confidence
 * is computed from (coverage, textMatch).
 * $1 embedding (or NULL text), $2 tsquery text, $3 chunks per document, $4 limit, $5 sources or
 * null, $6 the query's words with their expansion as plain text, $7 the question's own words.
 */
function searchSql(withVectors: boolean, t: SearchTuning): string {
  const useVectors = withVectors && t.vectorWeight > 0;
  const vectorRank =
    t.vectorDocuments === 'nearest'
      ? `SELECT document_id, row_number() OVER (ORDER BY min(distance)) AS rank, 1 - min(distance) AS score
  FROM vector_chunks GROUP BY document_id`
      : `SELECT document_id, row_number() OVER (ORDER BY sum(1.0 / (${t.rrfK} + chunk_rank)) DESC) AS rank,
         1 - min(distance) AS score
  FROM (SELECT document_id, distance, row_number() OVER (ORDER BY distance) AS chunk_rank FROM vector_chunks) c
  GROUP BY document_id`;
  // HNSW returns at most ef_search rows (default 40). An InitPlan in the ORDER BY runs when the
  // scan starts, before its first row, so setting ef_search there (local to this statement's
  // transaction) raises it for this scan only; a computed LIMIT instead made the planner scan exactly.
  const nearTo =
    t.vectorCandidates > 40
      ? `(SELECT $1::vector FROM set_config('hnsw.ef_search', '${t.vectorCandidates}', true))`
      : '$1::vector';
  const vectorSide = useVectors
    ? `-- The parameter itself, not a column of the query CTE: only an ORDER BY against a value known
-- when the scan starts can use the HNSW index; otherwise every vector is compared.
vector_chunks AS (
  SELECT c.document_id, c.embedding <=> $1::vector AS distance
  FROM kb_chunks c
  WHERE $5::text[] IS NULL OR c.document_id IN (SELECT id FROM kb_documents WHERE source = ANY($5::text[]))
  ORDER BY c.embedding <=> ${nearTo}
  LIMIT ${t.vectorCandidates}
),
by_vector AS (
  ${vectorRank}
),`
    : '';
  const lexeme = (column: string) => (t.prefixMatch ? `quote_literal(${column}) || ':*'` : `quote_literal(${column})`);
  const idfScore = `(SELECT sum(w.idf * ts_rank(d.search, w.word, ${t.idfNormalization})) FROM ranked_terms w WHERE d.search @@ w.word)`;
  const textScore = t.textScoring === 'ts_rank' ? 'ts_rank(d.search, r.words, 1)' : idfScore;
  const textSide =
    t.textScoring === 'bm25'
      ? `-- BM25F over the candidates: each query word's frequency per field (kb_postings), saturated by k1.
-- The words and their weighted IDFs as arrays: each candidate's postings are looked up by
-- (document, word) in the primary key, and no join to the words follows (joined to them instead,
-- the planner read every posting of every candidate).
term_arrays AS (
  SELECT array_agg(lexeme) AS lexemes, array_agg(weight * bm25_idf) AS idfs FROM ranked_terms
),
bm25 AS (
  SELECT d.id AS document_id, sum(w.idfs[array_position(w.lexemes, p.lexeme)] * x.tf / (${t.bm25.k1} + x.tf)) AS score
  FROM term_arrays w
  CROSS JOIN candidates d
  JOIN kb_postings p ON p.document_id = d.id AND p.lexeme = ANY(w.lexemes)
  CROSS JOIN corpus, LATERAL (SELECT ${bm25Frequency(t.bm25)} AS tf) x
  GROUP BY d.id
),
by_text AS (
  SELECT document_id, row_number() OVER (ORDER BY score DESC, document_id) AS rank,
         score / greatest((SELECT mass FROM query_mass), 1e-9) AS score
  FROM bm25 WHERE score > 0
  ORDER BY score DESC, document_id
  LIMIT ${CANDIDATES}
),`
      : `by_text AS (
  SELECT document_id, row_number() OVER (ORDER BY score DESC) AS rank, score
  FROM (
    SELECT d.id AS document_id, ${textScore} AS score
    FROM kb_documents d JOIN candidates USING (id), ranked_query r
  ) scored
  WHERE score > 0
  ORDER BY score DESC
  LIMIT ${CANDIDATES}
),`;
  const idfSide = t.idfRankWeight
    ? `by_idf AS (
  SELECT document_id, row_number() OVER (ORDER BY score DESC) AS rank
  FROM (SELECT d.id AS document_id, ${idfScore} AS score
        FROM kb_documents d JOIN ${t.idfOver === 'candidates' ? 'candidates USING (id)' : 'by_text ON by_text.document_id = d.id'}) scored
  WHERE score > 0
  ORDER BY score DESC
  LIMIT ${CANDIDATES}
),`
    : '';
  const feedback = t.feedback;
  const feedbackSide = feedback
    ? `-- Pseudo-relevance feedback: the words that set the text side's top documents apart (term
-- frequency in them times IDF), searched for as a further ranking.
feedback_terms AS (
  SELECT u.lexeme FROM (SELECT document_id, rank FROM by_text WHERE rank <= ${feedback.documents}) f
  JOIN kb_documents d ON d.id = f.document_id,
  unnest(d.${feedback.from === 'head' ? 'head_search' : 'search'}) u
  JOIN kb_lexemes l ON l.lexeme = u.lexeme, corpus
  WHERE u.lexeme NOT IN (SELECT lexeme FROM terms) AND l.documents > 1 AND length(u.lexeme) > 2
  GROUP BY u.lexeme, l.documents
  ORDER BY sum(array_length(u.positions, 1)::float8 / f.rank) * ln(max(corpus.n) / l.documents::float8) DESC, u.lexeme
  LIMIT ${feedback.terms}
),
feedback_query AS (
  SELECT (string_agg(quote_literal(lexeme), ' | ') || ' | ' || (SELECT coalesce(string_agg(quote_literal(lexeme), ' | '), 'nothingtomatch') FROM terms))::tsquery AS words
  FROM feedback_terms
),
by_feedback AS (
  SELECT d.id AS document_id, row_number() OVER (ORDER BY ts_rank(d.search, f.words, 1) DESC) AS rank
  FROM kb_documents d, feedback_query f
  WHERE d.head_search @@ f.words AND ($5::text[] IS NULL OR d.source = ANY($5::text[]))
  ORDER BY ts_rank(d.search, f.words, 1) DESC
  LIMIT ${CANDIDATES}
),`
    : '';
  return `
WITH query AS (
  SELECT ${withVectors ? '$1::vector' : '$1::text'} AS embedding, to_tsquery('english', $2) AS words
),
corpus AS (
  SELECT greatest(count(*), 1)::float8 AS n,
         greatest(avg(title_length), 1)::float8 AS title, greatest(avg(summary_length), 1)::float8 AS summary,
         greatest(avg(heading_length), 1)::float8 AS heading, greatest(avg(body_length), 1)::float8 AS body,
         greatest(avg(title_length + summary_length + heading_length + body_length), 1)::float8 AS length
  FROM kb_documents
),
-- Every word of the question ($7) and of its thesaurus expansion ($6), known to the index or not.
query_terms AS (
  SELECT lexeme, bool_or(original) AS original FROM (
    SELECT lexeme, true AS original FROM unnest(tsvector_to_array(to_tsvector('english', $7))) AS lexeme
    UNION ALL
    SELECT lexeme, false FROM unnest(tsvector_to_array(to_tsvector('english', $6))) AS lexeme
  ) q
  GROUP BY lexeme
),
terms AS (
  SELECT lexeme, s.documents, q.original,
         ln(1 + (corpus.n - s.documents + 0.5) / (s.documents + 0.5)) AS bm25_idf
  FROM query_terms q JOIN kb_lexemes s USING (lexeme), corpus
  WHERE s.documents > 0
),
-- How much the question's own words could score: a word no article has counts as the rarest.
query_mass AS (
  SELECT sum(ln(1 + (corpus.n - coalesce(s.documents, 0) + 0.5) / (coalesce(s.documents, 0) + 0.5))) AS mass
  FROM query_terms q LEFT JOIN kb_lexemes s USING (lexeme), corpus
  WHERE q.original
),
-- The words the text side ranks by: all the query's, or those not in nearly every document.
ranked_terms AS (
  SELECT lexeme, (${lexeme('lexeme')})::tsquery AS word, ln((corpus.n + 1) / (documents + 0.5)) AS idf, bm25_idf,
         CASE WHEN original THEN 1 ELSE ${t.expansionWeight} END::float8 AS weight
  FROM terms, corpus
  WHERE documents <= ${t.maxDocumentShare} * corpus.n AND (original OR ${t.expansionWeight} > 0)
),
ranked_query AS (
  SELECT coalesce(string_agg(${lexeme('lexeme')}, ' | '), 'nothingtomatch')::tsquery AS words FROM ranked_terms
),
-- The rarest words first, until the documents they occur in would exceed the ranking budget.
rare AS (
  SELECT coalesce(string_agg(${lexeme('lexeme')}, ' | '), '')::tsquery AS words
  FROM (SELECT lexeme, sum(documents) OVER (ORDER BY documents, lexeme) - documents AS before FROM terms) t
  WHERE before < ${RANKED_DOCUMENTS}
),
-- With their field lengths, read here once rather than looked up again for every posting.
candidates AS (
  SELECT id, min(title_length) AS title_length, min(summary_length) AS summary_length,
         min(heading_length) AS heading_length, min(body_length) AS body_length
  FROM (
    (SELECT d.id, 0 AS pass, ${LENGTHS} FROM kb_documents d, rare r
     WHERE d.head_search @@ r.words AND ($5::text[] IS NULL OR d.source = ANY($5::text[])) LIMIT ${RANKED_DOCUMENTS})
    UNION ALL
    (SELECT d.id, 1, ${LENGTHS} FROM kb_documents d, rare r
     WHERE d.search @@ r.words AND ($5::text[] IS NULL OR d.source = ANY($5::text[])) LIMIT ${RANKED_DOCUMENTS})
  ) found
  GROUP BY id ORDER BY min(pass) LIMIT ${RANKED_DOCUMENTS}
),
${textSide}
${idfSide}
${feedbackSide}
${vectorSide}
fused AS (
  SELECT document_id, sum(weight * ${t.fusion === 'scores' ? 'score' : `1.0 / (${t.rrfK} + rank)`}) AS score,
         bool_or(from_text) AS keyword_match
  FROM (
    SELECT document_id, rank, score, ${t.textWeight}::float8 AS weight, true AS from_text FROM by_text
    ${useVectors ? `UNION ALL SELECT document_id, rank, score, ${t.vectorWeight}::float8, false FROM by_vector` : ''}
    ${feedback ? `UNION ALL SELECT document_id, rank, 0, ${feedback.weight}::float8, true FROM by_feedback` : ''}
    ${t.idfRankWeight ? `UNION ALL SELECT document_id, rank, 0, ${t.idfRankWeight}::float8, true FROM by_idf` : ''}
  ) ranked
  GROUP BY document_id
  ORDER BY score DESC
  LIMIT $4
),
best_chunks AS (
  SELECT c.id, c.document_id,
         ${withVectors ? '1 - (c.embedding <=> q.embedding)' : '0::float8'} AS similarity,
         row_number() OVER (
           PARTITION BY c.document_id
           ORDER BY ts_rank(c.search, q.words) ${withVectors ? '+ (1 - (c.embedding <=> q.embedding))' : ''} DESC, c.ordinal
         ) AS nth_in_document
  FROM kb_chunks c, query q
  WHERE c.document_id IN (SELECT document_id FROM fused)
),
-- For the answer confidence: how much of the question's own words each result carries, plainly
-- (the IDF of the words it has) and as BM25F scores them, both as shares of query_mass.
features AS (
  SELECT f.document_id, sum(w.bm25_idf) AS matched, sum(w.bm25_idf * x.tf / (${t.bm25.k1} + x.tf)) AS text_match,
         coalesce(sum(w.bm25_idf) FILTER (WHERE p.title_tf + p.summary_tf + p.heading_tf > 0), 0) AS head_matched
  FROM fused f
  JOIN kb_documents d ON d.id = f.document_id
  JOIN kb_postings p ON p.document_id = f.document_id
    AND p.lexeme = ANY((SELECT array_agg(lexeme) FROM terms WHERE original)::text[])
  JOIN terms w ON w.lexeme = p.lexeme
  CROSS JOIN corpus, LATERAL (SELECT ${bm25Frequency(t.bm25)} AS tf) x
  GROUP BY f.document_id
),
-- The same share within the best section alone: an answer has the question's words together.
section_features AS (
  SELECT b.document_id, sum(w.bm25_idf) AS matched
  FROM best_chunks b
  JOIN kb_chunks c ON c.id = b.id
  JOIN terms w ON w.original AND c.search @@ quote_literal(w.lexeme)::tsquery
  WHERE b.nth_in_document = 1
  GROUP BY b.document_id
)
SELECT d.source, d.path, d.title, c.heading, c.content, f.score, f.keyword_match, b.similarity,
       coalesce(fe.matched / nullif(m.mass, 0), 0) AS coverage,
       coalesce(fe.text_match / nullif(m.mass, 0), 0) AS text_match,
       coalesce(fe.head_matched / nullif(m.mass, 0), 0) AS head_coverage,
       coalesce(sf.matched / nullif(m.mass, 0), 0) AS section_coverage
FROM fused f
JOIN best_chunks b ON b.document_id = f.document_id AND b.nth_in_document <= $3
JOIN kb_chunks c ON c.id = b.id
JOIN kb_documents d ON d.id = f.document_id
LEFT JOIN features fe ON fe.document_id = f.document_id
LEFT JOIN section_features sf ON sf.document_id = f.document_id
CROSS JOIN query_mass m
ORDER BY f.score DESC, b.nth_in_document`;
}

/** The best possible fused score: first (or a perfect match) on every side. Dividing by it puts scores in 0–1. */
const maxFusedScore = (withVectors: boolean, t: SearchTuning) =>
  (t.textWeight + (withVectors ? t.vectorWeight : 0)) * (t.fusion === 'scores' ? 1 : 0) ||
  (t.textWeight + (withVectors ? t.vectorWeight : 0) + (t.feedback?.weight ?? 0) + t.idfRankWeight) / (t.rrfK + 1) ||
  1;

const FIELDS = ['title', 'summary', 'heading', 'body'] as const;
const LENGTHS = FIELDS.map((field) => `d.${field}_length`).join(', ');

/**
 * BM25F's pseudo term frequency of one posting `p` of document `d`: the fields' frequencies,
 * weighted, each divided by its length normalisation (1 - b + b · length / average length).
 */
function bm25Frequency(b: Bm25Parameters): string {
  if (b.oneField) {
    const weighted = FIELDS.map((field, i) => `${b.weights[i]} * p.${field}_tf`).join(' + ');
    const length = FIELDS.map((field) => `d.${field}_length`).join(' + ');
    return `(${weighted}) / (1 - ${b.b[0]} + ${b.b[0]} * (${length}) / corpus.length)`;
  }
  return FIELDS.map(
    (field, i) => `${b.weights[i]} * p.${field}_tf / (1 - ${b.b[i]} + ${b.b[i]} * d.${field}_length / corpus.${field})`,
  ).join(' + ');
}

/**
 * Hybrid search (vector and full-text, fused) where the store has pgvector; full-text alone where
 * it does not. Refuses to query an index built by a different embedder.
 */
export async function searchKnowledge(
  db: Queryable,
  embedder: Embedder,
  query: string,
  options: SearchOptions = {},
  tuning: SearchTuning = SHIPPED_TUNING,
): Promise<KnowledgeHit[]> {
  const { rows: index } = await db.query<{ embedder: string }>('SELECT embedder FROM kb_index');
  const builtWith = index[0]?.embedder;
  if (!builtWith) return [];
  const withVectors = builtWith !== FULL_TEXT_ONLY;
  if (withVectors && builtWith !== embedder.id) {
    throw new EmbedderMismatchError(
      `The knowledge index was built with ${builtWith} but search would use ${embedder.id}.`,
      'Run `itbot reindex`: it re-embeds the whole index with the current embedder.',
    );
  }
  const question = tuning.spelling ? await correctSpelling(db, query) : query;
  // Everyday phrases ("code from my phone") also search for the words articles use ("mfa").
  const expanded = [question, ...(tuning.thesaurus ? expandQuery(question) : [])].join(' ');
  const words = orQuery(expanded);
  // Punctuation, single letters or only stop words: nothing to match, and no article is an answer.
  if (!words) return [];
  const embedding = withVectors ? pgvector.toSql((await embedder.embed([expanded], 'query'))[0]) : null;
  const { rows } = await db.query<{
    source: string;
    path: string;
    title: string;
    heading: string;
    content: string;
    score: string | number;
    keyword_match: boolean;
    similarity: string | number;
    coverage: string | number;
    text_match: string | number;
    head_coverage: string | number;
    section_coverage: string | number;
  }>(searchSql(withVectors, tuning), [
    embedding,
    words,
    options.perDocument ?? 1,
    // At least two, so the best result's lead over the next one (a confidence feature) is known.
    Math.max(options.limit ?? 5, 2),
    options.sources ?? null,
    words.replaceAll(' | ', ' '),
    [...new Set(tokenize(question))].slice(0, 64).join(' '),
  ]);
  const hits = rows.map((row) => ({
    path: displayPath(row.source, row.path),
    source: row.source,
    title: row.title,
    heading: row.heading,
    content: row.content,
    score: round3(Number(row.score) / maxFusedScore(withVectors, tuning)),
    similarity: round3(Number(row.similarity)),
    keywordMatch: row.keyword_match,
    confidence: 0,
    coverage: round3(Number(row.coverage)),
    textMatch: round3(Number(row.text_match)),
    headCoverage: round3(Number(row.head_coverage)),
    sectionCoverage: round3(Number(row.section_coverage)),
  }));
  // Each document's lead over the best other document: negative below the first (rows repeat a
  // document when perDocument > 1). The model was fitted on first results; below the first, one
  // article is taken to be the answer, so another can be no more likely than the first is wrong.
  const [first, second] = [...new Map(hits.map((hit) => [hit.path, hit.score])).values()];
  const best = hits[0];
  const firstConfidence = best
    ? answerConfidence({ ...best, lead: best.score - (second ?? 0) }, { vectors: withVectors })
    : 0;
  for (const hit of hits) {
    hit.confidence =
      hit.path === best?.path
        ? firstConfidence
        : Math.min(
            answerConfidence({ ...hit, lead: hit.score - (first ?? 0) }, { vectors: withVectors }),
            round3(1 - firstConfidence),
          );
  }
  const documents = new Set(hits.map((hit) => hit.path));
  const wanted = new Set([...documents].slice(0, options.limit ?? 5));
  return hits.filter((hit) => wanted.has(hit.path));
}
