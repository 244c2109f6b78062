import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { RawMcpSession } from './helpers/raw-mcp-session.js';
import { runItbot } from './helpers/run-itbot.js';

// A retry after a crash never duplicates: every create from the CLI and from `ask` carries an
// idempotency key derived from the request, and a key reused for something else is refused.

let dataDir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir: dataDir, cleanup } = makeSeededDataDir());
});
afterAll(() => cleanup?.());

const env = () => ({ ITBOT_DATA_DIR: dataDir, ITBOT_USER: 'maria.lopez' });

async function ticketsMatching(text: string): Promise<string[]> {
  const list = await runItbot(['tickets', 'list', '--all', '--json', '--text', `"${text}"`], { env: env() });
  return (JSON.parse(list.stdout) as { tickets: { number: string }[] }).tickets.map((t) => t.number);
}

describe('idempotent writes', () => {
  it('itbot ask --yes run twice (a retry after a kill) opens one ticket', async () => {
    const question = 'open a ticket: the badge reader at door 3 is dead';
    const first = await runItbot(['ask', '--yes', question], { env: env() });
    expect(first.code, first.stderr).toBe(0);
    const retry = await runItbot(['ask', '--yes', question], { env: env() });
    expect(retry.code, retry.stderr).toBe(0);
    expect(await ticketsMatching('badge reader at door 3')).toHaveLength(1);
  });

  it('itbot tickets create run twice opens one ticket and says so; a reused key with other details is refused (exit 9)', async () => {
    const create = (...args: string[]) => runItbot(['tickets', 'create', ...args], { env: env() });
    const first = await create('--title', 'Projector flickers in room 2');
    expect(first.stdout).toMatch(/^Created IT-\d{6}/);
    const again = await create('--title', 'Projector flickers in room 2');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Already opened as IT-\d{6} by the same request earlier today/);
    expect(await ticketsMatching('Projector flickers in room 2')).toHaveLength(1);

    expect((await create('--title', 'Scanner jams', '--idempotency-key', 'scanner-key-1')).code).toBe(0);
    const reused = await create('--title', 'Scanner eats paper', '--idempotency-key', 'scanner-key-1');
    expect(reused.code).toBe(9);
    expect(reused.stderr).toMatch(/already used to open IT-\d{6}, with different details/);
    expect(await ticketsMatching('Scanner eats paper')).toHaveLength(0);
  });

  it('itbot tickets note and reply run twice add one each; the MCP tools refuse a key reused for other text (exit 9)', async () => {
    const created = await runItbot(['tickets', 'create', '--title', 'Keyed notes and replies', '--json'], {
      env: env(),
    });
    const number = (JSON.parse(created.stdout) as { ticket: { number: string } }).ticket.number;
    const note = () => runItbot(['tickets', 'note', number, 'Called the user, no answer'], { env: env() });
    expect((await note()).stdout).toMatch(/^Added an internal note/);
    const noteAgain = await note();
    expect(noteAgain.code, noteAgain.stderr).toBe(0);
    expect(noteAgain.stdout).toMatch(/already on IT-\d{6} from earlier today; not added again/);
    const reply = () => runItbot(['tickets', 'reply', number, 'We are on it'], { env: env() });
    expect((await reply()).stdout).toMatch(/^Replied to the requester/);
    expect((await reply()).stdout).toMatch(/already sent .* not sent again/);
    const show = await runItbot(['tickets', 'show', number, '--json'], { env: env() });
    const { ticket, events } = JSON.parse(show.stdout) as { ticket: { version: number }; events: { kind: string }[] };
    expect(events.map((event) => event.kind).sort()).toEqual(['created', 'note', 'reply']);
    expect(ticket.version).toBe(3);

    const session = new RawMcpSession(dataDir);
    try {
      await session.initialize();
      const call = (id: number, name: string, text: string) =>
        session.request(id, 'tools/call', {
          name,
          arguments: { ticket: number, text, idempotency_key: 'mcp-message-key-1' },
        });
      const first = await call(1, 'add_internal_note', 'Swapped the cable');
      expect(first.result?.isError, JSON.stringify(first)).toBeFalsy();
      const retry = await call(2, 'add_internal_note', 'Swapped the cable');
      expect((retry.result?.structuredContent as { added?: boolean } | undefined)?.added).toBe(false);
      const reused = await call(3, 'reply_to_ticket', 'Swapped the cable');
      expect(reused.result?.isError).toBe(true);
      expect(reused.result?.content?.[0]?.text).toMatch(
        /already used to add a note to IT-\d{6}, with different details/,
      );
    } finally {
      await session.close();
    }
  });

  it('a client killed mid-write leaves no EPIPE stack trace in the server', async () => {
    const session = new RawMcpSession(dataDir);
    try {
      await session.initialize();
      // The client goes away right after asking for a write: the server answers into a closed pipe.
      session.child.stdin.write(
        `${JSON.stringify({
          jsonrpc: '2.0',
          id: 99,
          method: 'tools/call',
          params: {
            name: 'create_ticket',
            arguments: { title: 'Epipe dock replacement', idempotency_key: 'epipe-key-0001' },
          },
        })}\n`,
      );
      session.child.stdout.destroy();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const exited = new Promise<number | null>((resolve) => session.child.once('exit', resolve));
      session.child.stdin.end();
      expect(await exited).toBe(0);
      expect(session.stderr).not.toMatch(/EPIPE|Error:|at .*\.js:\d+/);
    } finally {
      await session.close();
    }
    // The write itself committed once, and a retry with its key returns it.
    expect(await ticketsMatching('Epipe dock replacement')).toHaveLength(1);
  });
});
