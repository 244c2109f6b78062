import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolFailedError } from '../src/errors.js';
import { connectTicketServer, type TicketServerConnection, type ToolOutcome } from '../src/mcp/index.js';
import { withRestarts } from '../src/mcp/restarting-connection.js';
import { makeSeededDataDir } from './helpers/data-dir.js';

let dataDir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir: dataDir, cleanup } = makeSeededDataDir());
});
afterAll(() => cleanup());

async function killed(connection: TicketServerConnection): Promise<void> {
  process.kill(connection.pid as number, 'SIGKILL');
  const deadline = Date.now() + 5_000;
  while (connection.alive && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('a ticket server that dies', () => {
  it('is restarted once for the next call, which says so; a second death within a minute is an error', async () => {
    const connection = await connectTicketServer({
      env: { ...process.env, ITBOT_DATA_DIR: dataDir },
      stderr: 'ignore',
    });
    try {
      await connection.listTools();
      const firstPid = connection.pid;
      await killed(connection);
      expect(connection.alive).toBe(false);

      const outcome = await connection.callTool('list_groups', {});
      expect(outcome.ok).toBe(true);
      expect(outcome.notice).toMatch(/restarted/);
      expect(connection.pid).not.toBe(firstPid);

      await killed(connection);
      await expect(connection.callTool('list_groups', {})).rejects.toBeInstanceOf(ToolFailedError);
    } finally {
      await connection.close();
    }
  });
});

/** A connection whose server dies during the next call, as a crash mid-request looks to the client. */
function dyingConnection(): TicketServerConnection & { calls: string[] } {
  let alive = true;
  const calls: string[] = [];
  return {
    calls,
    pid: 1,
    get alive() {
      return alive;
    },
    async listTools() {
      return [
        { name: 'get_ticket', description: '', inputSchema: {}, changesData: false },
        { name: 'create_ticket', description: '', inputSchema: {}, changesData: true },
      ];
    },
    async callTool(name) {
      calls.push(name);
      alive = false;
      throw new Error('Connection closed');
    },
    async readJsonResource<T>() {
      return {} as T;
    },
    async reportModelUsage() {},
    async close() {},
  };
}

function healthyConnection(calls: string[]): TicketServerConnection {
  return {
    pid: 2,
    alive: true,
    listTools: async () => [],
    async callTool(name): Promise<ToolOutcome> {
      calls.push(name);
      return { ok: true, data: { name }, text: '', error: undefined };
    },
    readJsonResource: async <T>() => ({}) as T,
    reportModelUsage: async () => {},
    close: async () => {},
  };
}

describe('a call cut off by the server dying', () => {
  it('runs a read again on the new server', async () => {
    const restarted: string[] = [];
    const connection = withRestarts(dyingConnection(), async () => healthyConnection(restarted));
    await connection.listTools();
    const outcome = await connection.callTool('get_ticket', { ticket: '1' });
    expect(outcome).toMatchObject({ ok: true, notice: expect.stringMatching(/during the call/) });
    expect(restarted).toEqual(['get_ticket']);
  });

  it('does not run a write again (it may have been applied) and says to check', async () => {
    const restarted: string[] = [];
    const connection = withRestarts(dyingConnection(), async () => healthyConnection(restarted));
    await connection.listTools();
    const outcome = await connection.callTool('create_ticket', { title: 'x' });
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(/may or may not have been applied/);
    expect(restarted).toEqual([]);
  });
});
