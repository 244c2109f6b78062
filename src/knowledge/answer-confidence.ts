/**
 * How likely a search result is the article that answers the question: a logistic model over
 * four features of the result, fitted on the tuning split of the labelled knowledge-base questions
 * (answerable and unanswerable, docs/RETRIEVAL.md). No imports, so the offline provider can read
 * the threshold without loading the store.
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

const WEIGHTS = { intercept: -3.644, coverage: 2.029, similarity: 4.264, lead: 4.499, sectionCoverage: 1.877 };

/**
 * At or above this confidence the offline agent answers with the article; below it, it says no
 * article matches well and shows the closest as "might help". Chosen on the tuning split as the
 * lowest value that says "no good match" for at least 90% of unanswerable questions.
 */
export const ANSWER_CONFIDENCE = 0.72;

export function answerConfidence(f: ConfidenceFeatures): number {
  const z =
    WEIGHTS.intercept +
    WEIGHTS.coverage * f.coverage +
    WEIGHTS.similarity * f.similarity +
    WEIGHTS.lead * f.lead +
    WEIGHTS.sectionCoverage * f.sectionCoverage;
  return Math.round(1000 / (1 + Math.exp(-z))) / 1000;
}
