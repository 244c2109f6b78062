import { type ChildProcess, spawn } from 'node:child_process';
import { bundledPaths } from '../../src/paths.js';

export interface ServeProcess {
  child: ChildProcess;
  /** The MCP endpoint, e.g. http://127.0.0.1:41234/mcp. */
  url: string;
  /** Resolves with the exit code once the process has ended. */
  exit: Promise<number | null>;
}

/** Starts the built `itbot serve` on a free loopback port and waits for it to say where it listens. */
export function startServe(env: Record<string, string>, extraArgs: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bundledPaths.cliEntry(), 'serve', '--listen', '127.0.0.1:0', ...extraArgs], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`itbot serve did not start: ${stderr}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving MCP at (\S+\/mcp)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], exit });
      }
    });
  });
}
