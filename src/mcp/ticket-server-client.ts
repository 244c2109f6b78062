import type { ChildProcess } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ExitCode, errorMessage, StoreError, ToolFailedError } from '../errors.js';
import { ITBOT_VERSION } from '../version.js';
import { ChildProcessTransport } from './child-process-transport.js';
import { LazyJsonSchemaValidator } from './lazy-validator.js';
import { MODEL_USAGE_METHOD, type ModelCallReport } from './model-usage.js';
import { withRestarts } from './restarting-connection.js';
import { type SpawnOptions, spawnTicketServer } from './spawn.js';

/** A tool as the server declares it; `changesData` comes from its annotations. */
export interface ToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  changesData: boolean;
  /** An admin job (reindex, seed, migrations): for itbot's own commands, never offered to a model. */
  admin?: boolean;
}

export interface ToolOutcome {
  ok: boolean;
  /** Structured result on success; undefined on failure. */
  data: Record<string, unknown> | undefined;
  /** The text content: the JSON result, or the server's explanation of a failure. */
  text: string;
  /** For failures: what the server said, split into parts (exit code, message, hint). */
  error: ServerError | undefined;
  /** Something the user should know about how the call went, e.g. that the server was restarted. */
  notice?: string;
}

interface ServerError {
  exitCode: number;
  message: string;
  hint: string | null;
}

export interface CallOptions {
  timeoutMs?: number;
  /** Abandons the call (Ctrl+C); the server is told to cancel it. */
  signal?: AbortSignal;
  /** Progress the server reports while a long call runs (admin jobs); also keeps the call from timing out. */
  onProgress?: (progress: { progress: number; total?: number; message?: string }) => void;
}

export interface TicketServerConnection {
  listTools(): Promise<ToolInfo[]>;
  callTool(name: string, args: Record<string, unknown>, options?: CallOptions): Promise<ToolOutcome>;
  /** A JSON resource the server publishes, e.g. itbot://knowledge-base/status. */
  readJsonResource<T>(uri: string): Promise<T>;
  /**
   * Tells a shared server how this turn's model calls went (for its /metrics). Best effort: a
   * no-op for a private server, and never an error.
   */
  reportModelUsage(calls: ModelCallReport[]): Promise<void>;
  /** False once the server process has exited. */
  readonly alive: boolean;
  /** The server's process id, for health displays (and tests that need to stop it). */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

export interface ConnectOptions extends SpawnOptions {
  /** A server process started earlier with spawnTicketServer (so it could warm up meanwhile). */
  child?: ChildProcess;
  /** Start a new server when this one dies (default true). */
  restart?: boolean;
}

const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

function toOutcome(result: CallToolResult): ToolOutcome {
  const text = result.content
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
  const error = result._meta?.['itbot/error'] as ServerError | undefined;
  return {
    ok: !result.isError,
    data: result.isError ? undefined : (result.structuredContent as Record<string, unknown> | undefined),
    text,
    error: result.isError ? error : undefined,
  };
}

/** Connects over stdio to the itbot MCP server in a child process, spawning it unless given one. */
export async function connectTicketServer(options: ConnectOptions = {}): Promise<TicketServerConnection> {
  const first = await connectOnce(options.child ?? spawnTicketServer(options));
  if (options.restart === false) return first;
  return withRestarts(first, () => connectOnce(spawnTicketServer(options)));
}

async function connectOnce(child: ChildProcess): Promise<TicketServerConnection> {
  const transport = new ChildProcessTransport(child);
  const client = newClient();
  try {
    // A healthy server answers the handshake in well under a second; do not wait a minute for a stuck one.
    await client.connect(transport, { timeout: 15_000 });
  } catch (error) {
    await transport.close().catch(() => {});
    throw new ToolFailedError(
      `Could not start the itbot ticket server: ${errorMessage(error)}`,
      'Run `itbot doctor` to see what is wrong.',
    );
  }
  return wrapClient(client, { pid: child.pid });
}

export function newClient(): Client {
  return new Client({ name: 'itbot', version: ITBOT_VERSION }, { jsonSchemaValidator: new LazyJsonSchemaValidator() });
}

export interface WrapOptions {
  pid: number | undefined;
  /** Turns a failure of the connection itself (not of a tool) into the error the user sees. */
  connectionError?: (error: unknown) => Error | undefined;
  /** A shared server that keeps metrics: model usage is reported to it. */
  reportsModelUsage?: boolean;
  /** Told the tools each time they are listed (which of them only read). */
  onToolList?: (tools: ToolInfo[]) => void;
}

/** The TicketServerConnection over a connected MCP client, whatever its transport. */
export function wrapClient(client: Client, options: WrapOptions): TicketServerConnection {
  let alive = true;
  client.onclose = () => {
    alive = false;
  };
  const translated = (error: unknown): never => {
    const replacement = options.connectionError?.(error);
    if (replacement) {
      alive = false;
      throw replacement;
    }
    throw error;
  };
  return {
    async listTools() {
      const { tools } = await client.listTools().catch(translated);
      const infos: ToolInfo[] = tools.map((tool) => ({
        name: tool.name,
        description: tool.description ?? '',
        inputSchema: tool.inputSchema as Record<string, unknown>,
        // MCP's default for an unannotated tool is "may change data": only an explicit read-only hint runs freely.
        changesData: tool.annotations?.readOnlyHint !== true,
        admin: tool._meta?.['itbot/admin'] === true,
      }));
      options.onToolList?.(infos);
      return infos;
    },
    async callTool(name, args, callOptions = {}) {
      const result = (await client
        .callTool({ name, arguments: args }, undefined, {
          timeout: callOptions.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
          ...(callOptions.signal ? { signal: callOptions.signal } : {}),
          ...(callOptions.onProgress ? { onprogress: callOptions.onProgress, resetTimeoutOnProgress: true } : {}),
        })
        .catch(translated)) as CallToolResult;
      const outcome = toOutcome(result);
      if (outcome.error?.exitCode === ExitCode.store) {
        throw new StoreError(outcome.error.message, outcome.error.hint ?? undefined);
      }
      return outcome;
    },
    async readJsonResource<T>(uri: string) {
      const { contents } = await client.readResource({ uri }).catch(translated);
      const first = contents[0];
      if (!first || !('text' in first)) throw new Error(`The ticket server returned no text for ${uri}.`);
      return JSON.parse(first.text) as T;
    },
    async reportModelUsage(calls) {
      if (!options.reportsModelUsage || calls.length === 0 || !alive) return;
      await client.notification({ method: MODEL_USAGE_METHOD, params: { calls } }).catch(() => {});
    },
    get alive() {
      return alive;
    },
    pid: options.pid,
    close: () => client.close(),
  };
}
