import { spawn } from 'node:child_process';
import { bundledPaths } from '../../src/paths.js';

export interface ItbotRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs the built `itbot` as a user would, with a clean environment plus `env`. Each run gets a
 * private ticket server unless `env` turns the background server on (test/local-server.e2e.test.ts
 * does), so a test leaves no server behind.
 */
export function runItbot(args: string[], options: RunOptions = {}): Promise<ItbotRun> {
  return runNode([bundledPaths.cliEntry(), ...args], options);
}

/** Runs this Node with `args` (a script and its arguments), with a clean environment plus `env`. */
export function runNode(args: string[], options: RunOptions = {}): Promise<ItbotRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ITBOT_USER: 'test.user',
        ITBOT_BACKGROUND_SERVER: 'off',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
