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

interface Lexicon {
  version: string;
  /** Lexemes by first letter, with how many documents carry each. */
  byInitial: Map<string, { lexeme: string; documents: number }[]>;
  known: Set<string>;
}

const lexicons = new WeakMap<Queryable, Lexicon>();

async function lexiconOf(db: Queryable, version: string): Promise<Lexicon> {
  const cached = lexicons.get(db);
  if (cached?.version === version) return cached;
  const { rows } = await db.query<{ lexeme: string; documents: number }>(
    'SELECT lexeme, documents FROM kb_lexemes WHERE documents > 0',
  );
  const byInitial = new Map<string, { lexeme: string; documents: number }[]>();
  for (const row of rows) {
    const initial = row.lexeme[0] ?? '';
    const list = byInitial.get(initial) ?? [];
    list.push({ lexeme: row.lexeme, documents: Number(row.documents) });
    byInitial.set(initial, list);
  }
  const lexicon = { version, byInitial, known: new Set(rows.map((row) => row.lexeme)) };
  lexicons.set(db, lexicon);
  return lexicon;
}

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

/** The index word a misspelt lexeme most likely meant, or undefined. */
function correction(lexeme: string, lexicon: Lexicon): string | undefined {
  if (lexeme.length < 4 || /\d/.test(lexeme) || lexicon.known.has(lexeme)) return undefined;
  const limit = lexeme.length >= 7 ? 2 : 1;
  let best: { lexeme: string; distance: number; documents: number } | undefined;
  for (const candidate of lexicon.byInitial.get(lexeme[0] ?? '') ?? []) {
    if (candidate.lexeme.length < 3) continue;
    const distance = editDistance(lexeme, candidate.lexeme, limit);
    if (distance > limit) continue;
    if (!best || distance < best.distance || (distance === best.distance && candidate.documents > best.documents))
      best = { ...candidate, distance };
  }
  return best?.lexeme;
}

/**
 * The question with its misspelt words replaced by the index words they most likely meant (the
 * question itself when nothing needs correcting). `version` is the index's, so a reindex that
 * changes the vocabulary is read afresh.
 */
export async function correctSpelling(db: Queryable, question: string, version: string): Promise<string> {
  const lexicon = await lexiconOf(db, version);
  const { rows } = await db.query<{ token: string; lexemes: string[] | null }>(
    "SELECT token, lexemes FROM ts_debug('english', $1) WHERE alias IN ('asciiword', 'word')",
    [question.slice(0, 2000)],
  );
  let corrected = question;
  for (const { token, lexemes } of rows) {
    const lexeme = lexemes?.[0];
    if (!lexeme) continue;
    const fix = correction(lexeme, lexicon);
    if (fix) corrected = corrected.replace(new RegExp(`\\b${token.replace(/[^\p{L}]/gu, '')}\\b`, 'iu'), fix);
  }
  return corrected;
}
