import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { RawMcpSession, type Reply } from './helpers/raw-mcp-session.js';

// The real server over a raw stdio pipe, fed what a well-behaved SDK client never sends: an 11 MB
// line, malformed JSON, non-object arguments, wrong types, NUL bytes, oversized fields. It answers
// each with an error that says what was wrong, and keeps serving.

const toolText = (reply: Reply) => reply.result?.content?.map((part) => part.text).join('') ?? '';

describe('the MCP server over a raw stdio pipe', () => {
  let dataDir: string;
  let cleanup: () => void;
  let session: RawMcpSession;
  let nextId = 10;
  const call = (name: string, args: unknown) => session.request(nextId++, 'tools/call', { name, arguments: args });

  beforeAll(async () => {
    ({ dir: dataDir, cleanup } = makeSeededDataDir());
    session = new RawMcpSession(dataDir);
    await session.initialize();
  });
  afterAll(async () => {
    await session?.close();
    cleanup?.();
  });

  it('survives an 11 MB line, answering it with an error that names the limit', async () => {
    const huge = JSON.stringify({
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { name: 'create_ticket', arguments: { title: 'big', description: 'x'.repeat(11 * 1024 * 1024) } },
      id: 7,
    });
    const reply = await session.send(huge);
    expect(reply).toMatchObject({ id: 7, error: { code: -32600 } });
    expect(reply.error?.message).toMatch(/the limit is 10485760 bytes/);
    expect(session.alive).toBe(true);
    const list = await session.request(nextId++, 'tools/list', {});
    expect((list.result as { tools?: unknown[] } | undefined)?.tools?.length).toBeGreaterThan(10);
  });

  it('answers malformed JSON with -32700 and a non-JSON-RPC message with -32600', async () => {
    expect(await session.send('{"jsonrpc": "2.0", "id": 1, "method": ')).toMatchObject({
      id: null,
      error: { code: -32700 },
    });
    expect(await session.send('[1, 2, 3]')).toMatchObject({ id: null, error: { code: -32600 } });
    expect(await session.send('{"id": 5, "hello": "world"}')).toMatchObject({ id: 5, error: { code: -32600 } });
    expect(session.alive).toBe(true);
  });

  it('non-object arguments get a tool error saying so, not -32603 and a schema dump', async () => {
    for (const args of ['IT-000001', 42, null, ['IT-000001']]) {
      const reply = await call('get_ticket', args);
      expect(reply.error, JSON.stringify(reply)).toBeUndefined();
      expect(reply.result?.isError).toBe(true);
      expect(toolText(reply)).toMatch(/"arguments" must be an object of named values/);
    }
  });

  it('arguments of the wrong type get a tool error the model can read and correct', async () => {
    const reply = await call('create_ticket', { title: 12345, impact: 'high' });
    expect(reply.error).toBeUndefined();
    expect(reply.result?.isError).toBe(true);
    expect(toolText(reply)).toMatch(/title/);
    expect(toolText(reply)).toMatch(/impact/);
  });

  it('NUL bytes and control characters are a validation error, not "try again"', async () => {
    const nulInField = await call('create_ticket', { title: 'Laptop', custom_fields: { asset_tag: 'LT\u00002093' } });
    expect(nulInField.result?.isError).toBe(true);
    expect(toolText(nulInField)).toMatch(
      /custom field "asset_tag" contains a control character \(U\+0000, a NUL byte\)/,
    );
    expect(toolText(nulInField)).not.toMatch(/try again|unexpected/i);
    const escapeInTitle = await call('create_ticket', { title: 'Printer \u001b[31mjammed' });
    expect(toolText(escapeInTitle)).toMatch(/The title contains a control character \(U\+001B\)/);
  });

  it('custom fields are size-limited, and the timeline records a large change without copying it whole', async () => {
    const created = await call('create_ticket', { title: 'Dock flickers', idempotency_key: `dock-${Date.now()}` });
    const createdTicket = (created.result?.structuredContent as { ticket?: { number: string; version: number } })
      ?.ticket;
    expect(createdTicket, JSON.stringify(created)).toBeDefined();
    const { number, version } = createdTicket ?? { number: '', version: 0 };
    const tooBig = await call('update_ticket', {
      ticket: number,
      expected_version: version,
      custom_fields: { notes: 'y'.repeat(20_000) },
    });
    expect(tooBig.result?.isError).toBe(true);
    expect(toolText(tooBig)).toMatch(/the limit is 16384/);

    const large = await call('update_ticket', {
      ticket: number,
      expected_version: version,
      custom_fields: { notes: 'z'.repeat(12_000), asset_tag: 'LT-2093' },
    });
    expect(large.result?.isError, toolText(large)).toBeFalsy();
    const shown = await call('get_ticket', { ticket: number });
    const ticket = shown.result?.structuredContent as { events: { changes?: Record<string, unknown> | null }[] };
    const entry = ticket.events.find((event) => event.changes && 'customFields' in event.changes);
    expect(JSON.stringify(entry).length).toBeLessThan(1_500);
    expect(JSON.stringify(entry)).toMatch(/"bytes":\d{5}/);
  });

  it('a long timeline comes a page at a time, so no answer grows past what a client reads', async () => {
    const created = await call('create_ticket', { title: 'Chatty ticket', idempotency_key: `chatty-${Date.now()}` });
    const number = (created.result?.structuredContent as { ticket?: { number: string } } | undefined)?.ticket?.number;
    expect(number, JSON.stringify(created)).toBeDefined();
    for (let i = 1; i <= 60; i++) {
      const note = await call('add_internal_note', { ticket: number, text: `note ${i}` });
      expect(note.result?.isError, toolText(note)).toBeFalsy();
    }
    type Page = { events: { body: string | null }[]; olderEvents?: number };
    const newest = (await call('get_ticket', { ticket: number })).result?.structuredContent as Page;
    expect(newest.events).toHaveLength(50);
    expect(newest.events.at(-1)?.body).toBe('note 60');
    expect(newest.olderEvents).toBe(11);
    const older = (await call('get_ticket', { ticket: number, timeline_skip: 50 })).result?.structuredContent as Page;
    expect(older.events).toHaveLength(11);
    expect(older.events[0]?.body).toBeNull(); // the "created" event
    expect(older.events.at(-1)?.body).toBe('note 10');
    expect(older.olderEvents).toBe(0);
  });
});
