import type { SlashCommand } from './types.js';

export const newCommand: SlashCommand = {
  name: 'new',
  usage: '/new',
  description: 'start a fresh conversation (the assistant forgets this one; tool permissions reset)',
  run(_args, context) {
    context.newConversation();
    context.add({ kind: 'notice', tone: 'info', text: '── new conversation ──' });
  },
};
