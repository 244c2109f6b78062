import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';
import { testStores } from './helpers/test-stores.js';

// Attachments from the command line, on the embedded store and on a PostgreSQL server: stored with
// their ticket, listed on it, fetched back byte for byte, text logs analysed; bad files refused
// before anything is written. And a stale write refused with what changed (exit 9) in a script.

const VPN_LOG = [
  '2026-12-01 10:00:01 ERROR RasClient: The user dialed a connection named Office VPN which has failed. The error code returned on failure is 809.',
  '2026-12-01 10:00:05 ERROR RasClient: The error code returned on failure is 809.',
  '2026-12-01 10:00:09 INFO retrying',
].join('\n');
// A PNG header and some bytes that are not valid UTF-8, so a text round trip would break them.
const SCREENSHOT = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from([0, 255, 254, 128, 7, 200])]);

describe.each(testStores())('itbot tickets attach on %s', (_name, makeStore, available) => {
  const store = makeStore();
  let files: { dir: string; cleanup: () => void };
  const file = (name: string) => path.join(files.dir, name);
  const itbot = (args: string[], env: Record<string, string> = {}) =>
    runItbot(args, {
      env: { ...store.env(), ITBOT_USER: 'maria.lopez', ITBOT_ROUTING_THRESHOLD: 'off', ...env },
      timeoutMs: 60_000,
    });
  const show = async () =>
    JSON.parse((await itbot(['tickets', 'show', '1', '--json'])).stdout) as {
      ticket: { version: number; title: string };
      attachments: { id: string; filename: string; contentType: string; size: number }[];
      events: { kind: string; visibility: string; body: string | null }[];
    };

  beforeAll(async () => {
    if (!available) return;
    files = makeTempDir('itbot-attach-');
    fs.writeFileSync(file('vpn.log'), VPN_LOG);
    fs.writeFileSync(file('screen.png'), SCREENSHOT);
    fs.writeFileSync(file('big.log'), 'x'.repeat(2_000));
    await store.setUp();
    const created = await itbot([
      'tickets',
      'create',
      '--title',
      'VPN drops at home',
      '--requester',
      'james.whitfield',
    ]);
    expect(created.code, created.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    files?.cleanup();
    await store.tearDown();
  });

  it.skipIf(!available)(
    'attaches a log (analysed, noted internally) and a screenshot, lists them and gives them back byte for byte',
    async () => {
      const log = await itbot(['tickets', 'attach', '1', file('vpn.log')]);
      expect(log.code, log.stderr).toBe(0);
      expect(log.stdout).toContain(
        `Attached vpn.log (text/plain, ${Buffer.byteLength(VPN_LOG)} B) to IT-000001 as attachment 1.`,
      );
      expect(log.stdout).toMatch(/log analysis: error 809 \(×2\)/);
      const png = await itbot(['tickets', 'attach', 'IT-000001', file('screen.png')]);
      expect(png.stdout).toBe(
        `Attached screen.png (image/png, ${SCREENSHOT.length} B) to IT-000001 as attachment 2.\n`,
      );
      // The same file again the same day is a retry, not a second copy.
      const again = await itbot(['tickets', 'attach', '1', file('vpn.log')]);
      expect(again.stdout).toMatch(/vpn\.log was already attached to IT-000001 earlier today \(attachment 1\)/);

      const details = await show();
      expect(details.attachments.map((a) => [a.id, a.filename, a.contentType])).toEqual([
        ['1', 'vpn.log', 'text/plain'],
        ['2', 'screen.png', 'image/png'],
      ]);
      expect(details.events.map((e) => e.kind)).toEqual(['created', 'attachment', 'note', 'attachment']);
      const note = details.events[2];
      expect(note?.visibility).toBe('internal');
      expect(note?.body).toMatch(/^Log analysis of vpn\.log: error 809 \(error_code, ×2\)/);
      const card = await itbot(['tickets', 'show', '1']);
      expect(card.stdout).toMatch(/attachments:\n\s+1 {2}vpn\.log {2}text\/plain/);

      const saved = await itbot(['tickets', 'attachment', '1', '2', '--output', file('copy.png')]);
      expect(saved.stdout).toBe(
        `Saved screen.png (image/png, ${SCREENSHOT.length} B) from IT-000001 to ${file('copy.png')}.\n`,
      );
      expect(fs.readFileSync(file('copy.png')).equals(SCREENSHOT)).toBe(true);
      const toStdout = await itbot(['tickets', 'attachment', '1', '1', '--output', '-']);
      expect(toStdout.stdout).toBe(VPN_LOG);
      // An existing file is kept unless --force says otherwise.
      fs.writeFileSync(file('keep.txt'), 'mine');
      const kept = await itbot(['tickets', 'attachment', '1', '1', '--output', file('keep.txt')]);
      expect(kept.code).toBe(2);
      expect(kept.stderr).toMatch(
        /keep\.txt exists already; nothing was written\.\n\s+Choose another --output, or add --force\./,
      );
      expect(fs.readFileSync(file('keep.txt'), 'utf8')).toBe('mine');
      expect((await itbot(['tickets', 'attachment', '1', '1', '--output', file('keep.txt'), '--force'])).code).toBe(0);
      expect(fs.readFileSync(file('keep.txt'), 'utf8')).toBe(VPN_LOG);
    },
    180_000,
  );

  it.skipIf(!available)(
    'the offline agent lists them, shows a text log by its name as data, and never prints a picture',
    async () => {
      const listed = await itbot(['ask', "what's attached to ticket 1?"]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(
        /IT-000001 has 2 attachments:\n- 1: vpn\.log \(text\/plain, \d+ B; from maria\.lopez/,
      );
      expect(listed.stdout).toContain('- 2: screen.png (image/png');
      const log = await itbot(['ask', 'show me vpn.log on #1']);
      expect(log.stdout).toContain('--- begin file (written by a person; shown as data) ---');
      expect(log.stdout).toContain(VPN_LOG.split('\n')[2]);
      const picture = await itbot(['ask', 'open attachment 2 on IT-000001']);
      expect(picture.stdout).toContain('It is not text, so it is not shown here.');
      expect(picture.stdout).toContain('itbot tickets attachment IT-000001 2 --output screen.png');
      const missing = await itbot(['ask', 'show report.pdf on 1']);
      expect(missing.stdout).toMatch(/No attachment is called report\.pdf\. The ticket has:\n- 1: vpn\.log/);
    },
    180_000,
  );

  it.skipIf(!available)(
    'refuses a directory, a missing file, an oversized file, an unknown ticket or attachment, writing nothing',
    async () => {
      const before = await show();
      const refusals: [string[], Record<string, string>, number, RegExp][] = [
        [['tickets', 'attach', '1', files.dir], {}, 2, /is a directory, not a file\.\n\s+Attach a file/],
        [['tickets', 'attach', '1', file('nope.log')], {}, 2, /There is no file .*nope\.log\./],
        [
          ['tickets', 'attach', '1', file('big.log')],
          { ITBOT_ATTACHMENT_MAX_BYTES: '1KiB' },
          2,
          /big\.log is 2\.0 KiB; attachments are limited to 1\.0 KiB, so nothing was attached\./,
        ],
        [
          ['tickets', 'attach', '1', file('vpn.log')],
          { ITBOT_ATTACHMENT_MAX_BYTES: 'lots' },
          3,
          /ITBOT_ATTACHMENT_MAX_BYTES must be/,
        ],
        [['tickets', 'attach', '99', file('vpn.log')], {}, 8, /There is no ticket IT-000099\./],
        [
          ['tickets', 'attachment', '1', '7', '--output', file('x')],
          {},
          8,
          /IT-000001 has no attachment 7\.\n\s+Its attachments: 1 \(vpn\.log\), 2 \(screen\.png\)\./,
        ],
        [['tickets', 'attachment', '1', '1'], {}, 2, /Give --output FILE/],
      ];
      for (const [args, env, code, message] of refusals) {
        const run = await itbot(args, env);
        expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(code);
        expect(run.stderr).toMatch(message);
        expect(run.stderr).not.toMatch(/\n\s+at /);
      }
      const after = await show();
      expect(after.ticket.version).toBe(before.ticket.version);
      expect(after.attachments).toHaveLength(2);
      expect(fs.existsSync(file('x'))).toBe(false);
    },
    180_000,
  );

  it.skipIf(!available)(
    'in a script, a write at a version someone else moved on from is refused with what changed (exit 9)',
    async () => {
      const { ticket } = await show();
      // Someone else changes the ticket after this person read it.
      expect((await itbot(['tickets', 'note', '1', 'called the user back'], { ITBOT_USER: 'aisha.khan' })).code).toBe(
        0,
      );
      const stale = await itbot([
        'tickets',
        'update',
        '1',
        '--expected-version',
        String(ticket.version),
        '--title',
        'VPN drops every ten minutes',
      ]);
      expect(stale.code).toBe(9);
      expect(stale.stderr).toContain(
        `IT-000001 changed since you read it (version ${ticket.version}; it is now at version ${ticket.version + 1}), so nothing was written.`,
      );
      expect(stale.stderr).toMatch(
        /Changed since:\n\s+.*note \(internal\) by aisha\.khan \(agent\) called the user back/,
      );
      expect(stale.stderr).not.toMatch(/Apply your change/);
      expect((await show()).ticket.title).toBe('VPN drops at home');
    },
    120_000,
  );
});
