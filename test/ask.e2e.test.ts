import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPaths } from '../src/paths.js';
import { makeTempDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';

// The built `itbot ask`, run as a user would, against a data dir that starts empty.
let dataDir: string;
let cleanup: () => void;
const env = () => ({ ITBOT_DATA_DIR: dataDir });

beforeAll(() => {
  ({ dir: dataDir, cleanup } = makeTempDir());
});
afterAll(() => cleanup());

interface AskJson {
  answer: string;
  citations: { title: string; path: string }[];
  toolCalls: { name: string; arguments: Record<string, unknown>; outcome: string }[];
  timings: Record<string, number>;
  provider: string;
  exitCode: number;
}

async function askJson(question: string, extra: string[] = []): Promise<AskJson> {
  const run = await runItbot(['ask', '--json', ...extra, question], { env: env() });
  expect(run.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  return JSON.parse(run.stdout) as AskJson;
}

describe('itbot ask', () => {
  it('sets up a fresh data dir on first use and answers with the article that solves the problem', async () => {
    const run = await runItbot(['ask', 'my print job is stuck in the queue and nothing comes out'], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/first run: created the embedded store .* articles indexed/);
    expect(run.stdout).toContain('Source: Print job stuck in the queue — kb/printing/print-job-stuck-in-queue.md');
    expect(run.stdout).toMatch(/^\s*1\. /m); // numbered steps from the article
  });

  it.each([
    ['outlook keeps asking for my password', 'kb/email/outlook-keeps-asking-for-password.md'],
    ['the VPN says connected but intranet sites will not load', 'kb/network/vpn-connected-no-internal-sites.md'],
    ['I got a new phone, how do I move the Authenticator app for MFA?', 'kb/accounts/mfa-setup-new-phone.md'],
    ['I think I clicked a link in a phishing email, what now?', 'kb/security/clicked-phishing-link.md'],
    ['my laptop asks for a BitLocker recovery key at startup', 'kb/devices/bitlocker-recovery-key.md'],
  ])('cites the right article for "%s"', async (question, path) => {
    const result = await askJson(question);
    expect(result.exitCode).toBe(0);
    expect(result.citations[0]?.path).toBe(path);
    expect(result.toolCalls.map((call) => [call.name, call.outcome])).toEqual([
      ['search_knowledge', 'done'],
      ['get_article', 'done'],
    ]);
    expect(result.provider).toBe('offline');
    expect(result.timings.totalMs).toBeGreaterThan(0);
  });

  it('offers a ticket when nothing in the knowledge base matches', async () => {
    const result = await askJson('what is the capital of france');
    expect(result.citations).toEqual([]);
    expect(result.answer).toMatch(/couldn't find .* open a ticket/s);
  });

  it('reads the question from stdin', async () => {
    const run = await runItbot(['ask', '--json'], { env: env(), input: 'printer keeps printing blank pages\n' });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as AskJson).toolCalls[0]?.arguments).toMatchObject({
      query: 'printer keeps printing blank pages',
    });
  });

  it('does not open a ticket without --yes, and says what it would have done', async () => {
    const result = await askJson('open a ticket: the docking station in room 3.12 is dead');
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        name: 'create_ticket',
        outcome: 'not_allowed',
        arguments: expect.objectContaining({ title: 'The docking station in room 3.12 is dead' }),
      }),
    ]);
    expect(result.answer).toMatch(/would open a ticket .* --yes/);
    const list = await askJson('tickets I raised');
    expect(list.toolCalls[0]).toMatchObject({ name: 'search_tickets', arguments: { requester: 'me' } });
    expect(list.answer).toMatch(/No tickets match/);
  });

  it('opens a ticket with --yes, then finds it by number and in the list', async () => {
    const created = await askJson('please raise a ticket, the docking station in room 3.12 is dead', ['--yes']);
    expect(created.toolCalls[0]).toMatchObject({ name: 'create_ticket', outcome: 'done' });
    const number = /IT-\d{6}/.exec(created.answer)?.[0] as string;
    expect(number).toBeDefined();

    const status = await askJson(`any update on #${Number(number.slice(3))}?`);
    expect(status.toolCalls[0]).toMatchObject({ name: 'get_ticket', outcome: 'done' });
    expect(status.answer).toContain(`${number}: The docking station in room 3.12 is dead`);
    expect(status.answer).toMatch(/Status: new/);

    // "Mine" is assigned to me: the ticket I raised is in my requests, not in my tickets.
    const raised = await askJson('tickets I raised');
    expect(raised.answer).toContain(number);
    const mineBefore = await askJson('what tickets do I have');
    expect(mineBefore.toolCalls[0]).toMatchObject({ name: 'search_tickets', arguments: { assignee: 'me' } });
    expect(mineBefore.answer).not.toContain(number);
    const given = await askJson(`give ${Number(number.slice(3))} to maria`, ['--yes']);
    expect(given.toolCalls[0]).toMatchObject({
      name: 'assign_ticket',
      outcome: 'done',
      arguments: { assignee: 'maria.lopez' },
    });
    const marias = await askJson("what's on maria's plate");
    expect(marias.answer).toContain(number);
  });

  it.each([
    ['no question', ['ask'], {}, 2, /No question given|question is empty/],
    ['an unknown option', ['ask', '--frobnicate', 'hi'], {}, 2, /unknown option/],
    ['an unknown provider', ['ask', '--provider', 'gpt', 'hi'], {}, 2, /Unknown provider/],
    ['a malformed DATABASE_URL', ['ask', 'hi'], { DATABASE_URL: 'not a url' }, 3, /DATABASE_URL is not a valid URL/],
    [
      'an unreachable database',
      ['ask', 'vpn help'],
      { DATABASE_URL: 'postgres://itbot@127.0.0.1:9/itbot' },
      4,
      /Cannot connect to PostgreSQL/,
    ],
    ['an unknown ticket', ['ask', 'status of IT-777777'], {}, 8, /There is no ticket IT-777777/],
    [
      'a data dir that cannot be created',
      ['ask', 'vpn help'],
      { ITBOT_DATA_DIR: '/proc/itbot-test' },
      4,
      /Cannot create the data dir/,
    ],
  ])('exits with a clear message and a distinct code for %s', async (_case, args, extraEnv, code, message) => {
    const run = await runItbot(args, { env: { ...env(), ...extraEnv } });
    expect(run.code).toBe(code);
    expect(`${run.stdout}${run.stderr}`).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('waits for, then names, another process holding the embedded store', async () => {
    const holder = spawn(process.execPath, [bundledPaths.cliEntry(), 'mcp'], {
      env: { ...process.env, ...env() },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // let it take the lock
      const run = await runItbot(['ask', 'vpn help'], { env: { ...env(), ITBOT_LOCK_WAIT_MS: '300' } });
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/in use by another itbot process \(pid \d+, itbot mcp/);
      expect(run.stderr).toMatch(/DATABASE_URL/);
    } finally {
      holder.stdin.end();
      await new Promise((resolve) => holder.on('close', resolve));
    }
  });
});
