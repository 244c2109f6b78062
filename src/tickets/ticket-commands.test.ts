import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedTestStore, openTestStore, testStoreKinds } from '../../test/helpers/ticket-store.js';
import type { Store } from '../store/index.js';
import {
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  TicketConflictError,
  TicketNotFoundError,
  TicketValidationError,
} from './errors.js';
import type { Actor } from './model.js';
import {
  addInternalNote,
  assignTicket,
  createTicket,
  linkTickets,
  mergeTickets,
  replyToTicket,
  transitionTicket,
  updateTicket,
} from './ticket-commands.js';
import { getTicket, searchTickets } from './ticket-queries.js';

const agent: Actor = { name: 'maria.lopez', kind: 'agent' };
const requester: Actor = { name: 'ana.ruiz', kind: 'requester' };

describe.each(testStoreKinds())('ticket domain on %s', (kind) => {
  let opened: OpenedTestStore;
  let store: Store;
  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
  });
  afterAll(async () => opened?.close());

  const newTicket = (title: string, extra: Partial<Parameters<typeof createTicket>[1]> = {}) =>
    createTicket(store, { title, requester: 'ana.ruiz', ...extra }, requester).then((r) => r.ticket);

  describe('create', () => {
    it('derives priority from impact × urgency, routes by category and sets SLA due times', async () => {
      const ticket = await newTicket('VPN down for the sales floor', {
        impact: 1,
        urgency: 1,
        category: 'network/vpn',
        tags: ['VPN', 'outage', 'vpn'],
      });
      expect(ticket).toMatchObject({
        priority: 'P1',
        priorityOverridden: false,
        category: 'Network/VPN',
        group: 'Network',
        status: 'new',
        version: 1,
      });
      expect(ticket.tags).toEqual(['outage', 'vpn']);
      const created = Date.parse(ticket.createdAt);
      expect(Date.parse(ticket.sla.firstResponseDue as string) - created).toBe(3_600_000);
      expect(Date.parse(ticket.sla.resolutionDue as string) - created).toBe(4 * 3_600_000);
    });

    it('records an explicit priority as an override', async () => {
      const ticket = await newTicket('Mouse', { impact: 3, urgency: 3, priority: 'P2' });
      expect(ticket).toMatchObject({ priority: 'P2', priorityOverridden: true });
    });

    it('refuses unknown categories, groups and assignees, saying what exists', async () => {
      await expect(newTicket('x', { category: 'Plumbing' })).rejects.toThrow(/no category "Plumbing"/);
      await expect(newTicket('x', { category: 'Plumbing' })).rejects.toMatchObject({
        hint: expect.stringContaining('Network/VPN'),
      });
      await expect(newTicket('x', { assignee: 'ana.ruiz' })).rejects.toThrow(/not a helpdesk agent/);
      await expect(newTicket('x', { group: 'Nope' })).rejects.toBeInstanceOf(TicketValidationError);
    });
  });

  describe('update with expected_version', () => {
    it('applies changes, records a from→to diff and bumps the version', async () => {
      const ticket = await newTicket('Printer jam', { category: 'Printing' });
      const { ticket: updated, changes } = await updateTicket(
        store,
        ticket.number,
        { title: 'Printer jam on 3rd floor', urgency: 1, addTags: ['printer'] },
        1,
        agent,
      );
      expect(updated).toMatchObject({
        title: 'Printer jam on 3rd floor',
        urgency: 1,
        priority: 'P3',
        version: 2,
        tags: ['printer'],
      });
      expect(changes).toMatchObject({
        title: { from: 'Printer jam', to: 'Printer jam on 3rd floor' },
        urgency: { from: 2, to: 1 },
      });
      const { events } = await getTicket(store, ticket.number);
      expect(events.at(-1)).toMatchObject({ kind: 'field', author: 'maria.lopez', authorKind: 'agent', changes });
    });

    it('refuses a stale write instead of applying it', async () => {
      const ticket = await newTicket('Stale test');
      await updateTicket(store, ticket.number, { title: 'First writer' }, 1, agent);
      const stale = updateTicket(store, ticket.number, { title: 'Second writer' }, 1, agent);
      await expect(stale).rejects.toBeInstanceOf(TicketConflictError);
      await expect(stale).rejects.toThrow(/you had version 1, it is now at version 2/);
      expect((await getTicket(store, ticket.number)).ticket.title).toBe('First writer');
    });

    it('moves SLA due times when the priority changes, and can return to the lookup', async () => {
      const ticket = await newTicket('Priority test', { impact: 3, urgency: 3 });
      const { ticket: raised } = await updateTicket(store, ticket.number, { priority: 'P1' }, 1, agent);
      expect(raised).toMatchObject({ priority: 'P1', priorityOverridden: true });
      expect(Date.parse(raised.sla.resolutionDue as string) - Date.parse(raised.createdAt)).toBe(4 * 3_600_000);
      const { ticket: back } = await updateTicket(store, ticket.number, { priority: null }, 2, agent);
      expect(back).toMatchObject({ priority: 'P4', priorityOverridden: false });
    });
  });

  describe('status', () => {
    it('walks new → open → pending → open → resolved → closed with the required fields', async () => {
      const ticket = await newTicket('Lifecycle');
      await transitionTicket(store, ticket.number, { to: 'open' }, agent);
      await expect(transitionTicket(store, ticket.number, { to: 'pending' }, agent)).rejects.toThrow(/needs a reason/);
      const pending = await transitionTicket(
        store,
        ticket.number,
        { to: 'pending', reason: 'waiting for the user' },
        agent,
      );
      expect(pending).toMatchObject({ status: 'pending', pendingReason: 'waiting for the user' });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const reopened = await transitionTicket(store, ticket.number, { to: 'open' }, agent);
      // The second spent pending is not counted: the resolution due time moved out by it.
      expect(reopened.sla.pendingSeconds).toBeGreaterThanOrEqual(1);
      expect(Date.parse(reopened.sla.resolutionDue as string)).toBeGreaterThan(
        Date.parse(pending.sla.resolutionDue as string),
      );
      const resolved = await transitionTicket(
        store,
        ticket.number,
        { to: 'resolved', resolutionCode: 'fixed', resolutionNotes: 'Reinstalled driver' },
        agent,
      );
      expect(resolved).toMatchObject({
        status: 'resolved',
        resolutionCode: 'fixed',
        resolutionNotes: 'Reinstalled driver',
      });
      const closed = await transitionTicket(store, ticket.number, { to: 'closed' }, agent);
      expect(closed.closedAt).not.toBeNull();
      await expect(transitionTicket(store, ticket.number, { to: 'open' }, agent)).rejects.toBeInstanceOf(
        InvalidTransitionError,
      );
      const { events } = await getTicket(store, ticket.number);
      expect(events.filter((e) => e.kind === 'status').map((e) => e.changes?.status)).toEqual([
        { from: 'new', to: 'open' },
        { from: 'open', to: 'pending' },
        { from: 'pending', to: 'open' },
        { from: 'open', to: 'resolved' },
        { from: 'resolved', to: 'closed' },
      ]);
    });

    it('reopens a resolved ticket and clears its resolution', async () => {
      const ticket = await newTicket('Reopen me');
      await transitionTicket(store, ticket.number, { to: 'resolved', resolutionCode: 'workaround' }, agent);
      const reopened = await transitionTicket(store, ticket.number, { to: 'open', reason: 'came back' }, requester);
      expect(reopened).toMatchObject({ status: 'open', resolutionCode: null, resolvedAt: null });
    });
  });

  describe('conversation', () => {
    it('keeps public replies and internal notes apart, and the first helpdesk reply stops the response clock', async () => {
      const ticket = await newTicket('Conversation');
      await replyToTicket(store, ticket.number, 'Any news?', requester);
      expect((await getTicket(store, ticket.number)).ticket.sla.firstRespondedAt).toBeNull();
      const { ticket: replied } = await replyToTicket(store, ticket.number, 'Looking into it now.', agent);
      expect(replied.sla.firstRespondedAt).not.toBeNull();
      await addInternalNote(store, ticket.number, 'User is on leave Friday', agent);
      const all = await getTicket(store, ticket.number);
      expect(all.events.map((e) => [e.kind, e.visibility])).toEqual([
        ['created', 'public'],
        ['reply', 'public'],
        ['reply', 'public'],
        ['note', 'internal'],
      ]);
      const publicOnly = await getTicket(store, ticket.number, { includeInternal: false });
      expect(publicOnly.events.some((e) => e.kind === 'note')).toBe(false);
    });

    it('answers a reply to a closed ticket with a linked follow-up', async () => {
      const ticket = await newTicket('Closed one', { category: 'Printing' });
      await transitionTicket(store, ticket.number, { to: 'resolved', resolutionCode: 'fixed' }, agent);
      await transitionTicket(store, ticket.number, { to: 'closed' }, agent);
      const { followUp } = await replyToTicket(store, ticket.number, 'It is broken again', requester);
      expect(followUp).toMatchObject({
        title: `Follow-up to ${ticket.number}: Closed one`,
        description: 'It is broken again',
        category: 'Printing',
        status: 'new',
      });
      const { links } = await getTicket(store, followUp?.number as string);
      expect(links).toEqual([
        expect.objectContaining({ kind: 'follow_up_of', direction: 'outgoing', ticket: ticket.number }),
      ]);
      expect((await getTicket(store, ticket.number)).ticket.status).toBe('closed');
    });
  });

  describe('idempotency keys', () => {
    it('a retry with the same key returns the first ticket; the key reused with other details is refused', async () => {
      const key = `retry-${Math.random()}`;
      const first = await newTicket('Keyboard missing keys', { idempotencyKey: key, tags: ['hardware'] });
      const retry = await createTicket(
        store,
        { title: 'Keyboard missing keys', requester: requester.name, idempotencyKey: key, tags: ['hardware'] },
        agent,
      );
      expect(retry).toMatchObject({ created: false, ticket: { number: first.number } });
      const reused = createTicket(
        store,
        { title: 'Mouse double-clicks', requester: requester.name, idempotencyKey: key, tags: ['hardware'] },
        agent,
      );
      await expect(reused).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      await expect(reused).rejects.toMatchObject({ exitCode: 9 });
      const { tickets } = await searchTickets(store, { text: '"Mouse double-clicks"', status: undefined });
      expect(tickets).toEqual([]);
    });
  });

  describe('assignment, links and merges', () => {
    it('assigns to an agent, follows their group, and checks membership', async () => {
      const ticket = await newTicket('Assign me', { category: 'Printing' });
      const assigned = await assignTicket(store, ticket.number, { assignee: 'john.okafor' }, agent);
      expect(assigned).toMatchObject({ assignee: 'john.okafor', group: 'Network' });
      await expect(
        assignTicket(store, ticket.number, { assignee: 'john.okafor', group: 'Service Desk' }, agent),
      ).rejects.toThrow(/not in the Service Desk group/);
      const unassigned = await assignTicket(store, ticket.number, { assignee: null }, agent);
      expect(unassigned).toMatchObject({ assignee: null, group: 'Network' });
      const { events } = await getTicket(store, ticket.number);
      expect(events.filter((e) => e.kind === 'assignment').map((e) => e.changes)).toEqual([
        { assignee: { from: null, to: 'john.okafor' }, group: { from: 'Service Desk', to: 'Network' } },
        { assignee: { from: 'john.okafor', to: null } },
      ]);
    });

    it('links tickets once, on both timelines', async () => {
      const a = await newTicket('Cause');
      const b = await newTicket('Effect');
      expect(await linkTickets(store, b.number, a.number, 'caused_by', agent)).toEqual({ created: true });
      expect(await linkTickets(store, b.number, a.number, 'caused_by', agent)).toEqual({ created: false });
      expect((await getTicket(store, a.number)).links).toEqual([
        expect.objectContaining({ kind: 'caused_by', direction: 'incoming', ticket: b.number }),
      ]);
      await expect(linkTickets(store, a.number, a.number, 'relates_to', agent)).rejects.toThrow(/with itself/);
    });

    it('merges a duplicate into its survivor, keeping both timelines', async () => {
      const survivor = await newTicket('Outlook down');
      const duplicate = await newTicket('Outlook not working');
      await replyToTicket(store, duplicate.number, 'me too', requester);
      const result = await mergeTickets(store, duplicate.number, survivor.number, agent);
      expect(result.merged).toMatchObject({ status: 'merged', mergedInto: survivor.number });
      expect((await getTicket(store, duplicate.number)).events.map((e) => e.kind)).toEqual([
        'created',
        'reply',
        'merge',
      ]);
      expect((await getTicket(store, survivor.number)).events.at(-1)).toMatchObject({
        kind: 'merge',
        body: expect.stringContaining(duplicate.number),
      });
      await expect(mergeTickets(store, duplicate.number, survivor.number, agent)).rejects.toThrow(
        /merged, so it cannot be merged/,
      );
      await expect(replyToTicket(store, duplicate.number, 'hello?', requester)).rejects.toMatchObject({
        hint: `Work on ${survivor.number} instead.`,
      });
    });

    it('merges through the status machine: a resolved ticket may only be closed or reopened, not merged', async () => {
      const survivor = await newTicket('Printer queue stuck');
      const resolved = await newTicket('Print queue frozen');
      await transitionTicket(store, resolved.number, { to: 'resolved', resolutionCode: 'fixed' }, agent);
      const refused = mergeTickets(store, resolved.number, survivor.number, agent);
      await expect(refused).rejects.toBeInstanceOf(InvalidTransitionError);
      await expect(refused).rejects.toThrow(/is resolved, so it cannot be merged/);
      expect((await getTicket(store, resolved.number)).ticket.status).toBe('resolved');
      // Nor can anything be merged into a resolved ticket.
      const active = await newTicket('Printer queue stuck again');
      await expect(mergeTickets(store, active.number, resolved.number, agent)).rejects.toThrow(
        /is resolved, so nothing can be merged into it/,
      );
    });
  });

  describe('search', () => {
    it('filters and pages with a cursor, without gaps or repeats', async () => {
      for (let i = 0; i < 7; i++) await newTicket(`Paging ticket ${i}`, { tags: ['paging'] });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await searchTickets(store, { tags: ['paging'], limit: 3, cursor });
        seen.push(...page.tickets.map((t) => t.title));
        cursor = page.nextCursor ?? undefined;
        expect(page.hasMore).toBe(cursor !== undefined);
      } while (cursor);
      expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `Paging ticket ${6 - i}`));
    });

    it('finds by text, category subtree, group, assignee and status', async () => {
      const vpn = await newTicket('Globalprotect gateway unreachable', { category: 'Network/VPN' });
      await assignTicket(store, vpn.number, { assignee: 'priya.shah' }, agent);
      expect((await searchTickets(store, { text: 'gateway unreachable' })).tickets.map((t) => t.number)).toContain(
        vpn.number,
      );
      expect((await searchTickets(store, { category: 'Network' })).tickets.map((t) => t.number)).toContain(vpn.number);
      expect(
        (await searchTickets(store, { assignee: 'priya.shah', group: 'network' })).tickets.map((t) => t.number),
      ).toEqual([vpn.number]);
      expect((await searchTickets(store, { status: ['closed'], text: 'gateway' })).tickets).toEqual([]);
      expect((await searchTickets(store, { assignee: 'unassigned', text: 'gateway' })).tickets).toEqual([]);
    });

    it('finds a topic in its category or in the words ("printer tickets" means either)', async () => {
      const jam = await newTicket('Paper jam in tray two', { category: 'Printing' });
      const laptop = await newTicket('Laptop cannot find the printer after the update');
      const other = await newTicket('Gateway timeout on the portal');
      const numbers = async (search: Parameters<typeof searchTickets>[1]) =>
        (await searchTickets(store, search)).tickets.map((t) => t.number);
      const topic = await numbers({ topic: 'printer' });
      expect(topic).toEqual(expect.arrayContaining([jam.number, laptop.number]));
      expect(topic).not.toContain(other.number);
      // The parts alone each miss one of them.
      expect(await numbers({ text: 'printer' })).not.toContain(jam.number);
      expect(await numbers({ category: 'Printing' })).not.toContain(laptop.number);
      // A topic no category owns is a text search.
      expect(await numbers({ topic: 'gateway timeout' })).toEqual([other.number]);
    });

    it('rejects a forged cursor with a clear message', async () => {
      await expect(searchTickets(store, { cursor: 'not-a-cursor' })).rejects.toThrow(
        /cursor is not one this server gave out/,
      );
    });
  });

  it('keeps the timeline append-only at the database level', async () => {
    const ticket = await newTicket('Append only');
    await expect(store.query("UPDATE ticket_events SET body = 'rewritten'")).rejects.toThrow(/append-only/);
    await expect(store.query('DELETE FROM ticket_events')).rejects.toThrow(/append-only/);
    expect((await getTicket(store, ticket.number)).events).toHaveLength(1);
  });

  it('says which ticket does not exist', async () => {
    await expect(getTicket(store, 'IT-999999')).rejects.toBeInstanceOf(TicketNotFoundError);
    await expect(transitionTicket(store, '#999999', { to: 'open' }, agent)).rejects.toThrow(
      'There is no ticket IT-999999',
    );
  });
});
