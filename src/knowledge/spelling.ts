import type { Queryable } from '../store/index.js';

/**
 * Misspelt question words ("pasword", "tonner", "emial", "bitlocer") put right against the
 * knowledge base's own words before it is searched. A misspelt word matches no article, so it
 * both misses the article and, counted as the rarest of words, makes a good match look weak.
 *
 * Words are compared as PostgreSQL's English stemmer leaves them (the index's lexemes), so a
 * stem the index knows is never touched, and stop words never reach this. A word is corrected
 * only to an index word starting with the same letter, one edit away (two for words of seven
 * letters or more), the most common such word winning.
 */

/** Optimal string alignment distance (Levenshtein with adjacent swaps), stopping past `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((rows[i - 1]?.[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (rows[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? limit + 1;
}

/**
 * The question's words the index does not know, each with the index words that could be it (same
 * first letter, length within two): one statement, which returns nothing for a question without
 * unknown words. Compared as lexemes, so stop words and stems the index knows never come back.
 */
const CANDIDATES_SQL = `
WITH words AS (
  SELECT DISTINCT w.token, l.lexeme
  FROM unnest($1::text[]) AS w(token), unnest(tsvector_to_array(to_tsvector('english', w.token))) AS l(lexeme)
),
unknown AS (
  SELECT * FROM words
  WHERE length(lexeme) >= 4 AND lexeme !~ '[0-9]'
    AND NOT EXISTS (SELECT 1 FROM kb_lexemes k WHERE k.lexeme = words.lexeme AND k.documents > 0)
)
SELECT u.token, u.lexeme, k.lexeme AS candidate, k.documents
FROM unknown u
JOIN kb_lexemes k ON left(k.lexeme, 1) = left(u.lexeme, 1)
  AND length(k.lexeme) BETWEEN greatest(length(u.lexeme) - 2, 3) AND length(u.lexeme) + 2
  AND k.documents > 0`;

/**
 * The question with its misspelt words replaced by the index words they most likely meant (the
 * question itself when nothing needs correcting).
 */
export async function correctSpelling(db: Queryable, question: string): Promise<string> {
  const tokens = [
    ...new Set(
      question
        .slice(0, 2000)
        .toLowerCase()
        .match(/\p{L}{4,}/gu) ?? [],
    ),
  ].slice(0, 64);
  if (!tokens.length) return question;
  const { rows } = await db.query<{ token: string; lexeme: string; candidate: string; documents: number }>(
    CANDIDATES_SQL,
    [tokens],
  );
  const best = new Map<string, { candidate: string; distance: number; documents: number }>();
  for (const row of rows) {
    const limit = row.lexeme.length >= 7 ? 2 : 1;
    const distance = editDistance(row.lexeme, row.candidate, limit);
    if (distance > limit) continue;
    const current = best.get(row.token);
    const documents = Number(row.documents);
    if (!current || distance < current.distance || (distance === current.distance && documents > current.documents))
      best.set(row.token, { candidate: row.candidate, distance, documents });
  }
  let corrected = question;
  for (const [token, { candidate }] of best)
    corrected = corrected.replace(new RegExp(`(?<!\\p{L})${token}(?!\\p{L})`, 'iu'), candidate);
  return corrected;
}
