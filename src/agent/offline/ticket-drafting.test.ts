import { describe, expect, it } from 'vitest';
import { priorityFor } from '../../tickets/index.js';
import { createOfflineProvider } from './offline-provider.js';
import { draftTicketTitle, guessPriority } from './ticket-drafting.js';

describe('draftTicketTitle', () => {
  it.each([
    // Whose monitor it is goes in the requester field, not the title.
    ['open a ticket: my monitor is broken', 'Monitor is broken'],
    ['raise one: his laptop wont turn on', "Laptop won't turn on"],
    ['log a ticket, outlook cant find the shared mailbox', "Outlook can't find the shared mailbox"],
    ['please log an incident, the 3rd floor printer is on fire', 'The 3rd floor printer is on fire'],
    ['Hi IT team, can you create a ticket for me, outlook crashes on start', 'Outlook crashes on start'],
    ['can you log this for me? phone handset on desk 14 has no dial tone', 'Phone handset on desk 14 has no dial tone'],
  ])('turns "%s" into "%s"', (message, title) => {
    expect(draftTicketTitle(message)).toBe(title);
  });

  it('writes IT acronyms in capitals, not other short words', () => {
    expect(draftTicketTitle('open a ticket: vpn error 809 on the train')).toBe('VPN error 809 on the train');
    expect(draftTicketTitle('raise a ticket: it says my usb stick is blocked')).toBe('It says my USB stick is blocked');
  });

  it('keeps titles short and on one line', () => {
    const title = draftTicketTitle(`open a ticket: ${'the shared drive is very slow '.repeat(10)}\nsecond line`);
    expect(title.length).toBeLessThanOrEqual(81);
    expect(title).not.toContain('\n');
    expect(title.endsWith('…')).toBe(true);
  });

  it('falls back to the whole message when nothing but the request is left', () => {
    expect(draftTicketTitle('create ticket')).toBe('Create ticket');
  });
});

describe('guessPriority', () => {
  it('raises emergencies and outages, leaves the rest at P3', () => {
    expect(guessPriority('water dripping onto the comms cabinet')).toBe('P1');
    expect(guessPriority('vpn down for the whole sales team')).toBe('P2');
    expect(guessPriority('my mouse is broken')).toBe('P3');
  });
});

describe('guessed priority as impact × urgency', () => {
  it('derives the guessed priority through the ticket matrix, so it is not recorded as an override', async () => {
    const step = await createOfflineProvider().generate({
      messages: [{ role: 'user', text: 'open a ticket: vpn down for the whole sales team' }],
      tools: [],
    });
    const args = step.toolCalls[0]?.args as { impact: 1 | 2 | 3; urgency: 1 | 2 | 3 };
    expect(step.toolCalls[0]?.name).toBe('create_ticket');
    expect(priorityFor(args.impact, args.urgency)).toBe('P2');
  });
});
