import { UsageError } from '../../errors.js';
import { attachCommand } from './attach.js';
import { dashboardCommand } from './dashboard.js';
import { helpCommand } from './help.js';
import { kbCommand } from './kb.js';
import { modelCommand } from './model.js';
import { newCommand } from './new.js';
import { quitCommand } from './quit.js';
import { replyCommand } from './reply.js';
import { statsCommand } from './stats.js';
import { ticketCommand } from './ticket.js';
import { ticketsCommand } from './tickets.js';
import type { SlashCommand, SlashCommandContext } from './types.js';

export type { SlashCommand, SlashCommandContext } from './types.js';

export const SLASH_COMMANDS: SlashCommand[] = [
  helpCommand(() => SLASH_COMMANDS),
  newCommand,
  ticketsCommand,
  ticketCommand,
  replyCommand,
  attachCommand,
  kbCommand,
  dashboardCommand,
  statsCommand,
  modelCommand,
  quitCommand,
];

export async function runSlashCommand(input: string, context: SlashCommandContext): Promise<void> {
  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(input.trim());
  const name = (match?.[1] ?? '').toLowerCase();
  const command = SLASH_COMMANDS.find((c) => c.name === name);
  if (!command) {
    const near = completeCommand(`/${name.slice(0, 2)}`).map((c) => `/${c}`);
    throw new UsageError(
      `There is no command /${name}.`,
      near.length ? `Did you mean ${near.join(' or ')}? /help lists them all.` : '/help lists the commands.',
    );
  }
  await command.run(match?.[2] ?? '', context);
}

/** Command names that complete a "/ti" being typed. */
export function completeCommand(input: string): string[] {
  if (!/^\/\S*$/.test(input)) return [];
  const prefix = input.slice(1).toLowerCase();
  return SLASH_COMMANDS.map((c) => c.name).filter((name) => name.startsWith(prefix));
}

/** What Tab does to the input: the one match, or the longest prefix the matches share. */
export function applyCompletion(input: string): string | undefined {
  const matches = completeCommand(input);
  if (matches.length === 0) return undefined;
  if (matches.length === 1) return `/${matches[0]} `;
  let common = matches[0] ?? '';
  for (const name of matches) while (!name.startsWith(common)) common = common.slice(0, -1);
  return common.length > input.length - 1 ? `/${common}` : undefined;
}
