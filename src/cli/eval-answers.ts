import fs from 'node:fs';
import { composeKnowledgeAnswer, strongestHit } from '../agent/offline/compose-answer.js';
import type { ToolResult } from '../agent/types.js';
import { withEmbedder } from '../bootstrap.js';
import { UsageError } from '../errors.js';
import { type Embedder, getArticle, type KnowledgeHit, searchKnowledge } from '../knowledge/index.js';
import type { Store } from '../store/index.js';
import { withScratchStore } from './scratch-store.js';

export interface Question {
  id: string;
  query: string;
  /** The articles that answer it; empty for a question the knowledge base cannot answer. */
  relevant: string[];
}

interface Outcome {
  id: string;
  query: string;
  answerable: boolean;
  /** The article answered with, or null when the answer said no article matches well. */
  answeredWith: string | null;
  confidence: number;
  cited: string[];
}

export interface Rates {
  /** Answerable questions answered with an article (any). */
  answered: number;
  /** Answerable questions answered with one of their relevant articles. */
  answeredRight: number;
  /** Answerable questions whose answer cites a relevant article (the answer or "See also"). */
  citedRight: number;
  /** Unanswerable questions told that no article matches well. */
  noGoodMatch: number;
}

export function readQuestions(file: string, answerable: boolean): Question[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the question file ${file}.`);
  }
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line, index) => {
      const parsed = JSON.parse(line) as { id?: string; query?: unknown; relevant?: unknown };
      if (typeof parsed.query !== 'string' || (answerable && !Array.isArray(parsed.relevant))) {
        throw new UsageError(
          `Line ${index + 1} of ${file} is not {"id","query"${answerable ? ',"relevant"' : ''}} JSON.`,
        );
      }
      return {
        id: String(parsed.id ?? index + 1),
        query: parsed.query,
        relevant: answerable ? (parsed.relevant as string[]) : [],
      };
    });
}

/** What the offline agent does with a knowledge question: search, read the best article if confident, compose. */
async function answer(store: Store, embedder: Embedder, question: Question, legacy: boolean): Promise<Outcome> {
  const hits = await searchKnowledge(store, embedder, question.query, { limit: 5 });
  // legacy: the rule before answer confidences (similarity ≥ 0.25 or a keyword match).
  const results = legacy ? hits.map(({ confidence: _, ...hit }) => hit) : hits;
  const search: ToolResult = { callId: 'eval', name: 'search_knowledge', outcome: 'done', content: { results } };
  const best = strongestHit(search);
  const article: ToolResult | undefined = best
    ? { callId: 'eval', name: 'get_article', outcome: 'done', content: { ...(await getArticle(store, best.path)) } }
    : undefined;
  const composed = composeKnowledgeAnswer(question.query, search, article);
  return {
    id: question.id,
    query: question.query,
    answerable: question.relevant.length > 0,
    answeredWith: best?.path ?? null,
    confidence: (hits[0] as KnowledgeHit | undefined)?.confidence ?? 0,
    cited: composed.citations.map((citation) => citation.path),
  };
}

function rates(outcomes: Outcome[], questions: Map<string, Question>): Rates {
  const answerable = outcomes.filter((o) => o.answerable);
  const unanswerable = outcomes.filter((o) => !o.answerable);
  const share = (list: Outcome[], test: (o: Outcome) => boolean) =>
    Math.round((list.filter(test).length / (list.length || 1)) * 1000) / 1000;
  const relevant = (o: Outcome) => questions.get(o.id)?.relevant ?? [];
  return {
    answered: share(answerable, (o) => o.answeredWith !== null),
    answeredRight: share(answerable, (o) => o.answeredWith !== null && relevant(o).includes(o.answeredWith)),
    citedRight: share(answerable, (o) => o.cited.some((cited) => relevant(o).includes(cited))),
    noGoodMatch: share(unanswerable, (o) => o.answeredWith === null),
  };
}

export interface AnswersReport extends Rates {
  /** The rule before answer confidences (similarity ≥ 0.25 or a keyword match). */
  before: Rates;
  perQuestion: Outcome[];
}

/** Answers every question as the offline agent would, with confidences and with the rule before them. */
export async function evaluateAnswers(store: Store, embedder: Embedder, questions: Question[]): Promise<AnswersReport> {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const outcomes: Outcome[] = [];
  const legacy: Outcome[] = [];
  for (const question of questions) {
    outcomes.push(await answer(store, embedder, question, false));
    legacy.push(await answer(store, embedder, question, true));
  }
  return { ...rates(outcomes, byId), before: rates(legacy, byId), perQuestion: outcomes };
}

/**
 * `itbot eval answers`: whether the offline agent answers answerable knowledge questions with the
 * right article and says "no good match" to the rest, in a throwaway store with the bundled
 * knowledge base. Beside it, the rule used before answer confidences.
 */
export async function evalAnswers(options: { answerable?: string; unanswerable?: string; json?: boolean }) {
  if (!options.answerable || !options.unanswerable) {
    throw new UsageError('eval answers needs --answerable FILE and --unanswerable FILE.');
  }
  const questions = [...readQuestions(options.answerable, true), ...readQuestions(options.unanswerable, false)];
  const byId = new Map(questions.map((q) => [q.id, q]));
  const report = await withScratchStore('itbot eval answers', (store, config) =>
    withEmbedder(config, (embedder) => evaluateAnswers(store, embedder, questions)),
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  for (const o of report.perQuestion) {
    const right = o.answerable
      ? o.answeredWith && byId.get(o.id)?.relevant.includes(o.answeredWith)
      : o.answeredWith === null;
    if (!right)
      process.stdout.write(
        `  ${o.id}  ${o.confidence.toFixed(2)}  ${o.answeredWith ?? 'no good match'}  ${o.query.slice(0, 80)}\n`,
      );
  }
  const line = (r: Rates) =>
    `answered ${r.answered.toFixed(3)}, with the right article ${r.answeredRight.toFixed(3)} (cited at all ${r.citedRight.toFixed(3)}); unanswerable told "no good match" ${r.noGoodMatch.toFixed(3)}`;
  const counts = `${questions.filter((q) => q.relevant.length).length} answerable, ${questions.filter((q) => !q.relevant.length).length} unanswerable`;
  process.stdout.write(`\n${counts}:\n  confidence:  ${line(report)}\n  before:      ${line(report.before)}\n`);
  return 0;
}
