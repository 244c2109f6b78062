import type { SlashCommand } from './types.js';

export const quitCommand: SlashCommand = {
  name: 'quit',
  usage: '/quit',
  description: 'leave itbot (also Ctrl+D on an empty line)',
  run(_args, context) {
    context.quit();
  },
};
