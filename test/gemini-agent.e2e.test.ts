import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundledPaths } from '../src/paths.js';
import { makeSeededDataDir, makeTempDir } from './helpers/data-dir.js';
import { type FakeGemini, fakeReply, startFakeGemini } from './helpers/fake-gemini-server.js';
import { runItbot } from './helpers/run-itbot.js';

// The built `itbot ask` with a Gemini key, talking through the real @google/genai SDK to a loopback
// fake of the API, and through MCP to the real ticket server.

let fake: FakeGemini;
let dataDir: string;
let cleanup: () => void;

beforeAll(() => {
  ({ dir: dataDir, cleanup } = makeSeededDataDir());
});
afterAll(() => cleanup());
beforeEach(async () => {
  fake = await startFakeGemini();
});
afterEach(async () => fake.close());

const env = () => ({ ITBOT_DATA_DIR: dataDir, GEMINI_API_KEY: 'test-key', GOOGLE_GEMINI_BASE_URL: fake.baseUrl });
const ask = (args: string[], input?: string) => runItbot(['ask', ...args], { env: env(), input, timeoutMs: 45_000 });

interface WireBody {
  contents: { role: string; parts: Record<string, unknown>[] }[];
  systemInstruction?: { parts: { text: string }[] };
  tools?: { functionDeclarations: { name: string; parameters: Record<string, unknown> }[] }[];
}
const generationBodies = () =>
  fake.requests.filter((r) => r.endpoint === 'streamGenerateContent').map((r) => r.body as WireBody);
const events = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('itbot ask with Gemini', () => {
  it('searches the knowledge base through MCP, sends the result back, and answers with the article', async () => {
    fake.enqueue(
      fakeReply.functionCall(
        'search_knowledge',
        { query: 'outlook password prompt' },
        { thoughtSignature: 'c2lnLTE=' },
      ),
      fakeReply.textStream([
        'Clear the cached credentials, then sign in again. ',
        'Source: Outlook keeps asking for my password (kb/email/outlook-keeps-asking-for-password.md)',
      ]),
    );
    const run = await ask(['outlook keeps asking for my password']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Clear the cached credentials, then sign in again. Source: Outlook keeps asking');
    expect(run.stderr).not.toMatch(/offline/);

    const [first, second] = generationBodies();
    expect(first?.systemInstruction?.parts[0]?.text).toMatch(/search the knowledge base/);
    const declarations = first?.tools?.[0]?.functionDeclarations ?? [];
    expect(declarations.map((d) => d.name)).toEqual(expect.arrayContaining(['search_knowledge', 'create_ticket']));
    // Cleaned for Gemini: none of the JSON Schema keywords its API rejects.
    expect(JSON.stringify(declarations)).not.toMatch(/"\$schema"|"additionalProperties"|"const"|"propertyNames"/);
    // The model's turn goes back unchanged (signature included), followed by the tool's output.
    const modelTurn = second?.contents.at(-2);
    expect(modelTurn?.role).toBe('model');
    expect(modelTurn?.parts[0]).toMatchObject({
      functionCall: { name: 'search_knowledge' },
      thoughtSignature: 'c2lnLTE=',
    });
    const response = second?.contents.at(-1)?.parts[0]?.functionResponse as {
      name: string;
      response: { output: { results: { path: string }[] } };
    };
    expect(response.name).toBe('search_knowledge');
    expect(response.response.output.results.map((hit) => hit.path)).toContain(
      'kb/email/outlook-keeps-asking-for-password.md',
    );
  });

  it('runs several tool calls from one model turn', async () => {
    fake.enqueue(
      fakeReply.functionCalls([
        { name: 'search_knowledge', args: { query: 'vpn drops' } },
        { name: 'search_tickets', args: { text: 'vpn' } },
      ]),
      'The VPN article and two past tickets say the same: update the client.',
    );
    const run = await ask(['--output', 'stream-json', 'why does the vpn keep dropping?']);
    expect(run.code).toBe(0);
    const lines = events(run.stdout);
    expect(lines[0]).toMatchObject({ type: 'start', provider: 'gemini', model: 'gemini-2.5-flash' });
    const results = lines.filter((line) => line.type === 'tool_result');
    expect(results.map((line) => [line.name, line.outcome])).toEqual([
      ['search_knowledge', 'done'],
      ['search_tickets', 'done'],
    ]);
    const last = generationBodies().at(-1)?.contents.at(-1)?.parts ?? [];
    expect(last.map((part) => (part.functionResponse as { name: string }).name)).toEqual([
      'search_knowledge',
      'search_tickets',
    ]);
    const result = lines.at(-1);
    expect(result).toMatchObject({ type: 'result', exitCode: 0, provider: 'gemini' });
    expect(result?.usage).toMatchObject({ inputTokens: expect.any(Number) });
    expect((result?.usage as { inputTokens: number } | undefined)?.inputTokens).toBeGreaterThan(0);
  });

  it('does not run a tool that changes data without --yes, and tells the model so', async () => {
    const title = `Printer jammed ${Date.now()}`;
    fake.enqueue(
      fakeReply.functionCall('create_ticket', { title, description: 'The 3rd floor printer is jammed.' }),
      'I could not open the ticket without your consent.',
    );
    const run = await ask(['--json', 'open a ticket: the 3rd floor printer is jammed']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { toolCalls: { name: string; outcome: string }[] };
    expect(summary.toolCalls).toEqual([expect.objectContaining({ name: 'create_ticket', outcome: 'not_allowed' })]);
    const refusal = generationBodies()[1]?.contents.at(-1)?.parts[0]?.functionResponse as {
      response: { error: string };
    };
    expect(refusal.response.error).toMatch(/Not allowed: .*--yes/);

    const search = await runItbot(['tickets', 'list', '--json', '--text', title], { env: env() });
    expect(JSON.parse(search.stdout)).toMatchObject({ tickets: [] });
  });

  it('opens the ticket with --yes', async () => {
    const title = `Monitor flickers ${Date.now()}`;
    fake.enqueue(
      fakeReply.functionCall('create_ticket', { title, description: 'Desk 4.12 monitor flickers.' }),
      'Opened.',
    );
    const run = await ask(['--json', '--yes', 'open a ticket: my monitor flickers']);
    expect(run.code).toBe(0);
    const output = generationBodies()[1]?.contents.at(-1)?.parts[0]?.functionResponse as {
      response: { output: { ticket: { number: string; title: string } } };
    };
    expect(output.response.output.ticket).toMatchObject({ title, number: expect.stringMatching(/^IT-\d{6}$/) });
  });

  it('waits the delay a 429 asks for, says so, then answers', async () => {
    fake.enqueue(fakeReply.rateLimited(1), 'Restart the print spooler.');
    const run = await ask(['how do I fix the print spooler?']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('itbot: retrying in 1 s (rate limited)');
    expect(run.stdout).toContain('Restart the print spooler.');
    expect(generationBodies()).toHaveLength(2);
  });

  it('retries a stream that fails half way without printing its text twice', async () => {
    fake.enqueue(
      fakeReply.textStream(['Step one: restart. ', 'Step two: '], {
        failure: { afterChunks: 2, mode: 'error-event', status: 503 },
      }),
      fakeReply.textStream(['Step one: restart. ', 'Step two: ', 'sign in again.']),
    );
    const run = await ask(['--output', 'stream-json', 'teams will not start']);
    expect(run.code).toBe(0);
    const lines = events(run.stdout);
    const printed = lines
      .filter((line) => line.type === 'text_delta')
      .map((line) => line.text)
      .join('');
    expect(printed).toBe('Step one: restart. Step two: sign in again.');
    expect(lines.filter((line) => line.type === 'retry')).toEqual([
      expect.objectContaining({ attempt: 1, reason: expect.stringMatching(/503/) }),
    ]);
    expect(lines.at(-1)).toMatchObject({ type: 'result', answer: 'Step one: restart. Step two: sign in again.' });
  });

  it('says so when a retried stream does not repeat what was already shown', async () => {
    fake.enqueue(
      fakeReply.textStream(['Restart the '], { failure: { afterChunks: 1, mode: 'destroy' } }),
      fakeReply.textStream(['First, sign out. ', 'Then sign in again.']),
    );
    const run = await ask(['--output', 'stream-json', 'teams keeps signing me out']);
    expect(run.code).toBe(0);
    const lines = events(run.stdout).filter((line) => ['text_delta', 'text_restart'].includes(line.type as string));
    expect(lines).toEqual([
      { type: 'text_delta', text: 'Restart the ' },
      { type: 'text_restart' },
      { type: 'text_delta', text: 'First, sign out. ' },
      { type: 'text_delta', text: 'Then sign in again.' },
    ]);
    expect(events(run.stdout).at(-1)).toMatchObject({ answer: 'First, sign out. Then sign in again.' });
  });

  it('retries a cut connection mid-stream', async () => {
    fake.enqueue(
      fakeReply.textStream(['Half an '], { failure: { afterChunks: 1, mode: 'destroy' } }),
      fakeReply.textStream(['Half an ', 'answer, then the rest.']),
    );
    const run = await ask(['wifi is slow']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Half an answer, then the rest.');
    expect(run.stderr).toMatch(/retrying in \d+ s \(connection lost\)/);
  });

  it('asks the model again after a malformed function call', async () => {
    fake.enqueue(
      fakeReply.malformedFunctionCall(),
      fakeReply.functionCall('search_knowledge', { query: 'vpn' }),
      'Done.',
    );
    const run = await ask(['--json', 'vpn error 809']);
    expect(run.code).toBe(0);
    const bodies = generationBodies();
    expect(bodies).toHaveLength(3);
    expect(JSON.stringify(bodies[1]?.contents.at(-1))).toMatch(/could not be parsed/);
    // The correction is not kept in the conversation.
    expect(JSON.stringify(bodies[2]?.contents)).not.toMatch(/could not be parsed/);
  });

  it('stops a turn that never stops calling tools, with exit 6', async () => {
    fake.script(Array.from({ length: 10 }, () => fakeReply.functionCall('list_groups', {})));
    const run = await ask(['--max-steps', '3', 'loop forever']);
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/stopped after 3 model steps/);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('never retries a 400, exits 5, and reports the error as JSON on stdout', async () => {
    fake.enqueue(fakeReply.error(400, 'Request contains an invalid argument.'));
    const run = await ask(['--json', 'hello']);
    expect(run.code).toBe(5);
    expect(generationBodies()).toHaveLength(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      exitCode: 5,
      error: { message: expect.stringMatching(/HTTP 400/) },
    });
  });

  it('says a rejected key is a configuration problem (exit 3)', async () => {
    fake.enqueue(fakeReply.error(403, 'Permission denied: API key not valid.'));
    const run = await ask(['hello']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Gemini refused the API key.');
  });

  it('gives up on a model that stays unavailable, with exit 5', async () => {
    fake.script(Array.from({ length: 8 }, () => fakeReply.unavailable()));
    const run = await runItbot(['ask', 'hello'], { env: { ...env() }, timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toMatch(/Gemini is unavailable \(HTTP 503\) after several retries/);
  }, 90_000);

  it('cancels a turn on Ctrl+C with exit 130', async () => {
    fake.enqueue({ kind: 'text', text: 'too late', delayMs: 20_000 });
    const child = spawn(process.execPath, [bundledPaths.cliEntry(), 'ask', 'slow question'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ITBOT_BACKGROUND_SERVER: 'off', ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 20_000;
    while (generationBodies().length === 0 && Date.now() < deadline) await sleep(20);
    const interrupted = Date.now();
    child.kill('SIGINT');
    const code = await Promise.race([exited, sleep(10_000).then(() => 'still running')]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code).toBe(130);
    expect(Date.now() - interrupted).toBeLessThan(10_000);
    expect(stderr).toContain('itbot: Cancelled.');
  });

  it('replays a recorded session', async () => {
    const { dir, cleanup: remove } = makeTempDir();
    try {
      const recording = path.join(dir, 'session.jsonl');
      fake.recordTo(recording);
      fake.enqueue(
        fakeReply.functionCall('search_knowledge', { query: 'teams camera' }),
        'Check the camera privacy settings.',
      );
      const live = await ask(['teams does not see my camera']);
      expect(live.code).toBe(0);
      expect(fs.readFileSync(recording, 'utf8').trim().split('\n')).toHaveLength(2);

      const replay = await startFakeGemini({ replayFrom: recording });
      try {
        const again = await runItbot(['ask', '--no-cache', 'teams does not see my camera'], {
          env: { ...env(), GOOGLE_GEMINI_BASE_URL: replay.baseUrl },
        });
        expect(again.code).toBe(0);
        expect(again.stdout).toBe(live.stdout);
      } finally {
        await replay.close();
      }
    } finally {
      remove();
    }
  });
});

describe('the response cache', () => {
  it('answers a repeated knowledge question without calling the model', async () => {
    const question = `how do I map a network drive ${Date.now()}`;
    fake.enqueue(fakeReply.functionCall('search_knowledge', { query: 'map network drive' }), 'Open File Explorer …');
    const first = await ask(['--json', question]);
    expect(JSON.parse(first.stdout)).toMatchObject({ cached: false, answer: 'Open File Explorer …' });
    const callsAfterFirst = generationBodies().length;

    const second = await ask(['--json', question]);
    expect(JSON.parse(second.stdout)).toMatchObject({ cached: true, answer: 'Open File Explorer …', exitCode: 0 });
    expect(generationBodies()).toHaveLength(callsAfterFirst);

    fake.enqueue('A fresh answer.');
    const bypass = await ask(['--json', '--no-cache', question]);
    expect(JSON.parse(bypass.stdout)).toMatchObject({ cached: false, answer: 'A fresh answer.' });
  });

  it('does not keep answers that read tickets, which go stale', async () => {
    const question = `what is the status of IT-000001 ${Date.now()}`;
    fake.enqueue(fakeReply.functionCall('get_ticket', { ticket: 'IT-000001' }), 'It is open.');
    const first = await ask(['--json', question]);
    expect(JSON.parse(first.stdout)).toMatchObject({ cached: false, answer: 'It is open.' });
    fake.enqueue(fakeReply.functionCall('get_ticket', { ticket: 'IT-000001' }), 'It is resolved now.');
    const second = await ask(['--json', question]);
    expect(JSON.parse(second.stdout)).toMatchObject({ cached: false });
  });
});

describe('choosing the provider', () => {
  it('says once that it is offline when no key is set, and not when offline was asked for', async () => {
    const auto = await runItbot(['ask', 'how do I reset my password'], { env: { ITBOT_DATA_DIR: dataDir } });
    expect(auto.stderr.match(/answering offline/g)).toHaveLength(1);
    const forced = await runItbot(['ask', '--provider', 'offline', 'how do I reset my password'], {
      env: { ITBOT_DATA_DIR: dataDir },
    });
    expect(forced.stderr).not.toMatch(/offline/);
  });

  it('refuses --provider gemini without a key (exit 3) and an unknown provider or format (exit 2)', async () => {
    const noKey = await runItbot(['ask', '--provider', 'gemini', 'hi'], { env: { ITBOT_DATA_DIR: dataDir } });
    expect(noKey.code).toBe(3);
    expect(noKey.stderr).toContain('needs an API key');
    const unknown = await runItbot(['ask', '--provider', 'openai', 'hi'], { env: { ITBOT_DATA_DIR: dataDir } });
    expect(unknown.code).toBe(2);
    const format = await runItbot(['ask', '--output', 'xml', 'hi'], { env: { ITBOT_DATA_DIR: dataDir } });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Choose one of: text, json, stream-json');
  });
});
