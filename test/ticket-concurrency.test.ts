import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/index.js';
import {
  type Actor,
  createTicket,
  getTicket,
  searchTickets,
  TicketConflictError,
  type TicketStatus,
  transitionTicket,
  updateTicket,
} from '../src/tickets/index.js';
import { postgresUrl } from './helpers/postgres.js';
import { type OpenedTestStore, openTestStore } from './helpers/ticket-store.js';

// Races need a server with real concurrent sessions: PGlite (and its socket server) runs one
// session at a time, so these run against Debian's PostgreSQL that `.ci/run` starts.
const agent: Actor = { name: 'maria.lopez', kind: 'agent' };

describe.skipIf(!postgresUrl())('tickets under concurrent writers (PostgreSQL server)', () => {
  let opened: OpenedTestStore;
  let store: Store;
  beforeAll(async () => {
    opened = await openTestStore('postgres', { poolMax: 20 });
    store = opened.store;
  });
  afterAll(async () => opened?.close());

  it('lets exactly one of two writers with the same expected_version win', async () => {
    const { ticket } = await createTicket(store, { title: 'Race for the title', requester: 'ana.ruiz' }, agent);
    const results = await Promise.allSettled([
      updateTicket(store, ticket.number, { title: 'Writer A' }, 1, agent),
      updateTicket(store, ticket.number, { title: 'Writer B' }, 1, agent),
    ]);
    const winners = results.filter((r) => r.status === 'fulfilled');
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]?.reason).toBeInstanceOf(TicketConflictError);
    const final = await getTicket(store, ticket.number);
    expect(final.ticket.version).toBe(2);
    expect(final.events.filter((e) => e.kind === 'field')).toHaveLength(1);
  });

  it('makes 50 tickets from 50 concurrent creates with distinct keys, and none extra for repeated keys', async () => {
    const distinct = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        createTicket(
          store,
          { title: `Bulk ${i}`, requester: 'ben.cole', tags: ['bulk-distinct'], idempotencyKey: `distinct-key-${i}` },
          agent,
        ),
      ),
    );
    expect(new Set(distinct.map((r) => r.ticket.number)).size).toBe(50);
    expect(distinct.every((r) => r.created)).toBe(true);

    // 10 keys, each sent 5 times at once (a client retrying): still 10 tickets.
    const repeated = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        createTicket(
          store,
          {
            title: `Retried ${i % 10}`,
            requester: 'ben.cole',
            tags: ['bulk-repeated'],
            idempotencyKey: `repeated-key-${i % 10}`,
          },
          agent,
        ),
      ),
    );
    expect(repeated.filter((r) => r.created)).toHaveLength(10);
    for (const [i, result] of repeated.entries()) expect(result.ticket.title).toBe(`Retried ${i % 10}`);
    expect(new Set(repeated.map((r) => r.ticket.number)).size).toBe(10);
    const stored = await searchTickets(store, { tags: ['bulk-repeated'], limit: 100 });
    expect(stored.tickets).toHaveLength(10);
    expect((await searchTickets(store, { tags: ['bulk-distinct'], limit: 100 })).tickets).toHaveLength(50);
  });

  it('leaves a timeline that replays to the final state after 20 concurrent transitions', async () => {
    const { ticket } = await createTicket(store, { title: 'Status storm', requester: 'ana.ruiz' }, agent);
    const targets: { to: 'open' | 'pending' | 'resolved' | 'closed'; reason?: string; resolutionCode?: 'fixed' }[] = [
      { to: 'open' },
      { to: 'pending', reason: 'waiting for the user' },
      { to: 'resolved', resolutionCode: 'fixed' },
      { to: 'closed' },
    ];
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        transitionTicket(store, ticket.number, targets[i % targets.length] as never, agent),
      ),
    );
    const succeeded = attempts.filter((a) => a.status === 'fulfilled').length;
    expect(succeeded).toBeGreaterThan(0);
    const { ticket: final, events } = await getTicket(store, ticket.number);
    let replayed: TicketStatus = 'new';
    for (const event of events.filter((e) => e.kind === 'status')) {
      const change = event.changes?.status as { from: TicketStatus; to: TicketStatus };
      expect(change.from).toBe(replayed);
      replayed = change.to;
    }
    expect(replayed).toBe(final.status);
    expect(events.filter((e) => e.kind === 'status')).toHaveLength(succeeded);
    expect(final.version).toBe(1 + succeeded);
  });
});
