import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { JsonLineReader, MAX_LINE_BYTES } from '../src/mcp/json-lines.js';

/**
 * The server side of MCP over stdio, in place of the SDK's StdioServerTransport, which closes the
 * server on a line over 10 MiB and drops malformed lines without a reply. Here an over-long line is
 * answered with an error and the server carries on; a line that is not JSON gets -32700, one that
 * is not JSON-RPC -32600; `tools/call` with non-object arguments gets a tool error the caller can
 * read (as the MCP specification asks of input validation) rather than -32603 and a schema dump;
 * and a client that went away mid-answer (EPIPE) ends the server quietly instead of with a stack trace.
 */
export class HardenedStdioServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly reader: JsonLineReader;
  private closed = false;
  /** Requests received and not yet answered: a client that leaves does not cut a write in half. */
  private readonly inFlight = new Set<string | number>();
  private drainedWaiters: (() => void)[] = [];

  constructor(
    private readonly stdin: NodeJS.ReadableStream = process.stdin,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    maxLineBytes = MAX_LINE_BYTES,
  ) {
    this.reader = new JsonLineReader(maxLineBytes);
  }

  private readonly onData = (chunk: Buffer) => {
    for (const event of this.reader.push(chunk)) {
      if (event.kind === 'message') this.receive(event.message);
      else if (event.kind === 'invalid') this.reply(event.id, { code: event.code, message: event.reason });
      else {
        this.reply(event.id, {
          code: -32600,
          message: `Invalid Request: the message is ${event.bytes} bytes; the limit is ${MAX_LINE_BYTES} bytes.`,
        });
      }
    }
  };

  private readonly onStdoutError = (error: NodeJS.ErrnoException) => {
    // The client is gone (killed mid-answer): nobody is left to answer, so just stop.
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') void this.close();
    else this.onerror?.(error);
  };

  private receive(message: JSONRPCMessage): void {
    if ('method' in message && message.method === 'tools/call' && 'id' in message) {
      const args = (message.params as { arguments?: unknown } | undefined)?.arguments;
      if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
        const got = args === null ? 'null' : Array.isArray(args) ? 'an array' : `a ${typeof args}`;
        void this.send({
          jsonrpc: '2.0',
          id: message.id,
          result: {
            content: [
              { type: 'text', text: `Invalid arguments: "arguments" must be an object of named values, not ${got}.` },
            ],
            isError: true,
          },
        });
        return;
      }
    }
    if ('method' in message && 'id' in message) this.inFlight.add(message.id);
    this.onmessage?.(message);
  }

  /** Resolves once every request received so far has been answered, or after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.drainedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private reply(id: string | number | null, error: { code: number; message: string }): void {
    void this.send({ jsonrpc: '2.0', id, error } as unknown as JSONRPCMessage);
  }

  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdout.on('error', this.onStdoutError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    const answered = !('method' in message) && 'id' in message ? message.id : undefined;
    if (answered !== undefined && this.inFlight.delete(answered) && this.inFlight.size === 0) {
      for (const waiter of this.drainedWaiters.splice(0)) waiter();
    }
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.stdout.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.onclose?.();
  }
}
