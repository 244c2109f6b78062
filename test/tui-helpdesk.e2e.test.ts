import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPaths } from '../src/paths.js';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';
import { TmuxItbot, tmuxAvailable } from './helpers/tui-tmux.js';

// An agent's morning in a real terminal (tmux): the chat says a group ticket is at risk without
// being asked, sends a canned reply and attaches a log; then `itbot tickets update` on a ticket
// someone changed meanwhile asks before applying on top of the new version.
describe.skipIf(!tmuxAvailable().ok)('a helpdesk agent in a terminal', () => {
  let dataDir: { dir: string; cleanup: () => void };
  let terminal: TmuxItbot | undefined;
  const env = () => ({
    ITBOT_DATA_DIR: dataDir.dir,
    ITBOT_USER: 'maria.lopez',
    ITBOT_ROUTING_THRESHOLD: 'off',
    ITBOT_SLA_POLL_SECONDS: '1',
    // Everything shares the data dir's background server, as a person's terminals do.
    ITBOT_BACKGROUND_SERVER: 'on',
  });
  const itbot = (...args: string[]) => runItbot(args, { env: env(), timeoutMs: 60_000 });
  const logFile = () => path.join(dataDir.dir, 'vpn client.log');
  const openTerminal = (args: string[] = []) => {
    terminal?.stop();
    terminal = new TmuxItbot(env());
    terminal.start(args);
    return terminal;
  };

  beforeAll(async () => {
    dataDir = makeSeededDataDir();
    // A P1 for maria.lopez's group: resolution due in 4 h, inside the default at-risk window.
    const urgent = await itbot(
      'tickets',
      'create',
      '--title',
      'VPN down for the whole office',
      '--requester',
      'james.whitfield',
      '--impact',
      '1',
      '--urgency',
      '1',
      '--group',
      'Service Desk',
    );
    expect(urgent.stdout).toMatch(/^Created IT-000001 \(P1, Service Desk\)/);
    expect(
      (await itbot('macros', 'add', 'on-it', 'Hi {requester.first_name}, {ticket.number} is being worked on.')).code,
    ).toBe(0);
    fs.writeFileSync(
      logFile(),
      'ERROR RasClient: The error code returned on failure is 809.\nERROR RasClient: The error code returned on failure is 809.\n',
    );
  }, 120_000);
  afterAll(() => {
    terminal?.stop();
    // The chat and the commands used the data dir's background server (a person's default): end it.
    spawnSync(process.execPath, [bundledPaths.cliEntry(), 'server', 'stop'], {
      env: { PATH: process.env.PATH ?? '', ITBOT_DATA_DIR: dataDir?.dir ?? '' },
      timeout: 20_000,
    });
    dataDir?.cleanup();
  });

  it('the chat: an SLA notice unasked, a macro reply and an attached log, each after consent', async () => {
    const chat = openTerminal();
    await chat.waitFor((c) => c.includes('MCP ready') && c.includes('Ask an IT question'), 'the prompt', 60_000);
    let capture = await chat.waitFor(
      (c) => /SLA at risk: resolution due in .* IT-000001 \(Service Desk, P1\) VPN down/.test(c),
      'the SLA notice',
      30_000,
    );
    expect(chat.screen()).toMatch(/SLA 1 at risk/);

    chat.type('/reply 1 on-it');
    await chat.waitFor((c) => c.includes('reply_with_macro wants to change data'), 'the consent prompt');
    chat.type('1', false);
    capture = await chat.waitFor(
      (c) => c.includes('Replied to james.whitfield on IT-000001 with on-it: Hi James, IT-000001 is being worked on.'),
      'the reply as sent',
    );

    chat.type(`/attach 1 "${logFile()}"`);
    await chat.waitFor((c) => c.includes('add_attachment wants to change data'), 'the consent prompt');
    expect(chat.capture()).not.toMatch(/RasClient/); // the prompt shows the size, not the bytes
    chat.type('1', false);
    capture = await chat.waitFor((c) => c.includes('Log analysis: error 809 (×2)'), 'the log analysis');
    expect(capture).toMatch(/Attached vpn client\.log \(text\/plain, 1\d\d B\) to IT-000001 as attachment 1\./);

    chat.type('/attach 1 /no/such/file.log');
    capture = await chat.waitFor((c) => c.includes('There is no file /no/such/file.log.'), 'the refusal');

    chat.type('/ticket 1');
    capture = await chat.waitFor((c) => c.includes('attachments 1 vpn client.log (text/plain'), 'the card');

    chat.type('/quit');
    capture = await chat.waitFor((c) => c.includes('itbot exited with'), 'itbot to exit');
    expect(capture).toContain('itbot exited with 0');
    expect(capture).not.toMatch(/internal error|\/dist\/.*\.js:\d+|node:internal/);
  }, 180_000);

  it('tickets update on a terminal: shows what changed and asks; yes applies on top, no exits 9', async () => {
    const read = JSON.parse((await itbot('tickets', 'show', '1', '--json')).stdout) as { ticket: { version: number } };
    const seen = read.ticket.version;
    // A colleague adds a note after this person read the ticket.
    expect(
      (await runItbot(['tickets', 'note', '1', 'router rebooted'], { env: { ...env(), ITBOT_USER: 'aisha.khan' } }))
        .code,
    ).toBe(0);

    let term = openTerminal([
      'tickets',
      'update',
      '1',
      '--expected-version',
      String(seen),
      '--title',
      'Office VPN down',
    ]);
    let capture = await term.waitFor(
      (c) => c.includes(`Apply your change on top of version ${seen + 1}? [y/N]`),
      'the question',
      60_000,
    );
    expect(capture).toMatch(/note \(internal\) by aisha\.khan \(agent\) router rebooted/);
    term.type('y');
    capture = await term.waitFor((c) => c.includes('itbot exited with'), 'itbot to exit', 60_000);
    expect(capture).toContain(`Updated IT-000001 (now version ${seen + 2}):`);
    expect(capture).toContain('itbot exited with 0');

    term = openTerminal(['tickets', 'update', '1', '--expected-version', String(seen), '--title', 'Something else']);
    await term.waitFor(
      (c) => c.includes(`Apply your change on top of version ${seen + 2}? [y/N]`),
      'the question',
      60_000,
    );
    term.type('n');
    capture = await term.waitFor((c) => c.includes('itbot exited with'), 'itbot to exit', 60_000);
    expect(capture).toContain('so nothing was written');
    expect(capture).toContain('itbot exited with 9');
    const after = JSON.parse((await itbot('tickets', 'show', '1', '--json')).stdout) as { ticket: { title: string } };
    expect(after.ticket.title).toBe('Office VPN down');
  }, 180_000);
});
