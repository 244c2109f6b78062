import { resolveConfig } from '../config/index.js';
import { probeLocalServer, serverLogPath, stopLocalServer } from '../mcp/local-server.js';
import { ITBOT_VERSION } from '../version.js';

/** `itbot server status`: this data dir's background server, without starting one. */
export async function serverStatusCommand(options: { json?: boolean }): Promise<number> {
  const config = resolveConfig();
  const status = await probeLocalServer(config.dataDir);
  const running = status?.healthy === true;
  if (options.json) {
    const { token: _secret, ...record } = status?.record ?? { token: undefined };
    process.stdout.write(
      `${JSON.stringify({ running, dataDir: config.dataDir, ...(running ? record : {}), log: serverLogPath(config.dataDir) })}\n`,
    );
    return 0;
  }
  if (!running || !status) {
    process.stdout.write(`No background server for ${config.dataDir}. The next itbot command starts one.\n`);
    return 0;
  }
  const { record } = status;
  const outdated =
    record.version === ITBOT_VERSION ? '' : ` (this itbot is ${ITBOT_VERSION}: it will be replaced once idle)`;
  process.stdout.write(
    `Background server for ${config.dataDir}\n` +
      `  pid ${record.pid} · ${record.url} · version ${record.version}${outdated}\n` +
      `  since ${record.startedAt} · exits after ${record.idleTimeoutSeconds} s without a request\n` +
      `  log ${serverLogPath(config.dataDir)}\n`,
  );
  return 0;
}

/** `itbot server stop`: asks it to stop once its running calls finish, and waits for it. */
export async function serverStopCommand(): Promise<number> {
  const config = resolveConfig();
  const stopped = await stopLocalServer(config.dataDir);
  process.stdout.write(
    stopped ? 'Stopped the background server.\n' : `No background server was running for ${config.dataDir}.\n`,
  );
  return 0;
}
