/**
 * How likely a search result is the article that answers the question: a logistic model over
 * four features of the result, fitted on the tuning splits of both rounds of labelled
 * knowledge-base questions (answerable and unanswerable, docs/RETRIEVAL.md), with a second model
 * for indexes without vectors. No imports, so the offline provider can read the threshold without
 * loading the store.
 */
export interface ConfidenceFeatures {
  /** Share of the question's words, weighted by IDF, that the article contains (0–1). */
  coverage: number;
  /** The same share within the article's best section (0–1). */
  sectionCoverage: number;
  /** Cosine similarity of the question and the best section (0–1). */
  similarity: number;
  /** The result's fused score minus the best other result's: the first's lead, negative for the rest. */
  lead: number;
}

const WITH_VECTORS = { intercept: -3.644, coverage: 2.029, similarity: 4.264, lead: 4.499, sectionCoverage: 1.877 };
/**
 * Where the index has no vectors (PostgreSQL without pgvector) similarity is always 0, so a model
 * fitted without it (`fit-answer-confidence.js --full-text`). Its own cut by the same rule was
 * 0.76; the intercept is moved by logit(0.72) − logit(0.76) so ANSWER_CONFIDENCE is its cut too.
 */
const FULL_TEXT = { intercept: -2.763, coverage: 2.385, similarity: 0, lead: 4.686, sectionCoverage: 1.351 };

/**
 * At or above this confidence the offline agent answers with the article; below it, it says no
 * article matches well and shows the closest as "might help". Chosen on the tuning splits of both
 * rounds as the lowest value that says "no good match" for at least 90% of unanswerable questions.
 */
export const ANSWER_CONFIDENCE = 0.72;

export function answerConfidence(f: ConfidenceFeatures, index: { vectors: boolean } = { vectors: true }): number {
  const weights = index.vectors ? WITH_VECTORS : FULL_TEXT;
  const z =
    weights.intercept +
    weights.coverage * f.coverage +
    weights.similarity * f.similarity +
    weights.lead * f.lead +
    weights.sectionCoverage * f.sectionCoverage;
  return Math.round(1000 / (1 + Math.exp(-z))) / 1000;
}
