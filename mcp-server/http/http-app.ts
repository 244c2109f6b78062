import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from 'pino';
import type { Cache } from '../../src/cache/index.js';
import { errorMessage } from '../../src/errors.js';
import type { Embedder } from '../../src/knowledge/index.js';
import { modelUsageNotificationSchema } from '../../src/mcp/model-usage.js';
import type { ReplicaStatus, Store } from '../../src/store/index.js';
import type { AuthorKind } from '../../src/tickets/index.js';
import { ITBOT_VERSION } from '../../src/version.js';
import { createItbotMcpServer } from '../server.js';
import type { ConcurrencyGate, RequestRateLimiter } from './limits.js';
import type { ServerMetrics } from './metrics.js';
import {
  BodyTooLargeError,
  calledTools,
  cleanUserName,
  hostAllowed,
  originAllowed,
  readBody,
  wantsProgress,
} from './request-checks.js';
import { type AcceptedToken, bearerToken, matchToken } from './tokens.js';

export interface HttpAppSettings {
  /** Tokens accepted; empty means no authentication (only allowed on loopback). */
  tokens: readonly AcceptedToken[];
  /** Whether /metrics needs a token too (when tokens are set). */
  metricsNeedToken: boolean;
  allowedHosts: readonly string[] | undefined;
  allowedOrigins: readonly string[];
  maxBodyBytes: number;
  /** Whether a client may index a directory it names (the local server: yes; a team server: no). */
  allowSourceDirs: boolean;
  /** The user recorded when neither the token nor the client names one. */
  defaultUser: string;
}

/** opening: the store is still starting; failed: it cannot be used (reason says why). */
export interface Readiness {
  state: 'opening' | 'ready' | 'failed';
  reason?: string;
  notes: string[];
  /** The read replica (DATABASE_READ_URL), when there is one: reported, never a reason to be unready. */
  replica?: ReplicaStatus;
}

export interface HttpAppContext {
  settings: HttpAppSettings;
  store: Promise<Store>;
  embedder: Embedder;
  cache: Cache;
  metrics: ServerMetrics;
  log: Logger;
  limiter: RequestRateLimiter;
  gate: ConcurrencyGate;
  /** Readiness: the store opened, reachable and migrated. */
  readiness: () => Promise<Readiness>;
  /** Called on every request that counts as use (the idle timer). */
  onActivity: () => void;
  /** False once shutdown began: new MCP requests are refused with 503. */
  accepting: () => boolean;
  /** Handles the owner's control requests (stop, retire), for the local server. */
  onControl?: (action: 'stop' | 'retire') => void;
}

type Route = '/mcp' | '/healthz' | '/readyz' | '/metrics' | '/control' | 'other';

function routeOf(url: string | undefined): Route {
  const pathname = (url ?? '/').split('?')[0];
  return pathname === '/mcp' ||
    pathname === '/healthz' ||
    pathname === '/readyz' ||
    pathname === '/metrics' ||
    pathname === '/control'
    ? pathname
    : 'other';
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A JSON-RPC error body, so MCP clients show the message instead of a bare status. */
function rpcError(code: number, message: string) {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

/**
 * The itbot server's HTTP front: MCP over Streamable HTTP at /mcp (stateless: every request gets
 * a fresh MCP server and transport, so any replica can answer any request), health, readiness
 * and metrics. Every refusal is a status and one line of text; no stack trace leaves the process.
 */
export function createHttpApp(context: HttpAppContext) {
  const { settings, metrics, log } = context;

  function authenticate(req: IncomingMessage): AcceptedToken | 'none' | undefined {
    if (settings.tokens.length === 0) return 'none';
    return matchToken(bearerToken(req.headers.authorization), settings.tokens);
  }

  async function handleMcp(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    token: AcceptedToken | 'none',
  ) {
    if (req.method !== 'POST') {
      // Stateless: no standalone SSE stream (GET) and no sessions to delete (DELETE).
      sendJson(res, 405, rpcError(-32000, 'Method not allowed: this server is stateless; POST JSON-RPC to /mcp.'), {
        allow: 'POST',
      });
      return;
    }
    if (!context.accepting()) {
      metrics.rejected.inc({ reason: 'shutting_down' });
      sendJson(res, 503, rpcError(-32000, 'The server is shutting down; try again in a moment.'), {
        'retry-after': '1',
      });
      return;
    }
    const rateKey = token === 'none' ? (req.socket.remoteAddress ?? 'anonymous') : token.label;
    // A background server's owner is the user (every terminal of theirs shares the owner secret):
    // request limits protect a shared server from its clients, not a user from their own chat.
    const waitMs = token !== 'none' && token.label === 'owner' ? 0 : await context.limiter.consume(rateKey);
    if (waitMs > 0) {
      metrics.rejected.inc({ reason: 'rate_limited' });
      const seconds = Math.ceil(waitMs / 1000);
      sendJson(res, 429, rpcError(-32000, `Too many requests: try again in ${seconds} s.`), {
        'retry-after': String(seconds),
      });
      return;
    }

    let body: unknown;
    try {
      const raw = await readBody(req, settings.maxBodyBytes);
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        metrics.rejected.inc({ reason: 'too_large' });
        sendJson(res, 413, rpcError(-32600, `Request body over ${settings.maxBodyBytes} bytes.`));
      } else {
        metrics.rejected.inc({ reason: 'malformed' });
        sendJson(res, 400, rpcError(-32700, 'Parse error: the body is not JSON.'));
      }
      return;
    }

    const tools = calledTools(body);
    const gated = tools.length > 0;
    if (gated && !context.gate.tryEnter()) {
      metrics.rejected.inc({ reason: 'busy' });
      sendJson(
        res,
        503,
        rpcError(-32000, `The server is busy (${context.gate.limit} tool calls running); try again in a moment.`),
        { 'retry-after': '1' },
      );
      return;
    }
    metrics.toolCallsInFlight.inc();
    const started = performance.now();
    const bound = token === 'none' ? undefined : token;
    const user = bound?.user ?? cleanUserName(req.headers['x-itbot-user']) ?? settings.defaultUser;
    const kind: AuthorKind = req.headers['x-itbot-actor-kind'] === 'agent' ? 'agent' : 'ai';
    const scope = bound?.scope ?? 'admin';
    const server = createItbotMcpServer({
      store: context.store,
      embedder: context.embedder,
      cache: context.cache,
      actor: { name: user, kind },
      readOnly: scope === 'read-only',
      // Admin jobs are for itbot's own commands (which say they act as the agent), never for a model.
      admin: scope === 'admin' && kind === 'agent' ? { allowSourceDirs: settings.allowSourceDirs } : undefined,
      version: ITBOT_VERSION,
      onToolCall: (call) => {
        metrics.observeToolCall(call);
        log.info(
          { requestId, tool: call.tool, outcome: call.outcome, ms: Math.round(call.seconds * 1000), user },
          'tool call',
        );
      },
    });
    server.server.setNotificationHandler(modelUsageNotificationSchema, ({ params }) =>
      metrics.observeModelCalls(params.calls),
    );
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: !wantsProgress(body),
    });
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (gated) context.gate.leave();
      metrics.toolCallsInFlight.dec();
      void transport.close().catch(() => {});
      void server.close().catch(() => {});
    };
    res.on('close', finish);
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (error) {
      log.error(
        { requestId, err: errorMessage(error), ms: Math.round(performance.now() - started) },
        'MCP request failed',
      );
      sendJson(res, 500, rpcError(-32603, 'Internal error in the itbot server (see its log).'));
      finish();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, route: Route): Promise<void> {
    const requestId = cleanUserName(req.headers['x-request-id']) ?? randomUUID();
    res.setHeader('x-request-id', requestId);
    if (route !== '/metrics') context.onActivity();

    if (route === '/healthz') {
      sendJson(res, 200, { status: 'ok', version: ITBOT_VERSION, pid: process.pid });
      return;
    }
    if (route === '/readyz') {
      const readiness = await context.readiness();
      sendJson(res, readiness.state === 'ready' ? 200 : 503, {
        status: readiness.state,
        ...(readiness.reason ? { reason: readiness.reason } : {}),
        notes: readiness.notes,
        ...(readiness.replica ? { replica: readiness.replica } : {}),
        version: ITBOT_VERSION,
      });
      return;
    }
    if (route === 'other') {
      sendJson(res, 404, { error: 'Not found. MCP is at /mcp; also /healthz, /readyz, /metrics.' });
      return;
    }
    if (!hostAllowed(req, settings.allowedHosts) || !originAllowed(req, settings.allowedOrigins)) {
      metrics.rejected.inc({ reason: 'forbidden_host' });
      sendJson(res, 403, { error: 'Forbidden: this Host or Origin is not allowed.' });
      return;
    }
    const token = authenticate(req);
    const needsToken = route !== '/metrics' || settings.metricsNeedToken;
    if (needsToken && !token) {
      metrics.rejected.inc({ reason: 'unauthorized' });
      sendJson(
        res,
        401,
        { error: 'Unauthorized: send a valid token as "Authorization: Bearer TOKEN".' },
        {
          'www-authenticate': 'Bearer',
        },
      );
      return;
    }
    if (route === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return;
    }
    if (route === '/control') {
      const action = new URL(req.url ?? '/', 'http://x').searchParams.get('action');
      if (
        req.method !== 'POST' ||
        (action !== 'stop' && action !== 'retire') ||
        !context.onControl ||
        token === undefined ||
        (token !== 'none' && token.scope !== 'admin')
      ) {
        sendJson(res, 400, { error: 'POST /control?action=stop|retire, with the owner token.' });
        return;
      }
      sendJson(res, 202, { status: action === 'stop' ? 'stopping' : 'retiring' });
      context.onControl(action);
      return;
    }
    await handleMcp(req, res, requestId, token ?? 'none');
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const route = routeOf(req.url);
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      metrics.httpRequests.inc({ route, method: req.method ?? '?', status: String(res.statusCode) });
      metrics.httpDuration.observe({ route }, seconds);
      if (route === '/healthz' || route === '/metrics') return;
      log.info(
        {
          requestId: res.getHeader('x-request-id'),
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
        },
        'request',
      );
    });
    try {
      await handle(req, res, route);
    } catch (error) {
      log.error({ err: errorMessage(error) }, 'request failed');
      sendJson(res, 500, { error: 'Internal error in the itbot server (see its log).' });
    }
  };
}
