import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { bundledPaths } from '../../src/paths.js';

/** One JSON-RPC reply line from the server. */
export interface Reply {
  id: number | string | null;
  result?: { isError?: boolean; content?: { type: string; text: string }[]; structuredContent?: unknown };
  error?: { code: number; message: string };
}

/**
 * The built MCP server over a raw stdio pipe: lets a test write any line at all (what a
 * well-behaved SDK client never sends) and read the replies one by one.
 */
export class RawMcpSession {
  private buffer = '';
  private readonly waiting: ((reply: Reply) => void)[] = [];
  private readonly replies: Reply[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  stderr = '';

  constructor(dataDir: string) {
    this.child = spawn(process.execPath, [bundledPaths.mcpServerEntry()], {
      env: { PATH: process.env.PATH ?? '', ITBOT_DATA_DIR: dataDir, ITBOT_USER: 'maria.lopez' },
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      for (let newline = this.buffer.indexOf('\n'); newline !== -1; newline = this.buffer.indexOf('\n')) {
        const reply = JSON.parse(this.buffer.slice(0, newline)) as Reply;
        this.buffer = this.buffer.slice(newline + 1);
        const waiter = this.waiting.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    });
  }

  /** Writes one raw line and waits for the next reply (bounded). */
  async send(line: string, timeoutMs = 20_000): Promise<Reply> {
    const next = this.replies.shift();
    if (next) return next;
    const reply = new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${line.slice(0, 100)}`)), timeoutMs);
      this.waiting.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    this.child.stdin.write(`${line}\n`);
    return reply;
  }

  request(id: number, method: string, params: unknown): Promise<Reply> {
    return this.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  }

  async initialize(): Promise<void> {
    const init = await this.request(0, 'initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'hostile', version: '0' },
    });
    if (!init.result) throw new Error(`initialize failed: ${JSON.stringify(init)}`);
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async close(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await exited;
  }
}
