import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { StoreBusyError } from '../errors.js';
import type { Store } from '../store/index.js';

/** A lease not renewed for this long belongs to a build that died. */
const LEASE_EXPIRY = '2 minutes';
const RENEW_EVERY_MS = 20_000;

export interface BuildLease {
  release(): Promise<void>;
}

/**
 * Reindexes of one store inside this process, one after another. A server runs each client's
 * reindex as its own call, and a killed client leaves its call running: the next reindex waits
 * for it instead of writing the live tables under a build that is about to replace them.
 */
const queues = new WeakMap<Store, Promise<void>>();

async function takeTurn(store: Store): Promise<() => void> {
  const previous = queues.get(store) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  queues.set(
    store,
    previous.then(() => mine),
  );
  await previous;
  return done;
}

/**
 * Takes the one lease for changing the knowledge index (sql/005), or says who holds it: first
 * this process's turn, then, on a server database, the lease row other processes see. The lease is
 * renewed on a timer while the job runs: on a server database the build's statements run on the
 * server, so the timer fires even during a long HNSW build.
 */
export async function acquireBuildLease(store: Store): Promise<BuildLease> {
  const endTurn = await takeTurn(store);
  try {
    return await acquireStoreLease(store, endTurn);
  } catch (error) {
    endTurn();
    throw error;
  }
}

async function acquireStoreLease(store: Store, endTurn: () => void): Promise<BuildLease> {
  // The embedded store is one process's at a time (its own lock): any lease there is a crashed build's.
  if (store.kind === 'embedded') return { release: async () => endTurn() };
  const owner = `${os.hostname()} pid ${process.pid} ${randomBytes(3).toString('hex')}`;
  const { rows } = await store.query<{ owner: string }>(
    `INSERT INTO kb_index_build (owner) VALUES ($1)
     ON CONFLICT (singleton) DO UPDATE SET owner = excluded.owner, started_at = now(), renewed_at = now()
       WHERE kb_index_build.renewed_at < now() - interval '${LEASE_EXPIRY}'
     RETURNING owner`,
    [owner],
  );
  if (rows.length === 0) {
    const { rows: holders } = await store.query<{ owner: string; started: string }>(
      `SELECT owner, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS started FROM kb_index_build`,
    );
    const holder = holders[0];
    throw new StoreBusyError(
      `Another reindex is updating the knowledge index (${holder?.owner ?? 'unknown'}, since ${holder?.started ?? 'just now'}).`,
      'Wait for it to finish, then run this again (a build that died frees the lease after two minutes); searches keep using the current index meanwhile.',
    );
  }
  const timer = setInterval(() => {
    store.query('UPDATE kb_index_build SET renewed_at = now() WHERE owner = $1', [owner]).catch(() => {});
  }, RENEW_EVERY_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      try {
        await store.query('DELETE FROM kb_index_build WHERE owner = $1', [owner]);
      } finally {
        endTurn();
      }
    },
  };
}
