import { describe, expect, it } from 'vitest';
import type { TicketServerConnection, ToolOutcome } from '../mcp/index.js';
import { withRequestKeys } from './request-keys.js';

function recordingConnection(calls: { name: string; args: Record<string, unknown> }[]): TicketServerConnection {
  const outcome: ToolOutcome = { ok: true, data: {}, text: '{}', error: undefined };
  return {
    listTools: async () => [],
    readJsonResource: async <T>() => ({}) as T,
    reportModelUsage: async () => {},
    close: async () => {},
    alive: true,
    pid: 1,
    callTool: async (name, args) => {
      calls.push({ name, args });
      return outcome;
    },
  };
}

describe('withRequestKeys', () => {
  it('gives every create_ticket a key derived from who asked and what, the same on a retry', async () => {
    const calls: { name: string; args: Record<string, unknown> }[] = [];
    const args = { title: 'Printer jammed' };
    await withRequestKeys(recordingConnection(calls), 'ana', 'open a ticket: printer jammed').callTool(
      'create_ticket',
      args,
    );
    await withRequestKeys(recordingConnection(calls), 'ana', 'open a ticket: printer jammed').callTool(
      'create_ticket',
      args,
    );
    await withRequestKeys(recordingConnection(calls), 'ben', 'open a ticket: printer jammed').callTool(
      'create_ticket',
      args,
    );
    await withRequestKeys(recordingConnection(calls), 'ana', 'open a ticket: printer jammed', 'chat').callTool(
      'create_ticket',
      args,
    );
    const keys = calls.map((call) => call.args.idempotency_key as string);
    expect(keys[0]).toMatch(/^ask-\d{4}-\d{2}-\d{2}-[0-9a-f]{40}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[3]).toMatch(/^chat-/);
  });

  it("keeps the model's own key and leaves other tools alone", async () => {
    const calls: { name: string; args: Record<string, unknown> }[] = [];
    const connection = withRequestKeys(recordingConnection(calls), 'ana', 'q');
    await connection.callTool('create_ticket', { title: 'x', idempotency_key: 'model-chosen-key' });
    await connection.callTool('get_ticket', { ticket: 'IT-000001' });
    expect(calls[0]?.args.idempotency_key).toBe('model-chosen-key');
    expect(calls[1]?.args).toEqual({ ticket: 'IT-000001' });
  });
});
