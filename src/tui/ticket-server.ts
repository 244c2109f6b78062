import type { ChildProcess } from 'node:child_process';
import type { ToolDeclaration } from '../agent/index.js';
import type { ItbotConfig } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { serverMode } from '../mcp/connect.js';
import type { TicketServerConnection } from '../mcp/index.js';
import { spawnTicketServer } from '../mcp/spawn.js';

/**
 * A shared server exits after a while without requests; an open chat is a user, so it says so
 * now and then even while nobody types.
 */
const HEARTBEAT_MS = 60_000;

export type McpHealth = { state: 'starting' } | { state: 'ready'; tools: number } | { state: 'down'; reason: string };

export interface ReadyServer {
  connection: TicketServerConnection;
  tools: ToolDeclaration[];
}

/**
 * The MCP ticket server behind the chat: started in the background so the prompt is usable at
 * once, watched so the status line can say when it died, and started again on the next request
 * after a crash. Its stderr (first-run notes, errors) is passed on as lines instead of being
 * written over the UI.
 */
export class TicketServerSupervisor {
  private ready: Promise<ReadyServer> | undefined;
  private child: ChildProcess | undefined;
  private closed = false;

  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly onHealth: (health: McpHealth) => void,
    private readonly onServerMessage: (line: string) => void,
    /** Without a config (tests), a private server is always started. */
    private readonly config?: ItbotConfig,
  ) {}

  /** Starts the server unless it is running or starting; never throws (failures show as health). */
  start(): Promise<ReadyServer> {
    if (this.ready) return this.ready;
    this.onHealth({ state: 'starting' });
    if (this.config && serverMode(this.config) !== 'child') return this.startShared(this.config);
    const child = spawnTicketServer({ stderr: 'pipe' });
    this.child = child;
    let stderrTail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-2000);
      for (const line of chunk.split('\n')) if (line.trim()) this.onServerMessage(line.trim());
    });
    const ready = (async () => {
      const { connectTicketServer } = await import('../mcp/index.js');
      // This supervisor restarts the server itself (its stderr piped into the transcript).
      const connection = await connectTicketServer({ child, restart: false });
      const tools = await connection.listTools();
      return { connection, tools };
    })();
    this.ready = ready;
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.ready = undefined;
      this.child = undefined;
      if (this.closed) return;
      const last = stderrTail.trim().split('\n').at(-1);
      this.onHealth({
        state: 'down',
        reason: `exited (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}; it restarts on the next request`,
      });
    });
    ready.then(
      ({ tools }) => {
        if (this.child === child) this.onHealth({ state: 'ready', tools: tools.length });
      },
      (error: unknown) => {
        if (this.child === child) {
          this.ready = undefined;
          this.onHealth({ state: 'down', reason: errorMessage(error) });
        }
      },
    );
    return ready;
  }

  /**
   * The data dir's background server (started if need be) or a team's server: it outlives this
   * chat, so there is no child to watch; a call that finds it gone starts a new one.
   */
  private startShared(config: ItbotConfig): Promise<ReadyServer> {
    const ready = (async () => {
      const { connectItbotServer } = await import('../mcp/connect.js');
      const connection = await connectItbotServer(config, { actorKind: 'ai', notice: this.onServerMessage });
      const tools = await connection.listTools();
      return { connection, tools };
    })();
    this.ready = ready;
    ready.then(
      ({ connection, tools }) => {
        this.onHealth({ state: 'ready', tools: tools.length });
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => {
          connection.listTools().then(
            (current) => this.onHealth({ state: 'ready', tools: current.length }),
            (error: unknown) => this.onHealth({ state: 'down', reason: errorMessage(error) }),
          );
        }, HEARTBEAT_MS);
        this.heartbeat.unref();
      },
      (error: unknown) => {
        this.ready = undefined;
        this.onHealth({ state: 'down', reason: errorMessage(error) });
      },
    );
    return ready;
  }

  /** The running server, starting it again if it died. */
  get(): Promise<ReadyServer> {
    return this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    const ready = this.ready;
    this.ready = undefined;
    if (!ready) return;
    try {
      const { connection } = await ready;
      await connection.close();
    } catch {
      this.child?.kill();
    }
  }
}
