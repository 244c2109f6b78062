import type { ChildProcess } from 'node:child_process';
import type { ItbotConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { AuthorKind } from '../tickets/model.js';
import { spawnTicketServer } from './spawn.js';
import type { TicketServerConnection } from './ticket-server-client.js';

/**
 * How this process reaches the data:
 * - remote: a shared `itbot serve` (ITBOT_SERVER_URL), a team's;
 * - local: this data dir's background server, started on demand (the embedded store's default);
 * - child: a private server over stdio, for this process alone (DATABASE_URL, CI, or turned off).
 */
export type ServerMode = 'remote' | 'local' | 'child';

export interface ConnectItbotOptions {
  /** "ai" for the agent's calls; "agent" for itbot's own commands, which may also run admin jobs. */
  actorKind: AuthorKind;
  /** A private server's stderr (first-run notes, errors); 'pipe' lets the chat show it in its window. */
  stderr?: 'inherit' | 'ignore' | 'pipe';
  /** Start a new server when this one dies (default true; never for a remote one). */
  restart?: boolean;
  /** Told once what a server started for this call said on first run (e.g. that it created the store). */
  notice?: (line: string) => void;
}

export function serverMode(config: ItbotConfig): ServerMode {
  if (config.serverUrl) return 'remote';
  if (!config.databaseUrl && config.backgroundServer) return 'local';
  return 'child';
}

/** Environment for a private stdio server acting for itbot's own commands. */
function childEnv(actorKind: AuthorKind): NodeJS.ProcessEnv {
  return { ...process.env, ITBOT_ACTOR_KIND: actorKind };
}

/**
 * Connects to wherever this process's data lives. Light on purpose: a private server is spawned
 * before the MCP SDK loads, so the database starts while the rest of itbot loads.
 */
export async function connectItbotServer(
  config: ItbotConfig,
  options: ConnectItbotOptions,
): Promise<TicketServerConnection> {
  const mode = serverMode(config);
  // A server of ours would fail to start over this; say what is wrong instead of "could not start".
  if (mode !== 'remote' && config.embedder === 'gemini' && !config.geminiApiKey) {
    throw new ConfigError(
      'ITBOT_EMBEDDER=gemini needs a Gemini API key.',
      'Set GEMINI_API_KEY, or unset ITBOT_EMBEDDER.',
    );
  }
  if (mode === 'child') {
    const child: ChildProcess = spawnTicketServer({ env: childEnv(options.actorKind), stderr: options.stderr });
    const { connectTicketServer } = await import('./ticket-server-client.js');
    return connectTicketServer({
      child,
      env: childEnv(options.actorKind),
      stderr: options.stderr,
      restart: options.restart,
    });
  }

  const { connectHttpTicketServer } = await import('./http-connection.js');
  if (mode === 'remote') {
    const url = config.serverUrl as string;
    return connectHttpTicketServer({
      url,
      token: config.serverToken,
      user: config.user,
      actorKind: options.actorKind,
      describe: `ITBOT_SERVER_URL (${url})`,
      connectTimeoutMs: 5_000,
    });
  }

  const [{ ensureLocalServer }, { withRestarts }, { announceFirstRun }] = await Promise.all([
    import('./local-server.js'),
    import('./restarting-connection.js'),
    import('./first-run-notes.js'),
  ]);
  const connectLocal = async () => {
    const server = await ensureLocalServer(config);
    if (server.started && options.notice) await announceFirstRun(server.url, options.notice);
    return connectHttpTicketServer({
      url: server.url,
      token: server.token,
      user: config.user,
      actorKind: options.actorKind,
      describe: 'the background itbot server',
      pid: server.pid,
    });
  };
  const first = await connectLocal();
  return options.restart === false ? first : withRestarts(first, connectLocal);
}
