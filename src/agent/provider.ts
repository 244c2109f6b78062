import type { ItbotConfig } from '../config/index.js';
import { createOfflineProvider } from './offline/index.js';
import { type ProviderChoice, usesGemini } from './provider-choice.js';
import type { ModelProvider } from './types.js';

export { PROVIDER_CHOICES, type ProviderChoice, parseProviderChoice } from './provider-choice.js';

export interface ProviderOptions {
  /** Warnings that are not errors (a shared rate limit falling back to local), one line each. */
  warn?: (message: string) => void;
}

/**
 * Gemini, its SDK and its Redis-backed rate limit loaded on the first model call, so a run that
 * never reaches the model (a bad question, a cache hit) does not pay for them.
 */
function createLazyGeminiProvider(config: ItbotConfig, apiKey: string, options: ProviderOptions): ModelProvider {
  let ready: Promise<ModelProvider> | undefined;
  const connect = async () => {
    const [{ createGeminiClient, createGeminiLimiter }, { createGeminiProvider }] = await Promise.all([
      import('../gemini/index.js'),
      import('./gemini/gemini-provider.js'),
    ]);
    return createGeminiProvider({
      client: createGeminiClient(apiKey),
      model: config.model,
      limiter: await createGeminiLimiter(config, options.warn ?? (() => {})),
    });
  };
  return {
    name: 'gemini',
    model: config.model,
    async generate(request) {
      ready ??= connect();
      return (await ready).generate(request);
    },
    async close() {
      await (await ready)?.close?.();
    },
  };
}

/** The model for this run: Gemini when a key is set (or asked for), the offline provider otherwise. */
export function createProvider(
  config: ItbotConfig,
  choice: ProviderChoice = 'auto',
  options: ProviderOptions = {},
): ModelProvider {
  if (!usesGemini(config, choice) || !config.geminiApiKey) return createOfflineProvider({ speaker: config.user });
  return createLazyGeminiProvider(config, config.geminiApiKey, options);
}
