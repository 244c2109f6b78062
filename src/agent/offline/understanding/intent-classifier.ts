import fs from 'node:fs';
import path from 'node:path';
import type { Nlp } from '@nlpjs/nlp';
import { packageRoot } from '../../../paths.js';
import { INTENT_EXAMPLES } from './intent-examples.js';
import { trainingCorpus } from './training-corpus.js';

/** What the classifier says a (normalised) sentence asks for, and how sure it is (0–1). */
export interface IntentGuess {
  intent: string;
  score: number;
}

/** Written by `npm run build` (scripts/train-intent-model.ts) so a turn loads a model instead of training one. */
export const INTENT_MODEL_PATH = () => path.join(packageRoot(), 'dist', 'intent-model.json');

/** NLP.js is imported when first needed: it takes a few hundred milliseconds, better spent while the ticket server starts. */
async function emptyNlp(): Promise<Nlp> {
  const [core, lang, nlp] = await Promise.all([
    import('@nlpjs/core'),
    import('@nlpjs/lang-en-min'),
    import('@nlpjs/nlp'),
  ]);
  // CommonJS packages: Node gives named exports, a bundle (the chat's) may give only the default.
  const { containerBootstrap } = (core as Partial<typeof core>).containerBootstrap ? core : core.default;
  const { LangEn } = (lang as Partial<typeof lang>).LangEn ? lang : lang.default;
  const { Nlp } = (nlp as Partial<typeof nlp>).Nlp ? nlp : nlp.default;
  const container = await containerBootstrap();
  container.use(LangEn);
  return new Nlp({ container, languages: ['en'], autoSave: false, autoLoad: false, nlu: { log: false } });
}

/** Trains a classifier on the built-in examples plus any extra labelled (sentence, intent) pairs. */
export async function trainIntentModel(extra: [string, string][] = []): Promise<Nlp> {
  const nlp = await emptyNlp();
  for (const [intent, utterances] of Object.entries(INTENT_EXAMPLES)) {
    for (const utterance of utterances) nlp.addDocument('en', utterance, intent);
  }
  for (const [utterance, intent] of extra) nlp.addDocument('en', utterance, intent);
  await nlp.train();
  return nlp;
}

let loading: Promise<Nlp> | undefined;

/** The shipped model when the build made one, else one trained now (tests run from the sources). */
export function loadIntentModel(): Promise<Nlp> {
  loading ??= (async () => {
    const file = INTENT_MODEL_PATH();
    if (fs.existsSync(file)) {
      const nlp = await emptyNlp();
      nlp.import(fs.readFileSync(file, 'utf8'));
      return nlp;
    }
    return trainIntentModel(trainingCorpus());
  })();
  return loading;
}

/** Replaces the model for this process: evaluation of a model trained on a subset, for example. */
export function useIntentModel(nlp: Nlp): void {
  loading = Promise.resolve(nlp);
}

export async function classifyNormalised(sentence: string): Promise<IntentGuess> {
  const nlp = await loadIntentModel();
  const result = await nlp.process('en', sentence);
  const best = result.classifications[0];
  return best ? { intent: best.intent, score: best.score } : { intent: 'None', score: 0 };
}
