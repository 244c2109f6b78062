import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from '../../test/helpers/data-dir.js';
import { openEmbeddedStore, type Store } from '../store/index.js';
import { TicketNotFoundError, TicketValidationError } from './errors.js';
import { normalizeTicketNumber } from './ticket-number.js';
import { createTicket, getTicket, listTickets } from './ticket-repository.js';

let store: Store;
let cleanup: () => void;
beforeAll(async () => {
  const data = makeSeededDataDir();
  cleanup = data.cleanup;
  store = await openEmbeddedStore({ dataDir: data.dir, lockWaitMs: 0, purpose: 'test' });
});
afterAll(async () => {
  await store.close();
  cleanup();
});

describe('tickets', () => {
  it('creates a ticket with a human number and a "created" event on its timeline', async () => {
    const { ticket, created } = await createTicket(store, {
      title: '  Monitor flickers ',
      description: 'since Monday',
      requester: 'ana',
      authorKind: 'ai',
    });
    expect(created).toBe(true);
    expect(ticket).toMatchObject({
      title: 'Monitor flickers',
      status: 'new',
      priority: 'P3',
      requester: 'ana',
      version: 1,
    });
    expect(ticket.number).toMatch(/^IT-\d{6}$/);
    const { events } = await getTicket(store, ticket.number);
    expect(events).toEqual([
      expect.objectContaining({ kind: 'created', author: 'ana', authorKind: 'ai', body: 'since Monday' }),
    ]);
  });

  it('returns the first ticket when a create is retried with the same idempotency key', async () => {
    const first = await createTicket(store, { title: 'Dock dead', requester: 'ben', idempotencyKey: 'retry-key-1' });
    const again = await createTicket(store, { title: 'Dock dead', requester: 'ben', idempotencyKey: 'retry-key-1' });
    expect(again).toEqual({ ticket: first.ticket, created: false });
  });

  it('looks tickets up by any way people write the number', async () => {
    const { ticket } = await createTicket(store, { title: 'Keyboard', requester: 'cy' });
    const sequence = Number(ticket.number.slice(3));
    for (const reference of [ticket.number, `#${sequence}`, `it-${sequence}`, String(sequence)]) {
      expect((await getTicket(store, reference)).ticket.number).toBe(ticket.number);
    }
    expect(normalizeTicketNumber('IT 42')).toBe('IT-000042');
    expect(normalizeTicketNumber('printer 42')).toBeUndefined();
  });

  it('explains unknown and malformed ticket numbers', async () => {
    await expect(getTicket(store, 'IT-999999')).rejects.toBeInstanceOf(TicketNotFoundError);
    await expect(getTicket(store, 'not a number')).rejects.toBeInstanceOf(TicketValidationError);
  });

  it('rejects empty and oversize input with a reason', async () => {
    await expect(createTicket(store, { title: '   ', requester: 'x' })).rejects.toThrow(/needs a title/);
    await expect(createTicket(store, { title: 'x'.repeat(201), requester: 'x' })).rejects.toThrow(/limit is 200/);
    await expect(createTicket(store, { title: 'ok', description: 'x'.repeat(20_001), requester: 'x' })).rejects.toThrow(
      /longer than/,
    );
  });

  it("lists a requester's active tickets, newest first", async () => {
    const a = await createTicket(store, { title: 'First', requester: 'dee' });
    const b = await createTicket(store, { title: 'Second', requester: 'dee' });
    await createTicket(store, { title: 'Someone else', requester: 'eve' });
    await store.query("UPDATE tickets SET status = 'closed' WHERE number = $1", [a.ticket.number]);
    expect(
      (await listTickets(store, { requester: 'dee', statuses: ['new', 'open', 'pending'] })).map((t) => t.title),
    ).toEqual(['Second']);
    expect((await listTickets(store, { requester: 'dee' })).map((t) => t.number)).toEqual([
      b.ticket.number,
      a.ticket.number,
    ]);
  });
});
