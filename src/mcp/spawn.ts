import { type ChildProcess, spawn } from 'node:child_process';
import { bundledPaths } from '../paths.js';

export interface SpawnOptions {
  /** Environment for the server process; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  /** Where the server's own stderr (first-run notes, errors) goes; 'pipe' lets the chat show it in its window. */
  stderr?: 'inherit' | 'ignore' | 'pipe';
}

/**
 * Starts the itbot MCP server process. Deliberately light (no MCP SDK import), so `itbot ask` can
 * start the server, and with it the database, before loading the rest of itself.
 */
export function spawnTicketServer(options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [bundledPaths.mcpServerEntry()], {
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', options.stderr ?? 'inherit'],
  });
}
