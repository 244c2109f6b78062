import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ConfigError, errorMessage, ToolFailedError } from '../errors.js';
import type { AuthorKind } from '../tickets/index.js';
import { newClient, type TicketServerConnection, wrapClient } from './ticket-server-client.js';

export interface HttpConnectOptions {
  url: string;
  token: string | undefined;
  /** Who the calls act for (recorded on timelines unless the token names its own user). */
  user: string;
  /** "ai" for the agent's calls, "agent" for itbot's own commands (which may also run admin jobs). */
  actorKind: AuthorKind;
  /** How messages name this server, e.g. "ITBOT_SERVER_URL (https://itbot.example)". */
  describe: string;
  /** Give up on the handshake after this long. */
  connectTimeoutMs?: number;
  /** The server's pid, for a local server (health displays, tests). */
  pid?: number;
}

/** A busy (503) or rate-limited (429) answer is retried this many times: the call never ran. */
const BUSY_RETRIES = 4;
/** A 502/504 from a balancer, for a request that may be repeated, is retried this many times. */
const GATEWAY_RETRIES = 2;
/** A longer Retry-After than this is not waited for: the call fails with the server's message. */
const MAX_BUSY_WAIT_MS = 30_000;

function isUnreachable(error: unknown): boolean {
  const text = `${errorMessage(error)} ${errorMessage((error as { cause?: unknown })?.cause ?? '')}`;
  return /fetch failed|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|ETIMEDOUT|socket hang up|other side closed|UND_ERR/i.test(
    text,
  );
}

/** A refused connection means the request never left: even a write is safe to send again. */
function refused(error: unknown): boolean {
  return /ECONNREFUSED/.test(`${errorMessage(error)} ${errorMessage((error as { cause?: unknown })?.cause ?? '')}`);
}

export class ServerUnreachableError extends ToolFailedError {
  constructor(
    message: string,
    hint: string,
    /** False when the request certainly never reached the server (connection refused). */
    readonly mayHaveBeenDelivered: boolean,
  ) {
    super(message, hint);
  }
}

function httpStatus(error: unknown): number | undefined {
  const match = /HTTP (\d{3})/.exec(errorMessage(error));
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' && code >= 400 ? code : match ? Number(match[1]) : undefined;
}

/**
 * The SDK gives every request the transport's one AbortSignal, and undici keeps its listener on
 * it until the request is garbage-collected: a busy client (a load test, a day-long chat) piles
 * up thousands and Node warns of a leak. Each request gets a signal of its own, tied to the
 * transport's only while it can still matter: until a JSON answer has arrived (the SDK reads it
 * at once), or for the whole life of a stream (progress notifications), which must end on close.
 */
const MAX_REQUESTS_IN_FLIGHT = 1_000;

async function fetchWithOwnSignal(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
  const shared = init?.signal;
  if (!shared) return fetch(input, init);
  // One listener per request in flight, removed as soon as it is done: many at once is not a leak.
  setMaxListeners(MAX_REQUESTS_IN_FLIGHT, shared);
  const own = new AbortController();
  const follow = () => own.abort(shared.reason);
  if (shared.aborted) follow();
  else shared.addEventListener('abort', follow, { once: true });
  const unlink = () => shared.removeEventListener('abort', follow);
  try {
    const response = await fetch(input, { ...init, signal: own.signal });
    if (!response.headers.get('content-type')?.includes('text/event-stream')) unlink();
    return response;
  } catch (error) {
    unlink();
    throw error;
  }
}

/** Which requests may be sent again after a gateway error, given their JSON-RPC body. */
export type RepeatPolicy = (body: unknown) => boolean;

/**
 * A balancer answers 502/504 when the replica it chose died or hung with the call in hand: the
 * call may have run. Sending it again is safe only when running it twice changes nothing: tool
 * calls that only read (as the server's annotations say) or that carry an idempotency key, and
 * the protocol's own requests. Notifications are not repeated (a metric would count twice).
 */
export function repeatableRequests(readOnlyTools: ReadonlySet<string>): RepeatPolicy {
  return (body) =>
    (Array.isArray(body) ? body : [body]).every((message) => {
      const { method, params } = (message ?? {}) as { method?: unknown; params?: Record<string, unknown> };
      if (typeof method !== 'string' || method.startsWith('notifications/')) return false;
      if (method !== 'tools/call') return true;
      const args = params?.arguments as Record<string, unknown> | undefined;
      return readOnlyTools.has(String(params?.name)) || typeof args?.idempotency_key === 'string';
    });
}

function parsedBody(init: RequestInit | undefined): unknown {
  try {
    return typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * fetch that waits out a busy or rate-limited server (as its Retry-After says) instead of failing
 * the call: both answers come before the call runs, so even a write is safe to send again. A
 * gateway error (502/504) is retried only for requests `mayRepeat` allows.
 */
export function patientFetch(mayRepeat: RepeatPolicy = () => false): typeof fetch {
  return async (input, init) => {
    for (let attempt = 0, gatewayRetries = 0; ; attempt += 1) {
      const response = await fetchWithOwnSignal(input, init);
      const gatewayError = response.status === 502 || response.status === 504;
      if (gatewayError && gatewayRetries < GATEWAY_RETRIES && mayRepeat(parsedBody(init))) {
        gatewayRetries += 1;
        await response.body?.cancel().catch(() => {});
        await sleep(250 * gatewayRetries + Math.random() * 100, undefined, { signal: init?.signal ?? undefined });
        continue;
      }
      if ((response.status !== 503 && response.status !== 429) || attempt >= BUSY_RETRIES) return response;
      const retryAfter = Number(response.headers.get('retry-after'));
      const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 200 * 2 ** attempt;
      if (waitMs > MAX_BUSY_WAIT_MS) return response;
      await response.body?.cancel().catch(() => {});
      await sleep(waitMs + Math.random() * 100, undefined, { signal: init?.signal ?? undefined });
    }
  };
}

/** The MCP endpoint of a server URL: `/mcp` under its path, unless the URL already names it. */
export function mcpEndpoint(base: string, describe = base): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ConfigError(`${describe} is not a valid URL.`);
  }
  if (!url.pathname.endsWith('/mcp')) url.pathname = `${url.pathname.replace(/\/$/, '')}/mcp`;
  return url;
}

/** Connects to an itbot server (or any MCP server) over Streamable HTTP. */
export async function connectHttpTicketServer(options: HttpConnectOptions): Promise<TicketServerConnection> {
  const url = mcpEndpoint(options.url, options.describe);
  const headers: Record<string, string> = {
    'x-itbot-user': options.user,
    'x-itbot-actor-kind': options.actorKind,
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  // Filled in when the tools are listed: which calls only read, and so may be repeated.
  const readOnlyTools = new Set<string>();
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers },
    fetch: patientFetch(repeatableRequests(readOnlyTools)),
  });
  const client = newClient();

  const connectionError = (error: unknown): Error | undefined => {
    const status = httpStatus(error);
    if (status === 401 || status === 403) {
      return new ConfigError(
        `${options.describe} refused the token (HTTP ${status}).`,
        'Check ITBOT_SERVER_TOKEN (the server accepts the tokens in its ITBOT_SERVER_TOKENS).',
      );
    }
    if (isUnreachable(error)) {
      return new ServerUnreachableError(
        `Cannot reach ${options.describe}: ${errorMessage((error as { cause?: unknown }).cause ?? error)}.`,
        'Check that the server is running and the URL is right; `itbot doctor` checks both.',
        !refused(error),
      );
    }
    return undefined;
  };

  try {
    await client.connect(transport, { timeout: options.connectTimeoutMs ?? 10_000 });
  } catch (error) {
    await transport.close().catch(() => {});
    throw (
      connectionError(error) ??
      new ToolFailedError(`Could not talk to ${options.describe}: ${errorMessage(error)}`, 'Run `itbot doctor`.')
    );
  }
  return wrapClient(client, {
    pid: options.pid,
    connectionError,
    reportsModelUsage: true,
    onToolList: (tools) => {
      for (const tool of tools) if (!tool.changesData) readOnlyTools.add(tool.name);
    },
  });
}
