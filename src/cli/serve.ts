import fs from 'node:fs';
import { attachmentMaxBytes, resolveConfig } from '../config/index.js';
import { ConfigError, ExitCode, errorMessage, ItbotError, UsageError } from '../errors.js';
import { startFailurePath } from '../mcp/local-server.js';

export interface ServeCommandOptions {
  listen: string;
  local?: boolean;
  tokenFile?: string;
  allowNoAuth?: boolean;
  publicMetrics?: boolean;
  allowedHosts?: string;
  allowedOrigins?: string;
  /** Default: 1 MiB, or enough for the largest attachment in base64 plus its JSON-RPC envelope. */
  maxBody?: number;
  rate: number;
  maxCalls: number;
  idleTimeout?: number;
  shutdownGrace: number;
}

export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65_535) {
    throw new UsageError(`--listen must be HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080 (got "${value}").`);
  }
  const host = match[1] ?? (match[2] || '127.0.0.1');
  return { host, port };
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
  return items?.length ? items : undefined;
}

/**
 * `itbot serve`: the ticket and knowledge tools over MCP Streamable HTTP, for every itbot process
 * on this machine (`--local`, started on demand) or a whole team (tokens, behind a proxy).
 */
export async function serveCommand(options: ServeCommandOptions): Promise<number | undefined> {
  try {
    return await serve(options);
  } catch (error) {
    // A background server's starter cannot see its stderr: leave it the reason.
    if (options.local) {
      const config = resolveConfig();
      const failure =
        error instanceof ItbotError
          ? { message: error.message, hint: error.hint, exitCode: error.exitCode }
          : { message: `The background server failed: ${errorMessage(error)}`, exitCode: ExitCode.internal };
      fs.writeFileSync(startFailurePath(config.dataDir), JSON.stringify(failure), { mode: 0o600 });
    }
    throw error;
  }
}

async function serve(options: ServeCommandOptions): Promise<number | undefined> {
  const config = resolveConfig();
  if (options.local && config.databaseUrl) {
    throw new ConfigError('--local serves the embedded store; with DATABASE_URL run `itbot serve` without --local.');
  }
  const listen = options.local ? { host: '127.0.0.1', port: 0 } : parseListen(options.listen);
  const [{ serveHttp }, { readAcceptedTokens }] = await Promise.all([
    import('../../mcp-server/http/serve.js'),
    import('../../mcp-server/http/tokens.js'),
  ]);
  const tokens = options.local
    ? []
    : readAcceptedTokens(process.env.ITBOT_SERVER_TOKENS, options.tokenFile ?? process.env.ITBOT_SERVER_TOKEN_FILE);
  const idleSeconds = options.idleTimeout ?? (options.local ? config.serverIdleSeconds : undefined);
  const running = await serveHttp(config, {
    ...listen,
    local: options.local === true,
    tokens,
    allowNoAuth: options.allowNoAuth === true,
    metricsNeedToken: options.publicMetrics !== true,
    allowedHosts: list(options.allowedHosts),
    allowedOrigins: list(options.allowedOrigins) ?? [],
    maxBodyBytes: options.maxBody ?? Math.max(1_048_576, Math.ceil(attachmentMaxBytes() / 3) * 4 + 64 * 1024),
    requestsPerMinute: options.rate,
    maxConcurrentCalls: options.maxCalls,
    idleTimeoutMs: idleSeconds === undefined ? undefined : idleSeconds * 1000,
    shutdownGraceMs: options.shutdownGrace * 1000,
  });
  if (!running) return ExitCode.ok;

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    // A second signal means "now": in-flight calls roll back with their transactions.
    if (signals > 1) process.exit(signal === 'SIGINT' ? ExitCode.cancelled : 143);
    void running.shutdown(`received ${signal}`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Announced only once the signals are handled: a supervisor may send SIGTERM as soon as it reads this.
  if (!options.local)
    process.stderr.write(`itbot: serving MCP at ${running.url}/mcp (health: /healthz, /readyz, /metrics)\n`);
  // The terminal that started a background server may close; the server belongs to the data dir.
  if (options.local) process.on('SIGHUP', () => {});
  await running.closed;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  // Everything is closed; should a library still hold a handle, the server exits all the same.
  setTimeout(() => process.exit(process.exitCode ?? 0), 1_000).unref();
  return ExitCode.ok;
}
