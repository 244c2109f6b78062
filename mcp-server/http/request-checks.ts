import type { IncomingMessage } from 'node:http';

/** Host names that always mean this machine. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || host.startsWith('127.');
}

function hostName(hostHeader: string): string {
  // "[::1]:8080" → "[::1]"; "example.com:443" → "example.com".
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0] ?? hostHeader;
}

/**
 * DNS-rebinding defence: a web page that rebinds its name to 127.0.0.1 still sends its own name
 * as Host and its own Origin. A loopback server answers only loopback names; a team server the
 * names it was given (none given: any, since it sits behind a proxy that already chose).
 */
export function hostAllowed(req: IncomingMessage, allowedHosts: readonly string[] | undefined): boolean {
  const host = req.headers.host;
  if (!host) return false;
  if (!allowedHosts) return true;
  const name = hostName(host.toLowerCase());
  return allowedHosts.some((allowed) => allowed === name || allowed === host.toLowerCase());
}

/** Browsers send Origin; itbot and other non-browser clients do not. Only listed origins may. */
export function originAllowed(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  return origin === undefined || allowedOrigins.includes(origin);
}

export class BodyTooLargeError extends Error {}

/** Reads a request body up to `limit` bytes; past it the read stops and BodyTooLargeError is thrown. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

type JsonRpcMessage = { method?: unknown; params?: { name?: unknown; _meta?: { progressToken?: unknown } } };

function messages(body: unknown): JsonRpcMessage[] {
  const list = Array.isArray(body) ? body : [body];
  return list.filter((m): m is JsonRpcMessage => typeof m === 'object' && m !== null);
}

/** The tools a JSON-RPC body calls (a body may be a batch). */
export function calledTools(body: unknown): string[] {
  return messages(body)
    .filter((m) => m.method === 'tools/call')
    .map((m) => (typeof m.params?.name === 'string' ? m.params.name : '?'));
}

export function rpcMethods(body: unknown): string[] {
  return messages(body).map((m) => (typeof m.method === 'string' ? m.method : '?'));
}

/** Progress notifications need an SSE response; everything else is answered as plain JSON. */
export function wantsProgress(body: unknown): boolean {
  return messages(body).some((m) => m.params?._meta?.progressToken !== undefined);
}

/** A user name a trusted client may act as: a plain username, never markup or control characters. */
export function cleanUserName(value: string | string[] | undefined): string | undefined {
  const name = Array.isArray(value) ? value[0] : value;
  return name && /^[\w.@+-]{1,100}$/.test(name) ? name : undefined;
}
