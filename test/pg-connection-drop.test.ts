import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ItbotError } from '../src/errors.js';
import type { Store } from '../src/store/index.js';
import {
  type Actor,
  addInternalNote,
  createTicket,
  getTicket,
  IdempotencyKeyReusedError,
  transitionTicket,
  updateTicket,
} from '../src/tickets/index.js';
import { postgresUrl } from './helpers/postgres.js';
import { type OpenedTestStore, openTestStore } from './helpers/ticket-store.js';

// The PostgreSQL connection dropped mid-write: an admin session terminates the backends of the
// test database (pg_terminate_backend) over and over while writers create, update, transition and
// annotate tickets. A write whose connection died has an unknown outcome; the writer re-reads and
// retries as a client would. Afterwards every ticket's timeline must replay to its state (no change
// without its event, no event without its change), and each idempotency key must have applied once.

const agent: Actor = { name: 'maria.lopez', kind: 'agent' };
const WORKERS = 6;
const OPS_PER_WORKER = 40;
/** Attempts per write before the test gives up on it (each failed attempt is one dropped connection). */
const ATTEMPTS = 40;

const adminUrl = postgresUrl();

/** A write that failed because its connection died, not because the domain refused it. */
function isDroppedConnection(error: unknown): boolean {
  return !(error instanceof ItbotError);
}

interface Tally {
  ops: number;
  faultsSeen: number;
}

describe.skipIf(!adminUrl)('PostgreSQL connection dropped mid-write', () => {
  let opened: OpenedTestStore;
  let store: Store;
  let killer: pg.Client;
  let databaseName: string;
  beforeAll(async () => {
    opened = await openTestStore('postgres', { poolMax: WORKERS + 2 });
    store = opened.store;
    databaseName = new URL(opened.databaseUrl as string).pathname.slice(1);
    killer = new pg.Client({ connectionString: adminUrl });
    await killer.connect();
  });
  afterAll(async () => {
    await killer?.end().catch(() => {});
    await opened?.close();
  });

  /** Retries a write until it goes through, re-checking first whether an earlier attempt already applied. */
  async function retried(
    tally: Tally,
    applied: () => Promise<boolean>,
    attempt: () => Promise<unknown>,
  ): Promise<void> {
    for (let i = 0; i < ATTEMPTS; i++) {
      if (i > 0 && (await withRetries(tally, applied))) return;
      try {
        await attempt();
        return;
      } catch (error) {
        if (!isDroppedConnection(error)) throw error;
        tally.faultsSeen++;
      }
    }
    throw new Error(`a write failed ${ATTEMPTS} times in a row`);
  }

  /** A read that may itself lose its connection. */
  async function withRetries<T>(tally: Tally, read: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await read();
      } catch (error) {
        if (!isDroppedConnection(error) || i >= ATTEMPTS) throw error;
        tally.faultsSeen++;
      }
    }
  }

  async function worker(index: number, tally: Tally, keys: { creates: string[]; notes: string[] }): Promise<void> {
    const tickets: string[] = [];
    const create = async (n: number) => {
      const key = `drop-create-${index}-${n}`;
      let number = '';
      await retried(
        tally,
        async () => false, // the key makes a retry safe without looking first
        async () => {
          number = (
            await createTicket(
              store,
              { title: `Worker ${index} ticket ${n}`, requester: 'ana.ruiz', idempotencyKey: key },
              agent,
            )
          ).ticket.number;
        },
      );
      keys.creates.push(key);
      tickets.push(number);
    };
    await create(0);
    for (let n = 1; n <= OPS_PER_WORKER; n++) {
      tally.ops++;
      const number = tickets[n % tickets.length] as string;
      const op = n % 4;
      if (op === 0) await create(n);
      else if (op === 1) {
        const title = `Worker ${index} title ${n}`;
        await retried(
          tally,
          async () => (await getTicket(store, number)).ticket.title === title,
          async () => {
            const { ticket } = await withRetries(tally, () => getTicket(store, number));
            await updateTicket(store, number, { title }, ticket.version, agent);
          },
        );
      } else if (op === 2) {
        // open ↔ pending, each move at the version just read.
        const { ticket } = await withRetries(tally, () => getTicket(store, number));
        const to = ticket.status === 'open' ? 'pending' : 'open';
        await retried(
          tally,
          async () => (await getTicket(store, number)).ticket.status === to,
          async () => {
            const current = (await withRetries(tally, () => getTicket(store, number))).ticket;
            await transitionTicket(
              store,
              number,
              { to, reason: to === 'pending' ? `waiting ${index}-${n}` : undefined, expectedVersion: current.version },
              agent,
            );
          },
        );
      } else {
        const key = `drop-note-${index}-${n}`;
        await retried(
          tally,
          async () => false,
          () => addInternalNote(store, number, `Note ${index}-${n}`, agent, { idempotencyKey: key }),
        );
        keys.notes.push(key);
      }
    }
  }

  it('leaves no half-applied change on any timeline, and each keyed write applied once', async () => {
    const tallies: Tally[] = Array.from({ length: WORKERS }, () => ({ ops: 0, faultsSeen: 0 }));
    const keys = { creates: [] as string[], notes: [] as string[] };
    let done = false;
    let kills = 0;
    const killing = (async () => {
      while (!done) {
        // Backends busy in a statement or inside an open transaction: the writes in flight.
        const { rows } = await killer.query<{ killed: boolean }>(
          `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')`,
          [databaseName],
        );
        kills += rows.filter((row) => row.killed).length;
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 120));
      }
    })();
    try {
      await Promise.all(tallies.map((tally, index) => worker(index, tally, keys)));
    } finally {
      done = true;
      await killing;
    }
    const faultsSeen = tallies.reduce((sum, t) => sum + t.faultsSeen, 0);
    const ops = tallies.reduce((sum, t) => sum + t.ops, 0);
    process.stderr.write(
      `pg-connection-drop: ${ops} writes, ${kills} backends terminated, ${faultsSeen} failed attempts retried\n`,
    );
    expect(kills).toBeGreaterThan(10);
    expect(faultsSeen).toBeGreaterThan(0);

    // Checked on a fresh connection nobody kills.
    const check = new pg.Client({ connectionString: opened.databaseUrl });
    await check.connect();
    try {
      const { rows: tickets } = await check.query<{
        id: string;
        number: string;
        title: string;
        status: string;
        version: number;
      }>('SELECT id, number, title, status, version FROM tickets ORDER BY id');
      const { rows: events } = await check.query<{
        ticket_id: string;
        kind: string;
        changes: Record<string, { from: unknown; to: unknown }> | null;
        idempotency_key: string | null;
      }>('SELECT ticket_id, kind, changes, idempotency_key FROM ticket_events ORDER BY id');
      for (const ticket of tickets) {
        const timeline = events.filter((event) => event.ticket_id === ticket.id);
        // Every change bumps the version once and appends one event, in one transaction.
        expect(timeline.length, `${ticket.number} version vs events`).toBe(ticket.version);
        expect(timeline[0]?.kind).toBe('created');
        // Replaying the timeline gives the ticket's state: each change starts where the last ended.
        let status: unknown = 'new';
        let title: unknown;
        for (const event of timeline) {
          const statusChange = event.changes?.status;
          if (statusChange) {
            expect(statusChange.from, `${ticket.number} status chain`).toBe(status);
            status = statusChange.to;
          }
          const titleChange = event.changes?.title;
          if (titleChange) {
            if (title !== undefined) expect(titleChange.from, `${ticket.number} title chain`).toBe(title);
            title = titleChange.to;
          }
        }
        expect(status).toBe(ticket.status);
        if (title !== undefined) expect(title).toBe(ticket.title);
      }
      const { rows: created } = await check.query<{ idempotency_key: string; n: number }>(
        `SELECT idempotency_key, count(*)::int AS n FROM tickets WHERE idempotency_key = ANY($1) GROUP BY 1`,
        [keys.creates],
      );
      expect(created).toHaveLength(keys.creates.length);
      expect(created.every((row) => row.n === 1)).toBe(true);
      const noteKeys = events.filter((event) => event.idempotency_key?.startsWith('drop-note-'));
      expect(noteKeys.map((event) => event.idempotency_key).sort()).toEqual([...keys.notes].sort());
    } finally {
      await check.end();
    }
  }, 300_000);

  it('a retried note with the same key applies once; the key reused for other text is refused', async () => {
    const { ticket } = await createTicket(store, { title: 'Keyed notes', requester: 'ana.ruiz' }, agent);
    const first = await addInternalNote(store, ticket.number, 'Called the user', agent, {
      idempotencyKey: 'note-key-0001',
    });
    const again = await addInternalNote(store, ticket.number, 'Called the user', agent, {
      idempotencyKey: 'note-key-0001',
    });
    expect([first.added, again.added]).toEqual([true, false]);
    await expect(
      addInternalNote(store, ticket.number, 'Emailed the user', agent, { idempotencyKey: 'note-key-0001' }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    // Eight racing retries of one note: one note.
    const racing = await Promise.all(
      Array.from({ length: 8 }, () =>
        addInternalNote(store, ticket.number, 'Rebooted the switch', agent, { idempotencyKey: 'note-key-0002' }),
      ),
    );
    expect(racing.filter((result) => result.added)).toHaveLength(1);
    const { ticket: final } = await getTicket(store, ticket.number);
    expect(final.version).toBe(3);
  });
});
