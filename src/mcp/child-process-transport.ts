import type { ChildProcess } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { JsonLineReader } from './json-lines.js';

const EXIT_GRACE_MS = 2_000;

/**
 * MCP over the stdio of a child process that is already running. The SDK's StdioClientTransport
 * insists on spawning the process itself, which would make us wait for the SDK to load first.
 */
export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly reader = new JsonLineReader();
  private closed = false;

  constructor(private readonly child: ChildProcess) {}

  async start(): Promise<void> {
    const { child } = this;
    child.on('close', () => {
      this.closed = true;
      this.onclose?.();
    });
    child.stdin?.on('error', (error) => this.onerror?.(error));
    child.stdout?.on('error', (error) => this.onerror?.(error));
    child.stdout?.on('data', (chunk: Buffer) => {
      for (const event of this.reader.push(chunk)) {
        if (event.kind === 'message') this.onmessage?.(event.message);
        else if (event.kind === 'invalid') this.onerror?.(new Error(`The itbot MCP server sent ${event.reason}`));
        else if (event.id === null) {
          this.onerror?.(new Error(`The itbot MCP server sent a ${event.bytes}-byte message, past the limit.`));
        } else {
          // The request waiting for this answer fails now, with a reason, instead of timing out.
          const mib = (event.bytes / 1024 / 1024).toFixed(1);
          this.onmessage?.({
            jsonrpc: '2.0',
            id: event.id,
            error: {
              code: -32000,
              message: `The answer was too large to read (${mib} MiB; the limit is 10 MiB). Ask for less at a time.`,
            },
          } as JSONRPCMessage);
        }
      }
    });
    if (child.pid !== undefined) return;
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child.stdin;
    if (this.closed || !stdin || stdin.destroyed) throw new Error('The itbot MCP server is not running.');
    if (!stdin.write(`${JSON.stringify(message)}\n`)) await new Promise((resolve) => stdin.once('drain', resolve));
  }

  /** Ends the server's stdin (it shuts down cleanly, releasing the store), then waits for it to exit. */
  async close(): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGTERM'), EXIT_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}
