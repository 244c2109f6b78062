import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from './errors.js';
import { TICKET_STATUSES, type TicketStatus } from './model.js';
import { assertTransition, describeAllowed, REOPEN_WINDOW_DAYS, TRANSITIONS } from './status-machine.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const FULL_INPUT = { reason: 'waiting for the user', resolutionCode: 'fixed' as const };

// The whole machine, written out independently of the table it tests.
const ALLOWED: Record<TicketStatus, TicketStatus[]> = {
  new: ['open', 'pending', 'resolved', 'canceled', 'merged'],
  open: ['pending', 'resolved', 'canceled', 'merged'],
  pending: ['open', 'resolved', 'canceled', 'merged'],
  resolved: ['closed', 'open'],
  closed: [],
  canceled: [],
  merged: [],
};

describe('ticket status machine', () => {
  it('has exactly the documented transitions', () => {
    for (const from of TICKET_STATUSES) {
      expect(Object.keys(TRANSITIONS[from]).sort(), from).toEqual([...ALLOWED[from]].sort());
    }
  });

  for (const from of TICKET_STATUSES) {
    for (const to of TICKET_STATUSES) {
      // Merging goes through mergeTickets, which names the survivor; the status tool refuses it.
      const allowed = ALLOWED[from].includes(to) && to !== 'merged';
      it(`${allowed ? 'allows' : 'refuses'} ${from} → ${to}`, () => {
        const attempt = () => assertTransition('IT-000001', from, to, FULL_INPUT, daysAgo(1), NOW);
        if (allowed) expect(attempt).not.toThrow();
        else expect(attempt).toThrow(InvalidTransitionError);
      });
    }
  }

  it('says what is allowed, and what each move needs, when refusing', () => {
    const attempt = () => assertTransition('IT-000001', 'new', 'closed', {}, null, NOW);
    expect(attempt).toThrow(/IT-000001 cannot go from new to closed/);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidTransitionError).hint).toBe(
        'From new it can go to: open, pending (needs a reason), resolved (needs a resolution_code), canceled.',
      );
    }
    expect(describeAllowed('closed')).toBe('none: it is final');
  });

  it.each([
    ['new', 'pending', /needs a reason/],
    ['open', 'pending', /needs a reason/],
    ['open', 'resolved', /needs a resolution_code/],
    ['pending', 'resolved', /needs a resolution_code/],
  ] as const)('requires its fields: %s → %s', (from, to, message) => {
    expect(() => assertTransition('IT-000001', from, to, {}, null, NOW)).toThrow(message);
    expect(() => assertTransition('IT-000001', from, to, { reason: '   ' }, null, NOW)).toThrow(InvalidTransitionError);
    expect(() => assertTransition('IT-000001', from, to, FULL_INPUT, null, NOW)).not.toThrow();
  });

  it(`reopens a resolved ticket only within ${REOPEN_WINDOW_DAYS} days`, () => {
    expect(() =>
      assertTransition('IT-000001', 'resolved', 'open', {}, daysAgo(REOPEN_WINDOW_DAYS - 1), NOW),
    ).not.toThrow();
    expect(() => assertTransition('IT-000001', 'resolved', 'open', {}, daysAgo(REOPEN_WINDOW_DAYS + 1), NOW)).toThrow(
      /can no longer be reopened/,
    );
  });

  it('points final tickets at a follow-up instead', () => {
    expect(() => assertTransition('IT-000001', 'closed', 'open', {}, null, NOW)).toThrow(
      /final; reply to it to open a linked follow-up/,
    );
  });
});
