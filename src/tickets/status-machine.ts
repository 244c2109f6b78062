import { InvalidTransitionError } from './errors.js';
import type { ResolutionCode, TicketStatus } from './model.js';

/** What a transition needs from the caller besides the target status. */
export type TransitionRequirement = 'reason' | 'resolution_code';

export interface TransitionInput {
  reason?: string;
  resolutionCode?: ResolutionCode;
}

/**
 * The status machine as data: for each status, the statuses it may move to and what each move
 * needs. Merging is its own operation (it needs a surviving ticket), so "merged" is reachable
 * only through mergeTickets; closed, canceled and merged are final.
 */
export const TRANSITIONS: Record<TicketStatus, Partial<Record<TicketStatus, TransitionRequirement[]>>> = {
  new: { open: [], pending: ['reason'], resolved: ['resolution_code'], canceled: [], merged: [] },
  open: { pending: ['reason'], resolved: ['resolution_code'], canceled: [], merged: [] },
  pending: { open: [], resolved: ['resolution_code'], canceled: [], merged: [] },
  // resolved → open is a reopen, allowed within REOPEN_WINDOW_DAYS of the resolution.
  resolved: { closed: [], open: [] },
  closed: {},
  canceled: {},
  merged: {},
};

export const REOPEN_WINDOW_DAYS = 7;

const REQUIREMENT_TEXT: Record<TransitionRequirement, string> = {
  reason: 'a reason',
  resolution_code: 'a resolution_code',
};

/** "pending (needs a reason), resolved (needs a resolution_code), canceled" */
export function describeAllowed(from: TicketStatus): string {
  const targets = Object.entries(TRANSITIONS[from]).filter(([to]) => to !== 'merged');
  if (targets.length === 0) return 'none: it is final';
  return targets
    .map(([to, needs]) => (needs?.length ? `${to} (needs ${needs.map((n) => REQUIREMENT_TEXT[n]).join(' and ')})` : to))
    .join(', ');
}

/**
 * Merging goes through the table too: only a status with a "merged" move may be merged (a resolved
 * ticket may not: it may only be closed or reopened), and the survivor must still be active.
 */
export function assertMergeable(
  number: string,
  from: TicketStatus,
  survivor: string,
  survivorStatus: TicketStatus,
): void {
  if (!TRANSITIONS[from].merged) {
    throw new InvalidTransitionError(
      `${number} is ${from}, so it cannot be merged into ${survivor}.`,
      `From ${from} it can go to: ${describeAllowed(from)}. Only new, open or pending tickets can be merged.`,
    );
  }
  if (!TRANSITIONS[survivorStatus].merged) {
    throw new InvalidTransitionError(
      `${survivor} is ${survivorStatus}, so nothing can be merged into it.`,
      'Merge into an active (new, open or pending) ticket.',
    );
  }
}

/** Throws, saying what is allowed and what each move needs, unless `from → to` is a valid move with its inputs. */
export function assertTransition(
  number: string,
  from: TicketStatus,
  to: TicketStatus,
  input: TransitionInput,
  resolvedAt: Date | null,
  now: Date,
): void {
  const needs = TRANSITIONS[from][to];
  if (!needs || to === 'merged') {
    const finalHint = ['closed', 'canceled', 'merged'].includes(from)
      ? ` ${from} is final; reply to it to open a linked follow-up ticket, or open a new one.`
      : '';
    throw new InvalidTransitionError(
      `${number} cannot go from ${from} to ${to}.${finalHint}`,
      `From ${from} it can go to: ${describeAllowed(from)}.${to === 'merged' ? ' To merge, use merge_tickets.' : ''}`,
    );
  }
  const missing = needs.filter((need) => (need === 'reason' ? !input.reason?.trim() : !input.resolutionCode));
  if (missing.length) {
    throw new InvalidTransitionError(
      `Moving ${number} to ${to} needs ${missing.map((n) => REQUIREMENT_TEXT[n]).join(' and ')}.`,
      to === 'resolved'
        ? 'Give resolution_code: fixed, workaround, user_error, duplicate, no_fault_found, wont_fix or known_error.'
        : `Say why it is ${to} (e.g. "waiting for the user to reply").`,
    );
  }
  if (from === 'resolved' && to === 'open' && resolvedAt) {
    const windowEnds = resolvedAt.getTime() + REOPEN_WINDOW_DAYS * 86_400_000;
    if (now.getTime() > windowEnds) {
      throw new InvalidTransitionError(
        `${number} was resolved more than ${REOPEN_WINDOW_DAYS} days ago and can no longer be reopened.`,
        'Open a new ticket and link it to this one (follow_up_of).',
      );
    }
  }
}
