import type { ItbotConfig } from '../config/index.js';
import { createOfflineProvider } from './offline/index.js';
import type { ModelProvider } from './types.js';

export type ProviderChoice = 'auto' | 'offline' | 'gemini';

/**
 * The model for this run. Gemini support lands with its own issue; until then every choice runs
 * the offline provider, and `itbot ask` says so.
 */
export function createProvider(_config: ItbotConfig, _choice: ProviderChoice = 'auto'): ModelProvider {
  return createOfflineProvider();
}
