import type { SlashCommand } from './types.js';

export function helpCommand(all: () => SlashCommand[]): SlashCommand {
  return {
    name: 'help',
    usage: '/help',
    description: 'commands and keys',
    run(_args, context) {
      const commands = all()
        .map((command) => `- \`${command.usage}\` — ${command.description}`)
        .join('\n');
      const keys = [
        '- **Enter** sends · **Alt+Enter**, **Ctrl+J** or a `\\` at the end of the line starts a new line',
        '- Pasted text stays one message, however many lines it has',
        '- **↑/↓** walk past inputs (kept between sessions) · **Tab** completes a command',
        '- **Ctrl+C** cancels a running answer; twice within 2 s quits · **Ctrl+D** on an empty line quits',
        '- **Ctrl+L** redraws the screen',
      ].join('\n');
      context.add({
        kind: 'assistant',
        text: `**Commands**\n\n${commands}\n\n**Keys**\n\n${keys}\n\nAnything else you type goes to the assistant: ask an IT question, or say what to do with a ticket ("open a ticket: …", "assign IT-000012 to aisha").`,
        citations: [],
      });
    },
  };
}
