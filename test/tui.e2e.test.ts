import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPaths } from '../src/paths.js';
import { makeTempDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';
import { TmuxItbot, tmuxAvailable } from './helpers/tui-tmux.js';

// The built `itbot` (no arguments: the chat) in a real terminal (tmux), as a person uses it,
// on a data dir that starts empty. Every step waits for what the screen shows, never for a time.
const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

describe.skipIf(!tmuxAvailable().ok)('itbot chat in a terminal', () => {
  let dataDir: { dir: string; cleanup: () => void };
  let chat: TmuxItbot;

  beforeAll(() => {
    dataDir = makeTempDir();
    chat = new TmuxItbot({
      ITBOT_DATA_DIR: dataDir.dir,
      ITBOT_USER: 'test.user',
      // Each model step takes 400 ms and streams, so there is a running turn to cancel.
      ITBOT_DEV_MODEL_LATENCY_MS: '400',
    });
    chat.start();
  });
  afterAll(() => {
    chat?.stop();
    // The chat used the data dir's background server (the default a person gets): end it too.
    spawnSync(process.execPath, [bundledPaths.cliEntry(), 'server', 'stop'], {
      env: { PATH: process.env.PATH ?? '', ITBOT_DATA_DIR: dataDir?.dir ?? '' },
      timeout: 20_000,
    });
    dataDir?.cleanup();
  });

  it('answers, opens a ticket with consent, shows it, takes a pasted log, cancels, and quits', async () => {
    await chat.waitFor((c) => c.includes('MCP ready') && c.includes('Ask an IT question'), 'the prompt');
    // The ticket server's first-run note is shown in the window, not written over it.
    await chat.waitFor((c) => /first run: created the embedded store/.test(c), 'the first-run note');

    chat.type('outlook keeps asking for my password');
    let capture = await chat.waitFor(
      (c) => c.includes('kb/email/outlook-keeps-asking-for-password.md') && c.includes('Ask an IT question'),
      'a cited answer',
    );
    expect(capture).toContain('✓ search_knowledge');
    expect(capture).toMatch(/^\s*1\. /m);

    chat.type('open a ticket: the 3rd floor printer is jammed');
    await chat.waitFor((c) => c.includes('create_ticket wants to change data'), 'the consent prompt');
    expect(chat.screen()).toContain('2. Allow create_ticket for the rest of this session');
    chat.type('1', false);
    capture = await chat.waitFor((c) => /Opened IT-\d{6}/.test(c), 'the new ticket number');
    const number = /Opened (IT-\d{6})/.exec(capture)?.[1] as string;

    chat.type(`/ticket ${Number(number.slice(3))}`);
    capture = await chat.waitFor((c) => c.includes(`${number} The 3rd floor printer is jammed`), 'the ticket card');
    expect(capture).toMatch(/status new · priority P\d · assignee unassigned/);
    expect(capture).toMatch(/resolution due in \d/);

    // With the chat open, one-shots in another terminal share its store (no "in use" refusal).
    const env = { ITBOT_DATA_DIR: dataDir.dir, ITBOT_BACKGROUND_SERVER: 'on' };
    const [list, ask] = await Promise.all([
      runItbot(['tickets', 'list', '--json'], { env }),
      runItbot(['ask', 'vpn error 809'], { env }),
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(number);
    expect(ask.code, ask.stderr).toBe(0);

    const log = Array.from({ length: 30 }, (_, i) => `    at Printer.spool (/srv/print/queue.js:${i + 1}:13)`).join(
      '\n',
    );
    chat.paste(`${log}\n`);
    await chat.waitFor(
      (c) => c.includes('30 lines') && c.includes('Enter sends it all'),
      'the pasted log in the input',
    );
    expect(chat.capture()).not.toContain('log="at Printer.spool'); // nothing submitted early
    chat.key('Enter');
    capture = await chat.waitFor(
      (c) => c.includes('… 22 more lines') && count(c, /nlu\+retrieval · \d/g) === 3,
      'an answer to the log',
    );
    // One message, not thirty, read as a log.
    expect(count(capture, /analyze_log log="at Printer\.spool/g)).toBe(1);

    chat.type('the vpn keeps dropping every ten minutes');
    await chat.waitFor((c) => c.includes('Ctrl+C to cancel'), 'a running turn');
    chat.key('C-c');
    capture = await chat.waitFor((c) => c.includes('Cancelled.'), 'the cancelled turn');
    expect(capture).toContain('Ask an IT question');

    chat.type('/quit');
    capture = await chat.waitFor((c) => c.includes('itbot exited with'), 'itbot to exit');
    expect(capture).toContain('itbot exited with 0');
    expect(capture).not.toMatch(/internal error|\/dist\/.*\.js:\d+|node:internal/); // no stack trace of ours
    expect(chat.screen()).not.toContain('Ask an IT question'); // the prompt is gone, the transcript stays
  }, 120_000);
});
