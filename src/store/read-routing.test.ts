import { describe, expect, it } from 'vitest';
import { classifyReplicaFailure, createReadRouter, REPLICA_RETRY_AFTER_MS } from './read-routing.js';
import type { Queryable } from './types.js';

/** A database side that answers with its name, or fails with the next queued error. */
function side(name: string, failures: unknown[] = []): Queryable & { calls: number } {
  const db = {
    calls: 0,
    async query<Row>() {
      db.calls += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return { rows: [{ from: name }] as Row[], rowCount: 1 };
    },
    async exec() {},
  };
  return db;
}

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('classifyReplicaFailure', () => {
  it('tells recovery conflicts and unreachable replicas from real errors', () => {
    expect(classifyReplicaFailure(pgError('40001', 'canceling statement due to conflict with recovery'))).toBe(
      'recovery_conflict',
    );
    expect(classifyReplicaFailure(pgError('57P04', 'terminating connection due to conflict with recovery'))).toBe(
      'recovery_conflict',
    );
    expect(classifyReplicaFailure(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6433'))).toBe(
      'replica_unreachable',
    );
    expect(classifyReplicaFailure(new Error('Connection terminated unexpectedly'))).toBe('replica_unreachable');
    expect(classifyReplicaFailure(pgError('08P01', 'server login has been failing, try again later'))).toBe(
      'replica_unreachable',
    );
    // A serialization failure on a primary-style transaction, a syntax error: not the replica's fault.
    expect(classifyReplicaFailure(pgError('40001', 'could not serialize access due to concurrent update'))).toBe(
      undefined,
    );
    expect(classifyReplicaFailure(pgError('42601', 'syntax error at or near "SELEC"'))).toBe(undefined);
  });
});

describe('createReadRouter', () => {
  it('reads from the replica while it answers', async () => {
    const primary = side('primary');
    const replica = side('replica');
    const router = createReadRouter({ primary, replica });
    expect((await router.query('SELECT 1')).rows).toEqual([{ from: 'replica' }]);
    expect(primary.calls).toBe(0);
    expect(router.fallbacks()).toEqual({ recovery_conflict: 0, replica_unreachable: 0, replica_down: 0 });
  });

  it('retries a read cancelled by a recovery conflict on the primary, and keeps using the replica', async () => {
    const primary = side('primary');
    const replica = side('replica', [pgError('40001', 'canceling statement due to conflict with recovery')]);
    const reasons: string[] = [];
    const router = createReadRouter({ primary, replica, onFallback: (reason) => reasons.push(reason) });
    expect((await router.query('SELECT 1')).rows).toEqual([{ from: 'primary' }]);
    expect((await router.query('SELECT 1')).rows).toEqual([{ from: 'replica' }]);
    expect(reasons).toEqual(['recovery_conflict']);
    expect(router.fallbacks().recovery_conflict).toBe(1);
  });

  it('skips an unreachable replica for a while, then tries it again', async () => {
    let clock = 1_000;
    const primary = side('primary');
    const replica = side('replica', [pgError('ECONNREFUSED', 'connect ECONNREFUSED')]);
    const router = createReadRouter({ primary, replica, now: () => clock });
    expect((await router.query('SELECT 1')).rows).toEqual([{ from: 'primary' }]);
    expect(router.replicaMarkedDown()).toBe(true);
    expect((await router.query('SELECT 1')).rows).toEqual([{ from: 'primary' }]);
    expect(replica.calls).toBe(1);
    clock += REPLICA_RETRY_AFTER_MS + 1;
    expect((await router.query('SELECT 1')).rows).toEqual([{ from: 'replica' }]);
    expect(router.fallbacks()).toEqual({ recovery_conflict: 0, replica_unreachable: 1, replica_down: 1 });
  });

  it('passes a real error through instead of hiding it behind the primary', async () => {
    const primary = side('primary');
    const replica = side('replica', [pgError('42P01', 'relation "kb_chunks" does not exist')]);
    const router = createReadRouter({ primary, replica });
    await expect(router.query('SELECT 1')).rejects.toThrow('kb_chunks');
    expect(primary.calls).toBe(0);
  });
});
