import { describe, expect, it } from 'vitest';
import { runItbot, runNode } from './helpers/run-itbot.js';

// The benchmarks are measured by hand (figures in the README); these runs only keep them working,
// on sizes small enough for the suite. Nothing here asserts a time.
describe('itbot bench', () => {
  it('tickets: loads a throwaway store and times create, update and searches through MCP', async () => {
    const run = await runItbot(['bench', 'tickets', '--tickets', '200', '--ops', '3', '--json'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ store: 'embedded', tickets: 200 });
    for (const kind of ['create', 'update', 'searchText', 'searchFiltered']) expect(result[kind].count).toBe(3);
  });

  it('search: reindexes synthetic articles and times knowledge search', async () => {
    const run = await runItbot(['bench', 'search', '--chunks', '40', '--ops', '3', '--json'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ chunks: 40, documents: 4, search: { count: 3 } });
  });
});

describe('bench/agent-overhead', () => {
  it('runs turns through the real SDK, the fake Gemini server and the MCP server', async () => {
    const run = await runNode(['--import', 'tsx', 'bench/agent-overhead.ts', '--turns', '3'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ turns: 3, toolRoundTrip: { count: 6 }, overheadPerTurn: { count: 3 } });
  });
});
