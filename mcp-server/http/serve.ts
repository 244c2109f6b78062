import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pino, { type Logger } from 'pino';
import { createEmbedder, openReadyStore } from '../../src/bootstrap.js';
import { createCache } from '../../src/cache/index.js';
import type { ItbotConfig } from '../../src/config/index.js';
import { ConfigError, errorMessage, StoreError } from '../../src/errors.js';
import { serverSettingsFingerprint } from '../../src/mcp/local-server.js';
import {
  readLocalServerRecord,
  removeLocalServerRecord,
  writeLocalServerRecord,
} from '../../src/mcp/local-server-record.js';
import {
  acquireDataDirLock,
  type DataDirLock,
  isEmbedded,
  isProcessAlive,
  type Store,
  yieldingStore,
} from '../../src/store/index.js';
import { ITBOT_VERSION } from '../../src/version.js';
import { createHttpApp } from './http-app.js';
import { ConcurrencyGate, createRequestRateLimiter } from './limits.js';
import { ServerMetrics } from './metrics.js';
import { isLoopbackHost } from './request-checks.js';
import { type AcceptedToken, ownerToken } from './tokens.js';

export interface ServeHttpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The data dir's background server: loopback, an owner secret, a record file, idle exit. */
  local: boolean;
  tokens: AcceptedToken[];
  /** Listen beyond loopback without tokens: only when the operator says so. */
  allowNoAuth: boolean;
  metricsNeedToken: boolean;
  allowedHosts?: string[];
  allowedOrigins: string[];
  maxBodyBytes: number;
  requestsPerMinute: number;
  maxConcurrentCalls: number;
  /** Exit after this long without a request (the local server); undefined: never. */
  idleTimeoutMs?: number;
  /** How long in-flight calls get to finish on shutdown. */
  shutdownGraceMs: number;
  /** Where JSON logs go (stdout by default). */
  logger?: Logger;
}

export interface RunningServer {
  readonly url: string;
  readonly pid: number;
  /** Stops accepting, lets running calls finish (bounded), closes the store. */
  shutdown(reason: string): Promise<void>;
  /** Resolves once the server has shut down, however it was asked to. */
  readonly closed: Promise<void>;
}

/**
 * The data dir's lock, taken before listening so that of two servers started at once for one
 * data dir exactly one serves. The other sees the winner's record and bows out.
 */
async function lockForLocalServer(config: ItbotConfig, log: Logger): Promise<DataDirLock | 'already-served'> {
  const deadline = Date.now() + config.storeLockWaitMs;
  for (;;) {
    try {
      return await acquireDataDirLock(config.dataDir, { purpose: 'itbot serve (background)', waitMs: 0 });
    } catch (error) {
      const record = readLocalServerRecord(config.dataDir);
      if (
        record &&
        record.version === ITBOT_VERSION &&
        record.settings === serverSettingsFingerprint(config) &&
        isProcessAlive(record.pid)
      ) {
        log.info({ pid: record.pid }, 'another background server already serves this data dir');
        return 'already-served';
      }
      if (Date.now() >= deadline) throw error;
      await sleep(100);
    }
  }
}

function validate(options: ServeHttpOptions): void {
  if (!isLoopbackHost(options.host) && options.tokens.length === 0 && !options.allowNoAuth) {
    throw new ConfigError(
      `Refusing to listen on ${options.host} without a token: anyone who can reach it could read and change tickets.`,
      'Set ITBOT_SERVER_TOKENS (or --token-file), or pass --allow-no-auth if a proxy in front authenticates.',
    );
  }
}

export async function serveHttp(config: ItbotConfig, options: ServeHttpOptions): Promise<RunningServer | undefined> {
  validate(options);
  const log = options.logger ?? pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });

  let lock: DataDirLock | undefined;
  let tokens = options.tokens;
  let secret: string | undefined;
  if (options.local) {
    const taken = await lockForLocalServer(config, log);
    if (taken === 'already-served') return undefined;
    lock = taken;
    secret = randomBytes(32).toString('hex');
    tokens = [ownerToken(secret), ...tokens];
  }

  const notes: string[] = [];
  let store: Store | undefined;
  let storeFailure: unknown;
  // The embedded store shares this thread with every request: see yieldingStore.
  const storePromise = openReadyStore(config, {
    purpose: options.local ? 'itbot serve (background)' : 'itbot serve',
    log: (line) => {
      notes.push(line);
      log.info(line);
    },
    lock,
    onReadFallback: (reason, error) =>
      log.warn({ reason, err: errorMessage(error) }, 'a lag-tolerant read ran on the primary: the replica failed it'),
  }).then((opened) => (isEmbedded(opened) ? yieldingStore(opened) : opened));
  storePromise.then(
    (opened) => {
      store = opened;
    },
    (error: unknown) => {
      storeFailure = error;
      log.error({ err: errorMessage(error) }, 'cannot open the store');
    },
  );

  const metrics = new ServerMetrics(
    ITBOT_VERSION,
    () => store?.poolStats?.(),
    () => store?.readFallbacks?.(),
  );
  const cache = createCache({
    redisUrl: config.redisUrl,
    namespace: 'itbot',
    warn: (message) => log.warn(message),
  });
  const embedder = createEmbedder(config);
  const limiter = createRequestRateLimiter(
    { requestsPerMinute: options.requestsPerMinute, redisUrl: config.redisUrl },
    (message) => log.warn(message),
  );
  const gate = new ConcurrencyGate(options.maxConcurrentCalls);
  let accepting = true;
  let lastActivity = Date.now();
  let shutdownStarted: Promise<void> | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const app = createHttpApp({
    settings: {
      tokens,
      metricsNeedToken: options.metricsNeedToken && tokens.length > 0,
      allowedHosts:
        options.allowedHosts ?? (isLoopbackHost(options.host) ? ['localhost', '127.0.0.1', '[::1]'] : undefined),
      allowedOrigins: options.allowedOrigins,
      maxBodyBytes: options.maxBodyBytes,
      allowSourceDirs: options.local || isLoopbackHost(options.host),
      defaultUser: config.user,
    },
    store: storePromise,
    embedder,
    cache: metrics.countingCache(cache),
    metrics,
    log,
    limiter,
    gate,
    readiness: async () => {
      if (storeFailure) return { state: 'failed', reason: errorMessage(storeFailure), notes };
      if (!store) return { state: 'opening', notes };
      try {
        await Promise.race([
          store.query('SELECT 1'),
          sleep(2_000).then(() => {
            throw new StoreError('the store did not answer within 2 s');
          }),
        ]);
        // Only the primary decides readiness: reads fall back to it when the replica is down.
        const replica = await store.replicaStatus?.();
        return { state: 'ready', notes, ...(replica ? { replica } : {}) };
      } catch (error) {
        return { state: 'failed', reason: errorMessage(error), notes };
      }
    },
    onActivity: () => {
      lastActivity = Date.now();
    },
    accepting: () => accepting,
    onControl: () => void shutdown('asked by its owner'),
  });

  // Every request in progress, not only tool calls: the idle timer and shutdown wait for them.
  let requestsInFlight = 0;
  const server = http.createServer((req, res) => {
    requestsInFlight += 1;
    res.on('close', () => {
      requestsInFlight -= 1;
      lastActivity = Date.now();
    });
    void app(req, res);
  });
  // Keep-alive sockets of idle clients must not hold a shutdown open.
  server.keepAliveTimeout = 5_000;
  storePromise.catch(() => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  }).catch(async (error: unknown) => {
    await storePromise.then((s) => s.close()).catch(() => {});
    lock?.release();
    throw new ConfigError(`Cannot listen on ${options.host}:${options.port}: ${errorMessage(error)}`);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  if (options.local && secret) {
    writeLocalServerRecord({
      version: ITBOT_VERSION,
      pid: process.pid,
      url,
      token: secret,
      dataDir: config.dataDir,
      startedAt: new Date().toISOString(),
      settings: serverSettingsFingerprint(config),
      idleTimeoutSeconds: Math.round((options.idleTimeoutMs ?? 0) / 1000),
    });
  }
  log.info({ url, version: ITBOT_VERSION, local: options.local, tokens: tokens.length }, 'itbot serve listening');

  const idleCheck =
    options.idleTimeoutMs === undefined
      ? undefined
      : setInterval(
          () => {
            const quiet = requestsInFlight === 0 && (store !== undefined || storeFailure !== undefined);
            if (quiet && Date.now() - lastActivity >= (options.idleTimeoutMs ?? 0)) {
              void shutdown('idle');
            }
          },
          Math.min(30_000, Math.max(200, (options.idleTimeoutMs ?? 0) / 4)),
        );
  idleCheck?.unref();

  // A local server whose store cannot open is no use to anyone: it says why, then goes.
  if (options.local) {
    storePromise.catch(() => {
      setTimeout(() => void shutdown('the store could not be opened'), 2_000).unref();
    });
  }

  async function shutdown(reason: string): Promise<void> {
    shutdownStarted ??= (async () => {
      log.info({ reason }, 'shutting down');
      accepting = false;
      if (options.local) removeLocalServerRecord(config.dataDir, process.pid);
      server.close();
      server.closeIdleConnections();
      const deadline = Date.now() + options.shutdownGraceMs;
      while (requestsInFlight > 0 && Date.now() < deadline) await sleep(25);
      server.closeAllConnections();
      clearInterval(idleCheck);
      await Promise.allSettled([storePromise.then((s) => s.close()), cache.close(), limiter.close(), embedder.close()]);
      lock?.release();
      log.info({ reason }, 'stopped');
      resolveClosed();
    })();
    return shutdownStarted;
  }

  return { url, pid: process.pid, shutdown, closed };
}
