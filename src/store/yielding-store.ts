import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Queryable, Store } from './types.js';

function yielding(db: Queryable): Queryable {
  return {
    async query(sql, params) {
      await nextTurn();
      return db.query(sql, params);
    },
    async exec(sql) {
      await nextTurn();
      return db.exec(sql);
    },
  };
}

/**
 * The embedded store runs PostgreSQL (WASM) on this thread and its promises settle as microtasks,
 * so a long job (a reindex: thousands of queries) would never let the event loop turn: no other
 * request, no progress notification, no signal would be handled until it ended. Letting the loop
 * turn before each statement costs microseconds and keeps a shared server responsive.
 */
export function yieldingStore<S extends Store>(store: S): S {
  const base = yielding(store);
  return Object.assign(Object.create(store) as S, {
    query: base.query,
    exec: base.exec,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => store.transaction((tx) => fn(yielding(tx))),
  });
}
