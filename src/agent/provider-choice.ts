import type { ItbotConfig } from '../config/index.js';
import { ConfigError, UsageError } from '../errors.js';

/**
 * Which model to use, checked before anything starts. Light on purpose (no provider code), so
 * `itbot ask` can refuse a bad choice before it spawns the ticket server.
 */
export type ProviderChoice = 'auto' | 'offline' | 'gemini';
export const PROVIDER_CHOICES: readonly ProviderChoice[] = ['auto', 'offline', 'gemini'];

export function parseProviderChoice(value: string): ProviderChoice {
  if (!(PROVIDER_CHOICES as readonly string[]).includes(value)) {
    throw new UsageError(`Unknown provider "${value}".`, `Choose one of: ${PROVIDER_CHOICES.join(', ')}.`);
  }
  return value as ProviderChoice;
}

/** Whether this choice ends up on Gemini; throws when Gemini is asked for without a key. */
export function usesGemini(config: ItbotConfig, choice: ProviderChoice): boolean {
  if (choice === 'offline') return false;
  if (choice === 'gemini' && !config.geminiApiKey) {
    throw new ConfigError('The Gemini provider needs an API key.', 'Set GEMINI_API_KEY, or use --provider offline.');
  }
  return config.geminiApiKey !== undefined;
}
