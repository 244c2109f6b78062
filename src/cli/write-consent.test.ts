import { describe, expect, it } from 'vitest';
import { createWriteConsent, ticketsNamedIn } from './write-consent.js';

const WRITING = ['create_ticket', 'transition_ticket', 'merge_tickets'];
const read = (name: string) =>
  ({
    type: 'tool_result',
    call: { id: '1', name, args: {} },
    record: { name, arguments: {}, outcome: 'done' },
  }) as unknown as Parameters<ReturnType<typeof createWriteConsent>['observe']>[0];

describe('write consent after reading tickets', () => {
  it('finds the tickets a request names, however they are written', () => {
    expect([...ticketsNamedIn('close IT-000123 and #45, not it-7')]).toEqual(['IT-000123', 'IT-000045', 'IT-000007']);
    expect(ticketsNamedIn('my vpn drops every 10 minutes').size).toBe(0);
  });

  it('--yes covers writes to the tickets the request named, not others a ticket text mentions', async () => {
    const consent = createWriteConsent({ yes: true, maxWrites: 5 }, WRITING, 'cancel IT-000123');
    consent.observe(read('get_ticket'));
    expect(await consent.consent({ id: '2', name: 'transition_ticket', args: { ticket: 'IT-000123' } })).toBe(true);
    const other = { id: '3', name: 'transition_ticket', args: { ticket: 'IT-000999' } };
    expect(await consent.consent(other)).toBe(false);
    expect(consent.refusalReason(other)).toMatch(/IT-000999 was proposed after reading ticket text/);
    const merge = { id: '4', name: 'merge_tickets', args: { duplicate: 'IT-000123', survivor: '999' } };
    expect(await consent.consent(merge)).toBe(false);
  });

  it('--allow still names tools that may write whatever was read', async () => {
    const consent = createWriteConsent({ allow: 'transition_ticket', maxWrites: 5 }, WRITING, 'tidy up');
    consent.observe(read('search_tickets'));
    expect(await consent.consent({ id: '2', name: 'transition_ticket', args: { ticket: 'IT-000999' } })).toBe(true);
  });
});
