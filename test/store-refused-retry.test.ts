import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openServerStore, type Store } from '../src/store/index.js';
import { freeLoopbackPort } from './helpers/ports.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';

// pgbouncer or PostgreSQL restarting refuses connections for a moment. A refused connection never
// carried a statement, so the store tries again for a few seconds instead of failing the call.
// A TCP relay in front of the real server plays the restarting pooler: it drops every connection,
// refuses new ones, then listens again.

class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async listen(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
  }

  /** Like a restart: every connection cut, new ones refused until listen() again. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

describe.skipIf(!postgresUrl())('a server store whose pooler restarts', () => {
  let database: TestDatabase;
  let relay: Relay;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl() as string);
    const target = new URL(database.url);
    relay = new Relay(await freeLoopbackPort(), { host: target.hostname, port: Number(target.port || 5432) });
    await relay.listen();
    const viaRelay = new URL(database.url);
    viaRelay.port = String(relay.port);
    store = await openServerStore({ databaseUrl: viaRelay.toString() });
    await migrateToLatest(store);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await relay?.stop();
    await database?.drop();
  });

  it('answers a query and a transaction sent while it was refusing connections, once it is back', async () => {
    await relay.stop();
    // Let the pool see its idle connections close (a pooler restart closes them first too).
    await sleep(300);
    const query = store.query<{ one: number }>('SELECT 1 AS one');
    const transaction = store.transaction((tx) => tx.query<{ two: number }>('SELECT 2 AS two'));
    await sleep(1_000);
    await relay.listen();
    expect((await query).rows).toEqual([{ one: 1 }]);
    expect((await transaction).rows).toEqual([{ two: 2 }]);
  }, 30_000);

  it('still fails, with the refusal, when it stays down', async () => {
    await relay.stop();
    await sleep(300);
    try {
      await expect(store.query('SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await relay.listen();
    }
  }, 30_000);
});
