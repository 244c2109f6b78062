import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, serveHttp } from '../mcp-server/http/serve.js';
import { readAcceptedTokens } from '../mcp-server/http/tokens.js';
import { makeSeededDataDir, testConfig } from './helpers/data-dir.js';

// `itbot serve` in this process on a copy of the prepared database: every request below is real
// HTTP to 127.0.0.1 through the real MCP SDK (client and server).
const ADMIN = 'admin-token-0123456789abcdef';
const READER = 'reader-token-0123456789abcdef';
const WRITER = 'writer-token-0123456789abcdef';

describe('itbot serve over HTTP', () => {
  let dataDir: string;
  let cleanup: () => void;
  let server: RunningServer;
  const logLines: string[] = [];

  beforeAll(async () => {
    ({ dir: dataDir, cleanup } = makeSeededDataDir());
    const logger = pino({ base: null }, { write: (line: string) => logLines.push(line) });
    server = (await serveHttp(testConfig({ dataDir }), {
      host: '127.0.0.1',
      port: 0,
      local: false,
      tokens: readAcceptedTokens(`${ADMIN}:admin,${READER}:read-only,${WRITER} user=maria.lopez`, undefined),
      allowNoAuth: false,
      metricsNeedToken: true,
      allowedOrigins: [],
      maxBodyBytes: 64 * 1024,
      requestsPerMinute: 10_000,
      maxConcurrentCalls: 8,
      shutdownGraceMs: 2_000,
      logger,
    })) as RunningServer;
  });
  afterAll(async () => {
    await server?.shutdown('test over');
    cleanup?.();
  });

  async function connect(token: string | undefined, headers: Record<string, string> = {}): Promise<Client> {
    const client = new Client({ name: 'test', version: '1' });
    const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
        requestInit: { headers: { ...auth, ...headers } },
      }),
    );
    return client;
  }

  const post = (body: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(`${server.url}/mcp`, {
      signal,
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body,
    });

  it('answers health and readiness without a token', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', pid: process.pid });
    const deadline = Date.now() + 20_000;
    let ready = await fetch(`${server.url}/readyz`);
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await fetch(`${server.url}/readyz`);
    }
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('lists the same 25 tools to a model-side client, and runs them', async () => {
    const client = await connect(WRITER);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(25);
    const result = await client.callTool({ name: 'search_knowledge', arguments: { query: 'vpn error 809' } });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toMatch(/vpn/i);
    await client.close();
  });

  it('records the token owner on the timeline, whatever the client claims', async () => {
    const client = await connect(WRITER, { 'x-itbot-user': 'someone.else' });
    const created = await client.callTool({
      name: 'create_ticket',
      arguments: { title: 'Monitor flickers after docking' },
    });
    expect(created.isError).toBeFalsy();
    const ticket = (created.structuredContent as { ticket: { requester: string } }).ticket;
    expect(ticket.requester).toBe('maria.lopez');
    await client.close();
  });

  it('offers admin jobs only to an admin token acting for itbot commands', async () => {
    const admin = await connect(ADMIN, { 'x-itbot-actor-kind': 'agent' });
    const names = (await admin.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['reindex_knowledge_base', 'seed_sample_company', 'migrate_store']));
    await admin.close();
    const modelSide = await connect(ADMIN);
    expect((await modelSide.listTools()).tools).toHaveLength(25);
    await modelSide.close();
    const writer = await connect(WRITER, { 'x-itbot-actor-kind': 'agent' });
    expect((await writer.listTools()).tools.map((t) => t.name)).not.toContain('reindex_knowledge_base');
    await writer.close();
  });

  it('gives a read-only token only the tools that read', async () => {
    const client = await connect(READER);
    const tools = (await client.listTools()).tools;
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    const write = await client.callTool({ name: 'create_ticket', arguments: { title: 'should not exist' } });
    expect(write.isError).toBe(true);
    await client.close();
  });

  it('a client that disconnects mid-call leaves each ticket whole or absent, never half written', async () => {
    const body = (n: number) =>
      JSON.stringify({
        jsonrpc: '2.0',
        id: n,
        method: 'tools/call',
        params: { name: 'create_ticket', arguments: { title: `cut off mid-call ${n}` } },
      });
    // Ten creates, each abandoned at a different moment (some before the server has read them).
    await Promise.all(
      Array.from({ length: 10 }, async (_, n) => {
        const abort = new AbortController();
        setTimeout(() => abort.abort(), n * 5);
        await post(body(n), { authorization: `Bearer ${WRITER}` }, abort.signal).catch(() => undefined);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const client = await connect(ADMIN);
    const found = await client.callTool({
      name: 'search_tickets',
      arguments: { text: 'cut off mid-call', limit: 50 },
    });
    const tickets = (found.structuredContent as { tickets: { number: string; title: string }[] }).tickets;
    expect(new Set(tickets.map((t) => t.title)).size).toBe(tickets.length);
    for (const ticket of tickets) {
      const details = await client.callTool({ name: 'get_ticket', arguments: { ticket: ticket.number } });
      const events = (details.structuredContent as { events: { kind: string }[] }).events;
      expect(events[0]?.kind).toBe('created');
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await client.close();
  });

  it('refuses a missing or wrong token with 401 and one line', async () => {
    const none = await fetch(`${server.url}/mcp`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await post('{}', { authorization: 'Bearer not-the-right-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/^Unauthorized/);
  });

  it('refuses foreign Host and Origin headers (DNS rebinding) with 403', async () => {
    const origin = await post('{}', { origin: 'http://evil.example' });
    expect(origin.status).toBe(403);
    // fetch cannot fake Host; a raw request can.
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(server.url);
      const req = http.request(
        { host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers: { host: 'evil.example' } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('answers malformed JSON with -32700 and an oversized body with 413, and stays up', async () => {
    const malformed = await post('{"jsonrpc": "2.0", "method": ');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const huge = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(100_000) } }),
    );
    expect(huge.status).toBe(413);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('refuses GET and DELETE on /mcp (stateless: no streams, no sessions)', async () => {
    const get = await fetch(`${server.url}/mcp`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(get.status).toBe(405);
  });

  it('serves Prometheus metrics behind the token, with tool calls counted by tool and outcome', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const text = await metrics.text();
    expect(text).toMatch(/itbot_tool_calls_total\{tool="search_knowledge",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/itbot_tool_call_duration_seconds_bucket\{le="0.5",tool="search_knowledge"\}/);
    expect(text).toMatch(/itbot_knowledge_search_duration_seconds_count [1-9]/);
    expect(text).toMatch(/itbot_http_rejected_requests_total\{reason="unauthorized"\} [1-9]/);
    expect(text).toMatch(/itbot_cache_requests_total\{result="miss"\}/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });

  it('logs one JSON line per request and per tool call, never a token', () => {
    const lines = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.some((l) => l.msg === 'tool call' && l.tool === 'search_knowledge' && l.outcome === 'ok')).toBe(true);
    expect(lines.some((l) => l.msg === 'request' && l.status === 401)).toBe(true);
    expect(lines.every((l) => typeof l.requestId === 'string' || l.msg !== 'request')).toBe(true);
    const all = logLines.join('');
    for (const secret of [ADMIN, READER, WRITER]) expect(all).not.toContain(secret);
  });
});

describe('itbot serve refuses unsafe settings', () => {
  it('will not listen beyond loopback without a token', async () => {
    await expect(
      serveHttp(testConfig(), {
        host: '0.0.0.0',
        port: 0,
        local: false,
        tokens: [],
        allowNoAuth: false,
        metricsNeedToken: true,
        allowedOrigins: [],
        maxBodyBytes: 1024,
        requestsPerMinute: 10,
        maxConcurrentCalls: 1,
        shutdownGraceMs: 100,
        logger: pino({ enabled: false }),
      }),
    ).rejects.toThrow(/without a token/);
  });

  it('rejects short tokens and unknown scope words', () => {
    expect(() => readAcceptedTokens('short', undefined)).toThrow(/shorter than 16/);
    expect(() => readAcceptedTokens('a-long-enough-token-123:superuser', undefined)).toThrow(
      /Unknown word "superuser"/,
    );
  });
});

describe('the HTTP front under load', () => {
  it('refuses tool calls past the concurrency bound with 503 and Retry-After, and rate-limits per token', async () => {
    const http = await import('node:http');
    const { createHttpApp } = await import('../mcp-server/http/http-app.js');
    const { ConcurrencyGate, createRequestRateLimiter } = await import('../mcp-server/http/limits.js');
    const { ServerMetrics } = await import('../mcp-server/http/metrics.js');
    const { createHashedEmbedder } = await import('../src/knowledge/index.js');
    const gate = new ConcurrencyGate(1);
    const limiter = createRequestRateLimiter({ requestsPerMinute: 5 }, () => {});
    const app = createHttpApp({
      settings: {
        tokens: [],
        metricsNeedToken: false,
        allowedHosts: undefined,
        allowedOrigins: [],
        maxBodyBytes: 10_000,
        allowSourceDirs: false,
        defaultUser: 'test.user',
      },
      // A store that never opens: a tool call waits on it, holding its place.
      store: new Promise(() => {}),
      embedder: createHashedEmbedder(),
      cache: { kind: 'memory', get: async () => undefined, set: async () => {}, close: async () => {} },
      metrics: new ServerMetrics('test', () => undefined),
      log: pino({ enabled: false }),
      limiter,
      gate,
      readiness: async () => ({ state: 'opening', notes: [] }),
      onActivity: () => {},
      accepting: () => true,
    });
    const server = http.createServer((req, res) => void app(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const call = (signal?: AbortSignal) =>
      fetch(`http://127.0.0.1:${port}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'get_ticket', arguments: { ticket: 'IT-1' } },
        }),
        signal,
      });
    try {
      const holder = new AbortController();
      const first = call(holder.signal).catch(() => undefined);
      while (gate.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const busy = await call();
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(((await busy.json()) as { error: { message: string } }).error.message).toMatch(/busy/);
      holder.abort();
      await first;
      // 5 a minute: the first two used two, three more pass, the sixth is refused.
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const controller = new AbortController();
        const response = await Promise.race([
          call(controller.signal).then((r) => r.status),
          new Promise<number>((resolve) => setTimeout(() => resolve(0), 300)),
        ]);
        controller.abort();
        statuses.push(response);
        while (gate.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(statuses.at(-1)).toBe(429);
    } finally {
      server.closeAllConnections();
      server.close();
      await limiter.close();
    }
  });
});
