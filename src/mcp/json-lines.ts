import { type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';

/**
 * Newline-delimited JSON-RPC for MCP's stdio transports, hardened against what the SDK's
 * ReadBuffer does not survive: a line over the size limit (it throws from the 'data' handler, so
 * the process dies or the caller waits for an answer that never comes) and a line that is not
 * JSON-RPC (silently dropped, where JSON-RPC asks for a -32700 or -32600 reply).
 */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

export type LineEvent =
  | { kind: 'message'; message: JSONRPCMessage }
  /** A line that is not JSON, or not JSON-RPC; `id` when one could be read from it. */
  | { kind: 'invalid'; code: -32700 | -32600; reason: string; id: string | number | null }
  /** A line longer than the limit, dropped; `id` read from its tail (the SDK writes the id last). */
  | { kind: 'too-large'; bytes: number; id: string | number | null };

const TAIL_BYTES = 512;
const TRAILING_ID = /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.){0,200}")\s*}\s*$/;

function idFromTail(tail: string): string | number | null {
  const match = TRAILING_ID.exec(tail);
  if (!match?.[1]) return null;
  try {
    return JSON.parse(match[1]) as string | number;
  } catch {
    return null;
  }
}

function idOf(value: unknown): string | number | null {
  if (value && typeof value === 'object' && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return id;
  }
  return null;
}

export class JsonLineReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Inside an over-long line: its bytes are counted and dropped until its newline. */
  private discarding = false;
  private discarded = 0;
  private tail = '';

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  /** Feeds a chunk; returns what the complete lines in it were. Never throws. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, newline === -1 ? chunk.length : newline);
      this.take(piece);
      if (newline === -1) break;
      events.push(this.endLine());
      start = newline + 1;
    }
    return events.filter((event) => !(event.kind === 'invalid' && event.reason === 'empty'));
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.discarding) {
      this.discarded += piece.length;
      this.tail = (this.tail + piece.toString('utf8')).slice(-TAIL_BYTES);
      return;
    }
    if (this.size + piece.length > this.maxLineBytes) {
      this.discarding = true;
      this.discarded = this.size + piece.length;
      this.tail = Buffer.concat([...this.chunks, piece])
        .subarray(-TAIL_BYTES)
        .toString('utf8');
      this.chunks = [];
      this.size = 0;
      return;
    }
    this.chunks.push(Buffer.from(piece));
    this.size += piece.length;
  }

  private endLine(): LineEvent {
    if (this.discarding) {
      const event: LineEvent = { kind: 'too-large', bytes: this.discarded, id: idFromTail(this.tail) };
      this.discarding = false;
      this.discarded = 0;
      this.tail = '';
      return event;
    }
    const line = Buffer.concat(this.chunks).toString('utf8').replace(/\r$/, '');
    this.chunks = [];
    this.size = 0;
    if (!line.trim()) return { kind: 'invalid', code: -32600, reason: 'empty', id: null };
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      return { kind: 'invalid', code: -32700, reason: `Parse error: ${(error as Error).message}`, id: null };
    }
    const result = JSONRPCMessageSchema.safeParse(parsed);
    if (!result.success) {
      return { kind: 'invalid', code: -32600, reason: 'Invalid Request: not a JSON-RPC 2.0 message', id: idOf(parsed) };
    }
    return { kind: 'message', message: result.data };
  }
}
