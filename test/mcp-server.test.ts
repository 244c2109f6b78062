import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPaths } from '../src/paths.js';
import { makeSeededDataDir } from './helpers/data-dir.js';

// The real server as a child process over a real stdio pipe, driven by the SDK's own client.
let client: Client;
let cleanup: () => void;

beforeAll(async () => {
  const data = makeSeededDataDir();
  cleanup = data.cleanup;
  client = new Client({ name: 'itbot-test', version: '0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [bundledPaths.mcpServerEntry()],
      env: { PATH: process.env.PATH ?? '', ITBOT_DATA_DIR: data.dir, ITBOT_USER: 'mcp.tester' },
      stderr: 'ignore',
    }),
  );
});

afterAll(async () => {
  await client.close();
  cleanup();
});

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

describe('itbot MCP server over stdio', () => {
  it('declares its tools with schemas, output schemas and honest annotations', async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(byName).sort()).toEqual([
      'create_ticket',
      'get_article',
      'get_ticket',
      'list_tickets',
      'search_knowledge',
    ]);
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(20);
      expect(tool.outputSchema, tool.name).toBeDefined();
      for (const [field, schema] of Object.entries(
        (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>,
      )) {
        expect(schema.description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
    expect(byName.create_ticket?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: false });
    for (const name of ['search_knowledge', 'get_article', 'get_ticket', 'list_tickets']) {
      expect(byName[name]?.annotations, name).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    }
  });

  it('searches the knowledge base and returns ranked, structured hits (and the same JSON as text)', async () => {
    const result = await call('search_knowledge', { query: 'my print job is stuck in the queue', limit: 3 });
    expect(result.isError).toBeFalsy();
    const { results } = result.structuredContent as {
      results: { path: string; title: string; heading: string; score: number }[];
    };
    expect(results).toHaveLength(3);
    expect(results[0]?.path).toBe('kb/printing/print-job-stuck-in-queue.md');
    expect(JSON.parse(text(result))).toEqual(result.structuredContent);
  });

  it('reads a whole article by the path search returned', async () => {
    const result = await call('get_article', { path: 'kb/printing/print-job-stuck-in-queue.md' });
    const article = result.structuredContent as { title: string; sections: { heading: string }[] };
    expect(article.title).toBe('Print job stuck in the queue');
    expect(article.sections.length).toBeGreaterThan(2);
  });

  it('creates, gets and lists tickets for the default requester', async () => {
    const created = await call('create_ticket', {
      title: 'Headset crackles',
      description: 'Jabra, left ear',
      priority: 'P4',
    });
    const { ticket } = created.structuredContent as { ticket: { number: string; requester: string } };
    expect(ticket).toMatchObject({ requester: 'mcp.tester' });
    const got = await call('get_ticket', { ticket: `#${Number(ticket.number.slice(3))}` });
    expect((got.structuredContent as { ticket: { title: string } }).ticket.title).toBe('Headset crackles');
    const listed = await call('list_tickets', {});
    expect((listed.structuredContent as { tickets: { number: string }[] }).tickets.map((t) => t.number)).toContain(
      ticket.number,
    );
  });

  it('does not duplicate a create retried with the same idempotency key', async () => {
    const args = { title: 'Badge reader dead', idempotency_key: 'test-idempotency-0001' };
    const first = (await call('create_ticket', args)).structuredContent as {
      ticket: { number: string };
      created: boolean;
    };
    const second = (await call('create_ticket', args)).structuredContent as {
      ticket: { number: string };
      created: boolean;
    };
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
  });

  it.each([
    ['wrong types', 'search_knowledge', { query: 42 }, /query/],
    ['missing fields', 'create_ticket', { description: 'no title' }, /title/],
    ['huge strings', 'create_ticket', { title: 'x'.repeat(5_000) }, /title/],
    ['unknown ticket', 'get_ticket', { ticket: 'IT-987654' }, /There is no ticket IT-987654/],
    ['not a ticket number', 'get_ticket', { ticket: 'DROP TABLE tickets' }, /not a ticket number/],
    ['unknown article', 'get_article', { path: 'kb/nope.md' }, /no article/],
    ['bad enum', 'list_tickets', { status: ['lost'] }, /status/],
    ['unknown tool', 'delete_everything', {}, /delete_everything/],
  ])('answers %s with an isError result that says what to fix', async (_case, name, args, message) => {
    const result = await call(name, args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
  });

  it('keeps serving after bad input', async () => {
    const result = await call('search_knowledge', { query: 'vpn' });
    expect(result.isError).toBeFalsy();
  });

  it('stores SQL metacharacters as plain text', async () => {
    const title = "Robert'); DROP TABLE tickets; --";
    const created = (await call('create_ticket', { title })).structuredContent as { ticket: { number: string } };
    const got = (await call('get_ticket', { ticket: created.ticket.number })).structuredContent as {
      ticket: { title: string };
    };
    expect(got.ticket.title).toBe(title);
  });
});
