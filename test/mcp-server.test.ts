import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPaths } from '../src/paths.js';
import { openEmbeddedStore } from '../src/store/index.js';
import { seedCompany } from '../src/tickets/index.js';
import { TEST_COMPANY } from './helpers/company.js';
import { makeSeededDataDir } from './helpers/data-dir.js';

// The real server as a child process over a real stdio pipe, driven by the SDK's own client.
const READ_TOOLS = [
  'analyze_log',
  'find_similar_tickets',
  'suggest_triage',
  'get_article',
  'get_attachment',
  'get_ticket',
  'list_attachments',
  'list_categories',
  'list_groups',
  'list_macros',
  'list_users',
  'search_knowledge',
  'search_tickets',
];
const WRITE_TOOLS = [
  'add_attachment',
  'add_internal_note',
  'assign_ticket',
  'create_ticket',
  'link_tickets',
  'merge_tickets',
  'remove_macro',
  'reply_to_ticket',
  'reply_with_macro',
  'save_macro',
  'transition_ticket',
  'update_ticket',
];

let dataDir: string;
let cleanup: () => void;

async function connect(args: string[] = []): Promise<Client> {
  const client = new Client({ name: 'itbot-test', version: '0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [bundledPaths.mcpServerEntry(), ...args],
      env: { PATH: process.env.PATH ?? '', ITBOT_DATA_DIR: dataDir, ITBOT_USER: 'maria.lopez' },
      stderr: 'ignore',
    }),
  );
  return client;
}

beforeAll(async () => {
  ({ dir: dataDir, cleanup } = makeSeededDataDir());
  const store = await openEmbeddedStore({ dataDir, lockWaitMs: 0, purpose: 'test' });
  await seedCompany(store, TEST_COMPANY);
  await store.close();
});
afterAll(() => cleanup());

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

describe('itbot MCP server over stdio', () => {
  let client: Client;
  beforeAll(async () => {
    client = await connect();
  });
  afterAll(async () => client?.close());

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const data = async <T>(name: string, args: Record<string, unknown>): Promise<T> => {
    const result = await call(name, args);
    expect(result.isError, text(result)).toBeFalsy();
    expect(JSON.parse(text(result))).toEqual(result.structuredContent);
    return result.structuredContent as T;
  };
  type TicketOut = {
    ticket: { number: string; version: number; status: string; assignee: string | null; priority: string };
  };

  it('declares every tool with described inputs, an output schema and honest annotations', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(30);
      expect(tool.outputSchema, tool.name).toBeDefined();
      for (const [field, schema] of Object.entries(
        (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>,
      )) {
        expect(schema.description, `${tool.name}.${field}`).toBeTruthy();
      }
      const readOnly = READ_TOOLS.includes(tool.name);
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(readOnly);
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    expect(byName.merge_tickets).toMatchObject({ destructiveHint: true, idempotentHint: false });
    expect(byName.link_tickets).toMatchObject({ destructiveHint: false, idempotentHint: true });
    expect(byName.create_ticket).toMatchObject({ destructiveHint: false, idempotentHint: false });
  });

  it('searches and reads the knowledge base', async () => {
    const { results } = await data<{ results: { path: string }[] }>('search_knowledge', {
      query: 'my print job is stuck in the queue',
      limit: 3,
    });
    expect(results[0]?.path).toBe('kb/printing/print-job-stuck-in-queue.md');
    const article = await data<{ title: string; sections: unknown[] }>('get_article', { path: results[0]?.path });
    expect(article.title).toBe('Print job stuck in the queue');
  });

  it('analyses a pasted log: its error signatures, then articles and tickets found with them', async () => {
    const log = [
      '2026-11-20 08:14:32.871 [ERROR] RasClient: The user CONTOSO\\jdoe dialed a connection named Corp VPN which has failed. The error code returned on failure is 809.',
      '2026-11-20 08:14:32.872 [ERROR] IKEEXT: connection to vpn.contoso.com timed out after 30 s (0x800704C9)',
    ].join('\n');
    const analysis = await data<{
      signatures: { kind: string; value: string }[];
      error_lines: string[];
      articles: { path: string }[];
    }>('analyze_log', { log, limit: 3 });
    expect(analysis.signatures.map((s) => s.value)).toEqual(['error 809', '0x800704C9', 'vpn.contoso.com']);
    expect(analysis.error_lines).toHaveLength(2);
    expect(analysis.articles.map((a) => a.path).some((path) => path.startsWith('kb/network/'))).toBe(true);
  });

  it('lists users, groups and categories', async () => {
    const { users } = await data<{ users: { username: string }[] }>('list_users', { role: 'agent', group: 'Network' });
    // The data dir holds the bundled sample company plus the test company on top.
    expect(users.map((u) => u.username)).toEqual(expect.arrayContaining(['john.okafor', 'priya.shah']));
    expect(users.map((u) => u.username)).not.toContain('maria.lopez');
    const { groups } = await data<{ groups: { name: string; members: string[] }[] }>('list_groups', {});
    expect(groups.find((g) => g.name === 'Network')?.members).toEqual(
      expect.arrayContaining(['john.okafor', 'priya.shah']),
    );
    expect(
      (await data<{ categories: { path: string }[] }>('list_categories', {})).categories.map((c) => c.path),
    ).toContain('Network/VPN');
  });

  it('runs a ticket through its whole life', async () => {
    const created = await data<TicketOut & { created: boolean }>('create_ticket', {
      title: 'VPN drops every 10 minutes',
      description: 'Since the update',
      category: 'Network/VPN',
      impact: 2,
      urgency: 1,
      idempotency_key: 'mcp-test-lifecycle-1',
    });
    const number = created.ticket.number;
    expect(created.ticket.priority).toBe('P2');
    // A retry repeats the request exactly: it gets the first ticket back…
    const again = await data<TicketOut & { created: boolean }>('create_ticket', {
      title: 'VPN drops every 10 minutes',
      description: 'Since the update',
      category: 'Network/VPN',
      impact: 2,
      urgency: 1,
      idempotency_key: 'mcp-test-lifecycle-1',
    });
    expect(again).toMatchObject({ created: false, ticket: { number } });
    // …while the same key with other details is refused, not silently answered with the first ticket.
    const reused = await call('create_ticket', { title: 'Printer on fire', idempotency_key: 'mcp-test-lifecycle-1' });
    expect(reused.isError).toBe(true);
    expect(text(reused)).toMatch(/already used to open .*with different details/);

    const updated = await data<TicketOut>('update_ticket', { ticket: number, expected_version: 1, add_tags: ['vpn'] });
    expect(updated.ticket.version).toBe(2);
    await data('assign_ticket', { ticket: number, assignee: 'john.okafor' });
    await data('reply_to_ticket', { ticket: number, text: 'We are looking into it.' });
    await data('add_internal_note', { ticket: number, text: 'Gateway logs show resets.' });
    await data('transition_ticket', { ticket: number, to: 'pending', reason: 'waiting for the user' });
    await data('transition_ticket', { ticket: number, to: 'open' });
    const resolved = await data<TicketOut>('transition_ticket', {
      ticket: number,
      to: 'resolved',
      resolution_code: 'fixed',
      resolution_notes: 'MTU lowered',
    });
    expect(resolved.ticket.status).toBe('resolved');

    const other = (await data<TicketOut>('create_ticket', { title: 'VPN flaky too' })).ticket.number;
    expect(await data('link_tickets', { ticket: other, kind: 'relates_to', other: number })).toEqual({ created: true });
    const third = (await data<TicketOut>('create_ticket', { title: 'Same VPN problem' })).ticket.number;
    const duplicate = (await data<TicketOut>('create_ticket', { title: 'VPN again' })).ticket.number;
    const merged = await data<{ merged: { status: string; mergedInto: string } }>('merge_tickets', {
      duplicate,
      survivor: third,
    });
    expect(merged.merged).toMatchObject({ status: 'merged', mergedInto: third });

    const full = await data<{
      ticket: { assignee: string; group: string };
      events: { kind: string; visibility: string }[];
      links: unknown[];
    }>('get_ticket', { ticket: number });
    expect(full.ticket).toMatchObject({ assignee: 'john.okafor', group: 'Network' });
    expect(full.events.map((e) => e.kind)).toEqual([
      'created',
      'field',
      'assignment',
      'reply',
      'note',
      'status',
      'status',
      'status',
      'link',
    ]);
    expect(full.events.find((e) => e.kind === 'note')?.visibility).toBe('internal');

    const mine = await data<{ tickets: { number: string }[] }>('search_tickets', {
      assignee: 'john.okafor',
      status: ['resolved'],
    });
    expect(mine.tickets.map((t) => t.number)).toEqual([number]);
  });

  it('finds similar tickets and suggests triage without changing anything', async () => {
    const similar = await data<{ likely_duplicates: { ticket: { number: string } }[]; past_resolutions: unknown[] }>(
      'find_similar_tickets',
      {
        text: 'vpn drops every ten minutes',
      },
    );
    expect(similar.likely_duplicates.length).toBeGreaterThan(0);
    const triage = await data<{ category: string | null; confidence: { category: number } }>('suggest_triage', {
      ticket: 'IT-000002',
    });
    expect(triage.confidence.category).toBeGreaterThanOrEqual(0);
    const bad = await call('find_similar_tickets', {});
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/Give a ticket number or a description/);
  });

  it('embeds a ticket when it is created, so a misspelt report finds it', async () => {
    const created = await data<TicketOut>('create_ticket', {
      title: 'Plotter in the drawing office smears toner',
      description: 'Every large print comes out with grey streaks',
    });
    const text = 'plottr smearz tonr';
    const similar = await data<{ likely_duplicates: { ticket: { number: string } }[] }>('find_similar_tickets', {
      text,
    });
    // Full text knows none of these words; the ticket's embedding (character trigrams) does.
    expect(similar.likely_duplicates[0]?.ticket.number).toBe(created.ticket.number);
    const triage = await data<{ priority: string; priority_cues: string[] }>('suggest_triage', {
      text: 'Nobody can print in the office and we cannot work',
    });
    expect(triage).toMatchObject({ priority: 'P1', priority_cues: ['nobody can', 'cannot work'] });
  });

  it('pages through search results with next_cursor', async () => {
    for (let i = 0; i < 5; i++) await data('create_ticket', { title: `Paging via MCP ${i}`, tags: ['mcp-paging'] });
    const first = await data<{ tickets: unknown[]; has_more: boolean; next_cursor: string }>('search_tickets', {
      tags: ['mcp-paging'],
      limit: 3,
    });
    expect(first).toMatchObject({ has_more: true });
    const second = await data<{ tickets: unknown[]; has_more: boolean; next_cursor: null }>('search_tickets', {
      tags: ['mcp-paging'],
      limit: 3,
      cursor: first.next_cursor,
    });
    expect(second.tickets).toHaveLength(2);
    expect(second).toMatchObject({ has_more: false, next_cursor: null });
  });

  it('counts matches over all pages and filters by creation date', async () => {
    const counted = await data<{ tickets: unknown[]; has_more: boolean; total: number }>('search_tickets', {
      tags: ['mcp-paging'],
      limit: 2,
      count: true,
    });
    expect(counted).toMatchObject({ has_more: true, total: 5 });
    expect(counted.tickets).toHaveLength(2);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const future = await data<{ total: number }>('search_tickets', {
      tags: ['mcp-paging'],
      created_after: tomorrow,
      count: true,
    });
    expect(future.total).toBe(0);
    const before = await data<{ total: number }>('search_tickets', {
      tags: ['mcp-paging'],
      created_before: tomorrow,
      count: true,
    });
    expect(before.total).toBe(5);
    const plain = await data<Record<string, unknown>>('search_tickets', { tags: ['mcp-paging'] });
    expect(plain).not.toHaveProperty('total');
  });

  it.each([
    // "IT-000001" is the ticket of the lifecycle test above: resolved by now.
    ['wrong types', 'search_knowledge', { query: 42 }, /query/],
    ['missing fields', 'create_ticket', { description: 'no title' }, /title/],
    ['oversize text', 'create_ticket', { title: 'x'.repeat(5_000) }, /title/],
    ['oversize reply', 'reply_to_ticket', { ticket: 'IT-000001', text: 'x'.repeat(20_001) }, /text/],
    ['an unknown ticket', 'get_ticket', { ticket: 'IT-987654' }, /There is no ticket IT-987654/],
    ['SQL in a ticket number', 'get_ticket', { ticket: "1'; DROP TABLE tickets; --" }, /not a ticket number/],
    ['an unknown article', 'get_article', { path: 'kb/nope.md' }, /no article/],
    ['a bad enum', 'search_tickets', { status: ['lost'] }, /status/],
    ['a date that is not one', 'search_tickets', { created_after: 'next blue moon' }, /created_after is not a date/],
    [
      'an unknown category',
      'create_ticket',
      { title: 'x', category: 'Plumbing' },
      /no category "Plumbing".*Known categories: .*Network\/VPN/s,
    ],
    ['a requester as assignee', 'assign_ticket', { ticket: 'IT-000001', assignee: 'ana.ruiz' }, /not a helpdesk agent/],
    [
      'a resolve without a code',
      'transition_ticket',
      { ticket: 'IT-000002', to: 'resolved' },
      /needs a resolution_code.*fixed, workaround/s,
    ],
    [
      'an invalid transition',
      'transition_ticket',
      { ticket: 'IT-000001', to: 'pending', reason: 'x' },
      /cannot go from resolved to pending.*can go to: closed, open/s,
    ],
    [
      'a stale version',
      'update_ticket',
      { ticket: 'IT-000001', expected_version: 999, title: 'x' },
      /changed since you read it.*retry with the new expected_version/s,
    ],
    ['a forged cursor', 'search_tickets', { cursor: 'abc' }, /cursor is not one this server gave out/],
    ['an empty note', 'add_internal_note', { ticket: 'IT-000002', text: '   ' }, /text/],
    [
      'a reply to an unknown ticket',
      'reply_to_ticket',
      { ticket: 'IT-999998', text: 'hello' },
      /There is no ticket IT-999998/,
    ],
    [
      'an unknown group',
      'assign_ticket',
      { ticket: 'IT-000002', group: 'Plumbers' },
      /no group "Plumbers".*Known groups:/s,
    ],
    [
      'a link to an unknown ticket',
      'link_tickets',
      { ticket: 'IT-000002', kind: 'relates_to', other: 'IT-999997' },
      /There is no ticket IT-999997/,
    ],
    ['an unknown link kind', 'link_tickets', { ticket: 'IT-000002', kind: 'blocks', other: 'IT-000001' }, /kind/],
    ['a merge into itself', 'merge_tickets', { duplicate: 'IT-000002', survivor: '#2' }, /with itself/],
    ['a bad role', 'list_users', { role: 'admin' }, /role/],
    ['an unknown status target', 'transition_ticket', { ticket: 'IT-000002', to: 'merged' }, /to/],
    ['an unknown tool', 'delete_everything', {}, /delete_everything/],
  ])('answers %s with an isError result that says what to fix', async (_case, name, args, message) => {
    const result = await call(name, args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
  });

  it('keeps serving after bad input, and stores SQL metacharacters as plain text', async () => {
    const title = "Robert'); DROP TABLE tickets; --";
    const created = await data<TicketOut>('create_ticket', { title });
    const got = await data<{ ticket: { title: string } }>('get_ticket', { ticket: created.ticket.number });
    expect(got.ticket.title).toBe(title);
  });

  it('attaches a file once per key, returns it byte for byte, and analyses a text log', async () => {
    const number = (await data<{ ticket: { number: string } }>('create_ticket', { title: 'Outlook crashes' })).ticket
      .number;
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    const args = { ticket: number, filename: '../../etc/dump.bin', content_base64: bytes.toString('base64') };
    const added = await data<{ attachment: { id: string; filename: string; contentType: string }; added: boolean }>(
      'add_attachment',
      { ...args, idempotency_key: 'mcp-test-attach-1' },
    );
    // Only the name is kept, never a path; the type is guessed from it.
    expect(added.attachment).toMatchObject({ filename: 'dump.bin', contentType: 'application/octet-stream' });
    const again = await data<{ attachment: { id: string }; added: boolean }>('add_attachment', {
      ...args,
      idempotency_key: 'mcp-test-attach-1',
    });
    expect(again).toMatchObject({ added: false, attachment: { id: added.attachment.id } });
    const reused = await call('add_attachment', {
      ...args,
      content_base64: 'AAAA',
      idempotency_key: 'mcp-test-attach-1',
    });
    expect(text(reused)).toMatch(/already used to attach dump\.bin/);
    // The bytes travel in the structured result only: the text copy describes the file.
    const got = await call('get_attachment', { ticket: number, id: added.attachment.id });
    const content = (got.structuredContent as { content_base64: string }).content_base64;
    expect(Buffer.from(content, 'base64').equals(bytes)).toBe(true);
    expect(text(got)).not.toContain(content);

    const log = await data<{ log_analysis: { signatures: { value: string }[] } }>('add_attachment', {
      ticket: number,
      filename: 'outlook.txt',
      content_base64: Buffer.from('Outlook failed with 0x8004010F\n').toString('base64'),
    });
    expect(log.log_analysis.signatures.map((s) => s.value)).toEqual(['0x8004010F']);
    const listed = await data<{ attachments: { filename: string }[] }>('list_attachments', { ticket: number });
    expect(listed.attachments.map((a) => a.filename)).toEqual(['dump.bin', 'outlook.txt']);
    const bad = await call('add_attachment', { ticket: number, filename: 'x.bin', content_base64: 'not base64!' });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/not valid base64/);
    const missing = await call('get_attachment', { ticket: number, id: '999999' });
    expect(text(missing)).toMatch(/has no attachment 999999\.\s+Its attachments: \d+ \(dump\.bin\)/);
  });
});

describe('itbot MCP server in read-only mode', () => {
  it('exposes only the tools that read', async () => {
    const client = await connect(['--read-only']);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS].sort());
      const result = (await client.callTool({ name: 'create_ticket', arguments: { title: 'nope' } })) as CallToolResult;
      expect(result.isError).toBe(true);
    } finally {
      await client.close();
    }
  });
});
