import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { asInputError, errorMessage, ItbotError } from '../src/errors.js';

/** A successful result: structured content, and the same JSON as text for clients without structure. */
export function ok(structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

/**
 * A business failure the caller (often a model) can act on: what failed, why, and how to fix it.
 * Unexpected errors say so without internals, and are logged on stderr for the operator.
 */
export function failure(caught: unknown): CallToolResult {
  const error = asInputError(caught) ?? caught;
  if (error instanceof ItbotError) {
    const text = error.hint ? `${error.message} ${error.hint}` : error.message;
    // itbot's own client reads the parts back, to tell a store outage from a bad ticket number.
    const meta = { exitCode: error.exitCode, message: error.message, hint: error.hint ?? null };
    return { content: [{ type: 'text', text }], isError: true, _meta: { 'itbot/error': meta } };
  }
  process.stderr.write(`itbot-mcp: unexpected error: ${errorMessage(error)}\n`);
  return {
    content: [
      {
        type: 'text',
        text: `The ticket server hit an unexpected error (${errorMessage(error)}). Try again; if it persists, run \`itbot doctor\`.`,
      },
    ],
    isError: true,
  };
}

export async function guarded(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    return failure(error);
  }
}
