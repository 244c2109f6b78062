import { describe, expect, it } from 'vitest';
import { JsonLineReader } from './json-lines.js';

describe('JsonLineReader', () => {
  it('drops a line over the limit, reports its size and the id at its end, and reads the next line', () => {
    const reader = new JsonLineReader(1_000);
    const big = `${JSON.stringify({ result: { text: 'x'.repeat(5_000) }, jsonrpc: '2.0', id: 42 })}\n`;
    const next = `${JSON.stringify({ jsonrpc: '2.0', id: 43, result: {} })}\n`;
    // Arriving in pieces, as a pipe delivers it.
    const events = [
      ...reader.push(Buffer.from(big.slice(0, 700))),
      ...reader.push(Buffer.from(big.slice(700, 3_000))),
      ...reader.push(Buffer.from(big.slice(3_000) + next)),
    ];
    expect(events).toEqual([
      { kind: 'too-large', bytes: Buffer.byteLength(big) - 1, id: 42 },
      { kind: 'message', message: { jsonrpc: '2.0', id: 43, result: {} } },
    ]);
  });

  it('says what is wrong with a line that is not JSON or not JSON-RPC, and never throws', () => {
    const reader = new JsonLineReader();
    const events = reader.push(Buffer.from('{"a":\n[1]\n{"id":"x","nope":1}\n\n'));
    expect(events).toEqual([
      expect.objectContaining({ kind: 'invalid', code: -32700, id: null }),
      expect.objectContaining({ kind: 'invalid', code: -32600, id: null }),
      expect.objectContaining({ kind: 'invalid', code: -32600, id: 'x' }),
    ]);
  });
});
