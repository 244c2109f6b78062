export { bundledDirectory, type CompanyDirectory } from './company-directory.js';
export {
  evaluateUnderstanding,
  type LabelledUtterance,
  readLabelledUtterances,
  type UnderstandingReport,
} from './evaluate-understanding.js';
export { loadIntentModel, trainIntentModel } from './intent-classifier.js';
export { looksLikeLanguage } from './text-kind.js';
export { type Understanding, understand } from './understand.js';
