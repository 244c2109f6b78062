import { EMBEDDING_DIMENSIONS, type Embedder, normalize } from './embedder.js';
import { tokenize } from './text.js';

/** FNV-1a, 32-bit: fast, dependency-free and stable across processes and Node versions. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const WEIGHTS = { word: 1, bigram: 0.6, trigram: 0.25 };

function addFeature(vector: Float64Array, feature: string, weight: number): void {
  const hash = fnv1a(feature);
  // One bit of the hash picks the sign, so unrelated features that collide tend to cancel out.
  const sign = hash & 0x80000000 ? -1 : 1;
  const index = hash % vector.length;
  vector[index] = (vector[index] ?? 0) + sign * weight;
}

function embedText(text: string, dimensions: number): number[] {
  const counts = new Map<string, { kind: keyof typeof WEIGHTS; count: number }>();
  const count = (kind: keyof typeof WEIGHTS, feature: string) => {
    const key = `${kind}:${feature}`;
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { kind, count: 1 });
  };
  const words = tokenize(text);
  words.forEach((word, i) => {
    count('word', word);
    const next = words[i + 1];
    if (next) count('bigram', `${word} ${next}`);
    // Character trigrams let "printing" meet "printer" and survive typos.
    const padded = `<${word}>`;
    for (let j = 0; j + 3 <= padded.length; j++) count('trigram', padded.slice(j, j + 3));
  });
  const vector = new Float64Array(dimensions);
  // Sublinear term frequency: an article repeating "printer" ten times is not ten times as relevant.
  for (const [feature, { kind, count: n }] of counts) addFeature(vector, feature, WEIGHTS[kind] * (1 + Math.log(n)));
  return normalize(Array.from(vector));
}

/**
 * The default embedder: hashed word, word-pair and character-trigram features. It needs no network
 * and no model download, and matches spelling rather than meaning.
 */
export function createHashedEmbedder(dimensions = EMBEDDING_DIMENSIONS): Embedder {
  return {
    id: `hashed-ngram-v1@${dimensions}`,
    dimensions,
    embed: async (texts) => texts.map((text) => embedText(text, dimensions)),
    close: async () => {},
  };
}
