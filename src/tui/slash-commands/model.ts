import type { SlashCommand } from './types.js';

export const modelCommand: SlashCommand = {
  name: 'model',
  usage: '/model',
  description: 'which model answers, and how to change it',
  run(_args, context) {
    const { provider, config } = context;
    const lines = [
      `Answering with **${provider.name}** (${provider.model}).`,
      provider.name === 'offline'
        ? `The offline provider answers from rules and knowledge-base retrieval, on this machine. ${
            config.geminiApiKey
              ? 'A Gemini API key is set, but this version of itbot does not use it yet.'
              : 'Set GEMINI_API_KEY to use Gemini.'
          }`
        : `Change the model with ITBOT_MODEL (now ${config.model}).`,
    ];
    context.add({ kind: 'assistant', text: lines.join('\n\n'), citations: [] });
  },
};
