/**
 * Trains the offline provider's intent classifier (NLP.js) on its examples and the labelled
 * sets in test/fixtures, and writes dist/intent-model.json, so a turn loads it in milliseconds.
 */
import fs from 'node:fs';
import { INTENT_MODEL_PATH, trainIntentModel } from '../src/agent/offline/understanding/intent-classifier.js';
import { trainingCorpus } from '../src/agent/offline/understanding/training-corpus.js';

const started = Date.now();
const corpus = trainingCorpus();
const nlp = await trainIntentModel(corpus);
fs.writeFileSync(INTENT_MODEL_PATH(), nlp.export(true));
console.log(
  `intent model: ${corpus.length} labelled sentences + built-in examples, trained in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
