import type { Store } from '../store/index.js';
import { priorityFor } from './priority.js';
import { priorityFromWords } from './priority-cues.js';
import { decideRouting } from './routing.js';
import type { TicketSeed } from './seed.js';
import { seedTickets } from './seed.js';
import { type SimilarityOptions, suggestTriage } from './similar.js';
import { embedTickets } from './ticket-embeddings.js';

export interface TriageReport {
  train: number;
  test: number;
  /** Exact leaf category, e.g. Network/VPN. */
  categoryAccuracy: number;
  /** The category's top level, e.g. Network. */
  topLevelAccuracy: number;
  priorityAccuracy: number;
  /** Priority by each method measured: the neighbours' vote, the report's own words, words when they give a cue and the vote otherwise. */
  priorityByMethod: { neighbours: number; words: number; wordsThenNeighbours: number };
  /** Training tickets embedded for the vector side (0 without an embedder). */
  embedded: number;
  /** Answers given with confidence ≥ 0.5: how many, and how often right. */
  confident: { share: number; categoryAccuracy: number };
  /** Always guessing the most common training value: what a suggestion must beat. */
  majorityBaseline: { category: number; priority: number };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const topLevel = (path: string | null) => path?.split('/')[0] ?? null;

/** Every fifth ticket is held out; the rest are loaded as history to learn from. */
export function splitForEvaluation(seeds: TicketSeed[]): { train: TicketSeed[]; test: TicketSeed[] } {
  return { train: seeds.filter((_, i) => i % 5 !== 0), test: seeds.filter((_, i) => i % 5 === 0) };
}

/** Loads the training tickets into an empty store and scores suggestions for the held-out ones. */
export async function evaluateTriage(
  store: Store,
  seeds: TicketSeed[],
  options: SimilarityOptions = {},
): Promise<TriageReport> {
  const { train, test } = splitForEvaluation(seeds);
  await seedTickets(store, train);
  const embedded = options.embedder ? await embedTickets(store, options.embedder) : 0;
  const byMethod = { neighbours: 0, words: 0, wordsThenNeighbours: 0 };
  let category = 0;
  let top = 0;
  let priority = 0;
  let confident = 0;
  let confidentRight = 0;
  for (const ticket of test) {
    const text = `${ticket.title}\n${ticket.description}`;
    const suggestion = await suggestTriage(store, { text }, options);
    const truth = priorityFor(ticket.impact, ticket.urgency);
    const fromWords = priorityFromWords(text);
    if (suggestion.neighbourPriority === truth) byMethod.neighbours++;
    if (fromWords.priority === truth) byMethod.words++;
    if ((fromWords.cues.length ? fromWords.priority : suggestion.neighbourPriority) === truth) {
      byMethod.wordsThenNeighbours++;
    }
    const right = suggestion.category === ticket.category;
    if (right) category++;
    if (topLevel(suggestion.category) === topLevel(ticket.category)) top++;
    if (suggestion.priority === truth) priority++;
    if (suggestion.confidence.category >= 0.5) {
      confident++;
      if (right) confidentRight++;
    }
  }
  const commonest = (values: string[]) => {
    const counts = new Map<string, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  };
  const priorityOf = (t: TicketSeed) => priorityFor(t.impact, t.urgency);
  const majorityCategory = commonest(train.map((t) => t.category));
  const majorityPriority = commonest(train.map(priorityOf));
  return {
    train: train.length,
    test: test.length,
    categoryAccuracy: round(category / test.length),
    topLevelAccuracy: round(top / test.length),
    priorityAccuracy: round(priority / test.length),
    priorityByMethod: {
      neighbours: round(byMethod.neighbours / test.length),
      words: round(byMethod.words / test.length),
      wordsThenNeighbours: round(byMethod.wordsThenNeighbours / test.length),
    },
    embedded,
    confident: { share: round(confident / test.length), categoryAccuracy: round(confidentRight / (confident || 1)) },
    majorityBaseline: {
      category: round(test.filter((t) => t.category === majorityCategory).length / test.length),
      priority: round(test.filter((t) => priorityOf(t) === majorityPriority).length / test.length),
    },
  };
}

export interface RoutingReport {
  train: number;
  test: number;
  threshold: number;
  /** Share of held-out tickets the router routed itself (the rest it left for a person). */
  applied: number;
  abstained: number;
  /** Of the routed tickets: category exactly right, and group right (what decides who sees it). */
  appliedCategoryAccuracy: number;
  appliedGroupAccuracy: number;
}

/** The router on held-out sample tickets (every fifth), learned from the rest: how often it acts, and how often rightly. */
export async function evaluateRouting(
  store: Store,
  seeds: TicketSeed[],
  threshold: number,
  options: SimilarityOptions = {},
): Promise<RoutingReport> {
  const { train, test } = splitForEvaluation(seeds);
  await seedTickets(store, train);
  if (options.embedder) await embedTickets(store, options.embedder);
  let applied = 0;
  let categoryRight = 0;
  let groupRight = 0;
  for (const ticket of test) {
    const decision = await decideRouting(store, { text: `${ticket.title}\n${ticket.description}` }, threshold, options);
    if (!decision.applied) continue;
    applied++;
    if (decision.category === ticket.category) categoryRight++;
    if (decision.group === ticket.group) groupRight++;
  }
  return {
    train: train.length,
    test: test.length,
    threshold,
    applied: round(applied / test.length),
    abstained: round((test.length - applied) / test.length),
    appliedCategoryAccuracy: round(categoryRight / (applied || 1)),
    appliedGroupAccuracy: round(groupRight / (applied || 1)),
  };
}
