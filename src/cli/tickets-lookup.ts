import { ExitCode, ItbotError } from '../errors.js';
import {
  type Attachment,
  type Group,
  normalizeTicketNumber,
  TICKET_STATUSES,
  type Ticket,
  type TicketDetails,
  type User,
} from '../tickets/index.js';
import { type ConfirmRetry, terminalConfirm } from './conflict-prompt.js';
import type { ServerCalls } from './server-calls.js';

/**
 * Names a person types (ticket numbers, agents, groups) checked against the ticket server before
 * anything is written, so a typo gets the closest matches instead of a bare refusal.
 */

/** Something named on the command line does not exist (exit 8, ExitCode.notFound). */
export class NotFoundError extends ItbotError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.notFound, hint);
  }
}

/** The ticket changed between reading it and writing: nothing was written. */
export class TicketChangedError extends ItbotError {
  constructor(message: string, hint: string) {
    super(message, ExitCode.conflict, hint);
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidates nearest to what was typed: a name part it starts, else the fewest edits. */
export function closestMatches<T>(typed: string, candidates: T[], keys: (c: T) => string[], count = 3): T[] {
  const want = typed.trim().toLowerCase();
  const score = (candidate: T) =>
    Math.min(
      ...keys(candidate).map((key) => {
        const k = key.toLowerCase();
        if (k.startsWith(want) || want.startsWith(k)) return 0;
        return editDistance(want, k);
      }),
    );
  const ranked = candidates
    .map((candidate) => ({ candidate, score: score(candidate) }))
    .sort((a, b) => a.score - b.score);
  // Only the near ones: a clear winner is not buried under the next-best guesses.
  const best = ranked[0]?.score ?? 0;
  return ranked
    .filter((scored) => scored.score <= Math.max(best, 1))
    .slice(0, count)
    .map((scored) => scored.candidate);
}

/** The requester as the directory knows them (get_ticket adds it; null for a free-text requester). */
export interface RequesterProfile {
  username: string;
  displayName: string;
  email: string | null;
  department: string | null;
  location: string | null;
}

export type ShownTicket = TicketDetails & { requesterProfile?: RequesterProfile | null; attachments?: Attachment[] };

/** get_ticket, with a missing ticket reported like `itbot ask` reports it, plus the newest number. */
export async function requireTicket(server: ServerCalls, reference: string): Promise<ShownTicket> {
  try {
    return await server.call<ShownTicket>('get_ticket', { ticket: reference });
  } catch (error) {
    const number = normalizeTicketNumber(reference);
    // A well-formed number that get_ticket refuses (as bad input, or as not found) does not exist.
    const missing =
      error instanceof ItbotError && (error.exitCode === ExitCode.usage || error.exitCode === ExitCode.notFound);
    if (!number || !missing) throw error;
    const { tickets } = await server.call<{ tickets: Ticket[] }>('search_tickets', {
      status: [...TICKET_STATUSES],
      limit: 1,
    });
    const newest = tickets[0];
    throw new NotFoundError(
      `There is no ticket ${number}.`,
      newest
        ? `Closest: ${newest.number} (the newest ticket). Find one with \`itbot tickets list --text WORDS\`.`
        : 'There are no tickets yet.',
    );
  }
}

/** An agent's username (exact, any case), or the closest agents' names. */
export async function requireAgent(server: ServerCalls, typed: string): Promise<string> {
  const { users } = await server.call<{ users: User[] }>('list_users', {});
  const user = users.find((u) => u.username.toLowerCase() === typed.trim().toLowerCase());
  if (user?.role === 'agent') return user.username;
  if (user)
    throw new NotFoundError(
      `${user.username} is a requester, not a helpdesk agent.`,
      'See `itbot users --role agent`.',
    );
  const agents = users.filter((u) => u.role === 'agent');
  const closest = closestMatches(typed, agents, (u) => [u.username, u.displayName, ...u.displayName.split(' ')]);
  throw new NotFoundError(
    `There is no agent "${typed.slice(0, 80)}".`,
    `Closest: ${closest.map((u) => `${u.username} (${u.displayName}, ${u.groups.join(', ') || 'no group'})`).join('; ')}. All agents: \`itbot users --role agent\`.`,
  );
}

/** A group's exact name (any case accepted), or the closest group names. */
export async function requireGroup(server: ServerCalls, typed: string): Promise<string> {
  const { groups } = await server.call<{ groups: Group[] }>('list_groups', {});
  const group = groups.find((g) => g.name.toLowerCase() === typed.trim().toLowerCase());
  if (group) return group.name;
  const closest = closestMatches(typed, groups, (g) => [g.name, ...g.name.split(' ')]);
  throw new NotFoundError(
    `There is no group "${typed.slice(0, 80)}".`,
    `Closest: ${closest.map((g) => g.name).join(', ')}. All groups: \`itbot groups\`.`,
  );
}

/** One timeline event on one line: when, what, who, the changes and the start of its text. */
export function describeEvent(event: TicketDetails['events'][number]): string {
  const what = event.changes
    ? Object.entries(event.changes)
        .map(([field, c]) => `${field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`)
        .join('; ')
    : '';
  const body = event.body ? ` ${event.body.split('\n')[0]?.slice(0, 100)}` : '';
  return `${event.createdAt.slice(0, 16).replace('T', ' ')}  ${event.kind}${event.visibility === 'internal' ? ' (internal)' : ''} by ${event.author} (${event.authorKind})${what ? ` ${what}` : ''}${body}`;
}

/**
 * Writes at a known version. When the server refuses and the ticket has moved on, says what
 * changed since that version (every write adds one version and one timeline event); a person at
 * a terminal is then asked whether to apply the change on top of the new version, and a script
 * (no `confirm`) gets exit 9 with nothing written.
 */
export async function writeAtVersion<T>(
  server: ServerCalls,
  number: string,
  version: number,
  write: (expectedVersion: number) => Promise<T>,
  confirm: ConfirmRetry | undefined = terminalConfirm(),
): Promise<T> {
  try {
    return await write(version);
  } catch (error) {
    const refused =
      error instanceof ItbotError && (error.exitCode === ExitCode.usage || error.exitCode === ExitCode.conflict);
    if (!refused) throw error;
    const now = await server.call<TicketDetails>('get_ticket', { ticket: number });
    if (now.ticket.version === version) throw error;
    const since = now.events.slice(-Math.max(0, now.ticket.version - version)).map((e) => `    ${describeEvent(e)}`);
    const changed = `${number} changed since you read it (version ${version}; it is now at version ${now.ticket.version})`;
    const details = since.length ? `\n  Changed since:\n${since.join('\n')}` : '';
    if (confirm) {
      process.stderr.write(`${changed}.${details}\n`);
      if (await confirm(`Apply your change on top of version ${now.ticket.version}?`))
        return writeAtVersion(server, number, now.ticket.version, write, confirm);
    }
    throw new TicketChangedError(
      `${changed}, so nothing was written.${confirm ? '' : details}`,
      'Check the changes, then run the command again (without --expected-version it applies to the current version).',
    );
  }
}
