import type { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { LINK_KINDS, RESOLUTION_CODES, TICKET_PRIORITIES, TICKET_STATUSES } from '../tickets/index.js';
import { type Candidate, NAME_KINDS, type NameKind, namesFor } from './completion-names.js';
import { completionScript, SHELLS, type Shell } from './completion-scripts.js';

/**
 * `itbot completion bash|zsh|fish` prints a script; the script asks the hidden `itbot __complete`
 * what fits where the cursor is. Commands and options come from the program itself, so completion
 * never falls behind the CLI; ticket numbers, people and groups come from the ticket server.
 */

/** What an option's value can be: fixed words, or names from the directory and the tickets. */
type ValueSource = readonly string[] | NameKind;

const OPTION_VALUES: Record<string, ValueSource> = {
  '--status': TICKET_STATUSES,
  '--priority': [...TICKET_PRIORITIES, 'auto'],
  '--sla': ['at-risk', 'breached'],
  '--code': RESOLUTION_CODES,
  '--kind': LINK_KINDS,
  '--role': ['agent', 'requester'],
  '--provider': ['auto', 'offline', 'gemini'],
  '--output': ['text', 'json', 'stream-json'],
  '--impact': ['1', '2', '3'],
  '--urgency': ['1', '2', '3'],
  '--group': 'groups',
  '--assignee': 'agents',
  '--requester': 'users',
  '--category': 'categories',
  '--into': 'tickets',
};

/** Where one command's option means something else than elsewhere. */
const OPTION_VALUES_BY_COMMAND: Record<string, Record<string, ValueSource>> = {
  'tickets assign': { '--to': 'agents' },
  'tickets link': { '--to': 'tickets' },
  // A file name: no list, so the shell completes paths.
  'tickets attachment': { '--output': [] },
  'tickets attach': { '--type': ['text/plain', 'image/png', 'image/jpeg', 'application/pdf', 'application/zip'] },
};

/** Positional arguments by name. */
const ARGUMENT_VALUES: Record<string, ValueSource> = {
  ticket: 'tickets',
  // Paths: no list, so the shell completes files.
  path: [],
  shell: SHELLS,
  what: [],
};

const ARGUMENT_VALUES_BY_COMMAND: Record<string, readonly string[]> = {
  eval: ['retrieval', 'answers', 'triage', 'understanding'],
  bench: ['ask', 'tickets', 'search', 'tui'],
};

/** How long a Tab press may wait for names from the ticket server. */
function budgetMs(): number {
  const set = Number(process.env.ITBOT_COMPLETE_TIMEOUT_MS);
  return Number.isFinite(set) && set > 0 ? Math.min(set, 10_000) : 1_500;
}

const visible = (command: Command) => command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
const takesValue = (option: Option) => option.required || option.optional;

function candidates(source: ValueSource, prefix: string): Promise<Candidate[]> {
  if (typeof source === 'string') return namesFor(source, prefix, budgetMs());
  return Promise.resolve(
    source.filter((word) => word.toLowerCase().startsWith(prefix.toLowerCase())).map((value) => ({ value })),
  );
}

/**
 * What fits the last word of `words` (the command line after `itbot`, the last one being
 * completed, possibly empty): subcommands, options, or an option's or argument's values.
 */
export async function completeWords(root: Command, words: string[]): Promise<Candidate[]> {
  // A quote the user opened ("Service De…) is the shell's business, not part of the name.
  const current = (words.at(-1) ?? '').replace(/^["']/, '');
  const before = words.slice(0, -1);
  let command = root;
  const path: string[] = [];
  let positional = 0;
  for (let i = 0; i < before.length; i++) {
    const word = before[i] ?? '';
    if (word.startsWith('-')) {
      const option = command.options.find((o) => o.long === word || o.short === word);
      // An option's value is the next word, unless it was given as --name=value.
      if (option && takesValue(option) && !word.includes('=')) i++;
      continue;
    }
    const sub =
      positional === 0 ? command.commands.find((c) => c.name() === word || c.aliases().includes(word)) : undefined;
    if (sub) {
      command = sub;
      path.push(sub.name());
    } else {
      positional++;
    }
  }
  const where = path.join(' ');
  const previous = before.at(-1);
  if (previous?.startsWith('-') && !previous.includes('=')) {
    const option = command.options.find((o) => o.long === previous || o.short === previous);
    if (option && takesValue(option)) {
      const long = option.long ?? '';
      const source = OPTION_VALUES_BY_COMMAND[where]?.[long] ?? OPTION_VALUES[long];
      // No list (a title, a file): the shell's own completion (files) applies.
      return source ? candidates(source, current) : [];
    }
  }
  if (current.startsWith('-')) {
    return command.options
      .filter((o) => !o.hidden && o.long?.startsWith(current))
      .map((o) => ({ value: o.long ?? '', description: o.description }));
  }
  const subcommands = visible(command);
  if (subcommands.length && positional === 0) {
    return subcommands
      .filter((c) => c.name().startsWith(current))
      .map((c) => ({ value: c.name(), description: c.description().split('\n')[0] }));
  }
  const argument = command.registeredArguments[positional];
  if (!argument) return [];
  const byCommand = ARGUMENT_VALUES_BY_COMMAND[where];
  if (byCommand) return candidates(byCommand, current);
  const source = ARGUMENT_VALUES[argument.name()];
  return source ? candidates(source, current) : [];
}

/** `itbot completion SHELL` */
export function completionCommand(shell: string): Promise<number> {
  if (!(SHELLS as readonly string[]).includes(shell))
    throw new UsageError(`No completion for "${shell}".`, `Choose one of: ${SHELLS.join(', ')}.`);
  process.stdout.write(completionScript(shell as Shell));
  return Promise.resolve(0);
}

/**
 * `itbot __complete line -- WORDS…` (the words after `itbot`, the last being completed) or
 * `itbot __complete tickets|users|agents|groups|categories [PREFIX]`: one candidate a line,
 * "value<TAB>description". Never fails loudly: a Tab press that finds nothing prints nothing.
 */
export async function completeCommand(
  kind: string,
  words: string[],
  _options: unknown,
  command: Command,
): Promise<number> {
  if (kind !== 'line' && !(NAME_KINDS as readonly string[]).includes(kind))
    throw new UsageError(`Nothing to complete called "${kind}".`, `Choose line, ${NAME_KINDS.join(', ')}.`);
  const root = command.parent ?? command;
  let found: Candidate[] = [];
  try {
    if (kind === 'line') found = await completeWords(root, words.length ? words : ['']);
    else found = await namesFor(kind as NameKind, words[0] ?? '', budgetMs());
  } catch {
    found = [];
  }
  const text = found.map((c) => (c.description ? `${c.value}\t${c.description.replace(/\s+/g, ' ')}` : c.value));
  // Out, then gone: a server call still running past the budget must not hold the shell.
  await new Promise<void>((resolve) =>
    process.stdout.write(text.length ? `${text.join('\n')}\n` : '', () => resolve()),
  );
  process.exit(0);
  return 0;
}
