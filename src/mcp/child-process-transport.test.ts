import { spawn } from 'node:child_process';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { ChildProcessTransport } from './child-process-transport.js';

describe('ChildProcessTransport', () => {
  it('turns an answer past the 10 MiB limit into an error for the call waiting on it, and keeps reading', async () => {
    // A server that answers request 7 with 11 MB, then request 8 normally.
    const child = spawn(process.execPath, [
      '-e',
      `const big = JSON.stringify({ result: { text: 'x'.repeat(11 * 1024 * 1024) }, jsonrpc: '2.0', id: 7 });
       process.stdout.write(big + '\\n');
       process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: 8, result: { ok: true } }) + '\\n');`,
    ]);
    const transport = new ChildProcessTransport(child);
    const messages: JSONRPCMessage[] = [];
    const errors: Error[] = [];
    const done = new Promise<void>((resolve) => {
      transport.onmessage = (message) => {
        messages.push(message);
        if (messages.length === 2) resolve();
      };
    });
    transport.onerror = (error) => errors.push(error);
    await transport.start();
    await done;
    expect(messages[0]).toMatchObject({
      id: 7,
      error: { code: -32000, message: expect.stringMatching(/too large to read \(11\.0 MiB; the limit is 10 MiB\)/) },
    });
    expect(messages[1]).toEqual({ jsonrpc: '2.0', id: 8, result: { ok: true } });
    expect(errors).toEqual([]);
    await transport.close();
  });
});
