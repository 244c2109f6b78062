import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { RawMcpSession, type Reply } from './helpers/raw-mcp-session.js';

// Property-based hostile input, through the real server over a real stdio pipe: every tool gets
// random arguments (wrong types, huge strings, control characters and ANSI escapes, invalid
// UTF-16, SQL metacharacters, path traversal, unknown keys, non-objects). Each call must be
// answered, in time, with a result or a tool error that says what was wrong — never a protocol
// "internal error", never "unexpected error … try again" — the server must stay up, and tools that
// only read must change nothing. The case counts go to stderr and docs/FAULTS.md.

const RUNS_PER_TOOL = Number(process.env.ITBOT_FUZZ_RUNS ?? 100);

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    "'; DROP TABLE tickets; --",
    "' OR 1=1 --",
    '\u0000',
    'IT-\u0000001',
    '\u001b[31mred\u001b[0m \u001b]8;;http://x\u0007link',
    '\ud800 lone surrogate',
    '../../../../etc/passwd',
    'kb/../../secrets.md',
    '%s%n%x',
    '{{7*7}}',
    '<script>alert(1)</script>',
    'IT-000001',
    '#1',
    'IT-999999999999999999999',
    '-1',
    'NaN',
    'unassigned',
    'me',
    'Network/VPN',
  ),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 30 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 5 }),
);

interface ToolDescription {
  name: string;
  inputSchema: { properties?: Record<string, unknown>; required?: string[] };
  annotations?: { readOnlyHint?: boolean };
}

interface PropertySchema {
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  items?: PropertySchema;
}

/** A value of the declared type (so it gets past the schema and into the tool), with hostile content. */
function typedValue(schema: PropertySchema): fc.Arbitrary<unknown> {
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number') {
    return fc.integer({ min: schema.minimum ?? -3, max: Math.min(schema.maximum ?? 1_000_000, 1_000_000) });
  }
  if (type === 'boolean') return fc.boolean();
  if (type === 'array') return fc.array(schema.items ? typedValue(schema.items) : hostileString, { maxLength: 5 });
  if (type === 'object') return fc.dictionary(hostileString, hostileString, { maxKeys: 4 });
  return hostileString;
}

function argumentsFor(tool: ToolDescription): fc.Arbitrary<unknown> {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, PropertySchema>;
  const keys = Object.keys(properties);
  // Well-typed arguments with hostile content reach the domain code behind the schema…
  const typed = fc.record(Object.fromEntries(keys.map((key) => [key, typedValue(properties[key] ?? {})])), {
    requiredKeys: [],
  });
  // …random values under the tool's own parameter names test the schema; non-objects the protocol layer.
  const named = fc.dictionary(fc.constantFrom(...keys, 'unexpected_key'), hostileValue, { maxKeys: keys.length + 1 });
  return fc.oneof(
    { weight: 6, arbitrary: typed },
    { weight: 3, arbitrary: named },
    { weight: 1, arbitrary: hostileValue },
  );
}

const NOT_A_CLEAR_ERROR = /unexpected error|try again|internal error|is not a function|Cannot read propert/i;

describe('every MCP tool under hostile input (fast-check, real stdio server)', () => {
  let dataDir: string;
  let cleanup: () => void;
  let session: RawMcpSession;
  let tools: ToolDescription[] = [];
  let nextId = 1_000;
  const counts: Record<string, { cases: number; results: number; toolErrors: number; invalidParams: number }> = {};

  beforeAll(async () => {
    ({ dir: dataDir, cleanup } = makeSeededDataDir());
    session = new RawMcpSession(dataDir);
    await session.initialize();
    const list = await session.request(nextId++, 'tools/list', {});
    tools = (list.result as { tools: ToolDescription[] } | undefined)?.tools ?? [];
  });
  afterAll(async () => {
    process.stderr.write(`mcp fuzz case counts: ${JSON.stringify(counts)}\n`);
    await session?.close();
    cleanup?.();
  });

  const snapshot = async () => {
    const reply = await session.request(nextId++, 'tools/call', {
      name: 'search_tickets',
      arguments: { status: ['new', 'open', 'pending', 'resolved', 'closed', 'canceled', 'merged'], limit: 100 },
    });
    return JSON.stringify(reply.result?.structuredContent);
  };

  it('lists the tools it is about to fuzz', () => {
    expect(tools.length).toBeGreaterThanOrEqual(18);
  });

  it('answers every call clearly, stays up, and read-only tools change nothing', async () => {
    for (const tool of tools) {
      const tally = { cases: 0, results: 0, toolErrors: 0, invalidParams: 0 };
      counts[tool.name] = tally;
      const readOnly = tool.annotations?.readOnlyHint === true;
      const before = readOnly ? await snapshot() : undefined;
      await fc.assert(
        fc.asyncProperty(argumentsFor(tool), async (args) => {
          tally.cases++;
          const reply: Reply = await session.request(nextId++, 'tools/call', { name: tool.name, arguments: args });
          expect(session.alive).toBe(true);
          if (reply.error) {
            // Only "your parameters are wrong" is an acceptable protocol answer, never an internal error.
            expect(reply.error.code, JSON.stringify(reply.error)).toBe(-32602);
            tally.invalidParams++;
            return;
          }
          const text = reply.result?.content?.map((part) => part.text).join('') ?? '';
          if (reply.result?.isError) {
            tally.toolErrors++;
            expect(text.length).toBeGreaterThan(0);
            expect(text, `${tool.name} ${JSON.stringify(args).slice(0, 300)}`).not.toMatch(NOT_A_CLEAR_ERROR);
          } else {
            tally.results++;
          }
        }),
        { numRuns: RUNS_PER_TOOL, endOnFailure: true },
      );
      if (readOnly) expect(await snapshot(), `${tool.name} changed data`).toBe(before);
    }
    expect(Object.values(counts).reduce((sum, tally) => sum + tally.cases, 0)).toBe(tools.length * RUNS_PER_TOOL);
  }, 900_000);
});
