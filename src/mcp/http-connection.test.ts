import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientFetch, repeatableRequests } from './http-connection.js';

const call = (name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name, arguments: args },
});

describe('repeatableRequests', () => {
  const mayRepeat = repeatableRequests(new Set(['search_knowledge', 'get_ticket']));
  it('repeats reads, keyed writes and protocol requests, never an unkeyed write or a notification', () => {
    expect(mayRepeat(call('search_knowledge', { query: 'vpn' }))).toBe(true);
    expect(mayRepeat(call('create_ticket', { title: 'x', idempotency_key: 'k1' }))).toBe(true);
    expect(mayRepeat({ jsonrpc: '2.0', id: 2, method: 'tools/list' })).toBe(true);
    expect(mayRepeat(call('update_ticket', { ticket: 'IT-000001', title: 'x' }))).toBe(false);
    expect(mayRepeat({ jsonrpc: '2.0', method: 'notifications/itbot/model_usage', params: {} })).toBe(false);
    expect(mayRepeat([call('get_ticket'), call('update_ticket')])).toBe(false);
    expect(mayRepeat(undefined)).toBe(false);
  });
});

describe('patientFetch and a balancer answering 502', () => {
  let server: http.Server;
  let url = '';
  const seen: string[] = [];
  let failuresLeft = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push(body);
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          res.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (body: unknown) =>
    patientFetch(repeatableRequests(new Set(['search_knowledge'])))(url, {
      method: 'POST',
      body: JSON.stringify(body),
    });

  it('sends a read again, and it succeeds', async () => {
    seen.length = 0;
    failuresLeft = 2;
    expect((await post(call('search_knowledge', { query: 'vpn' }))).status).toBe(200);
    expect(seen).toHaveLength(3);
  });

  it('hands an unkeyed write the 502, sent once: it may have run', async () => {
    seen.length = 0;
    failuresLeft = 1;
    expect((await post(call('update_ticket', { ticket: 'IT-000001' }))).status).toBe(502);
    expect(seen).toHaveLength(1);
  });

  it('gives up on a read after two more tries', async () => {
    seen.length = 0;
    failuresLeft = 5;
    expect((await post(call('search_knowledge', { query: 'vpn' }))).status).toBe(502);
    expect(seen).toHaveLength(3);
  });
});
