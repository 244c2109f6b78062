import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';

// `itbot tickets …` as staff would use it, on the embedded store with the sample company.
describe('itbot tickets', () => {
  let dataDir: string;
  let cleanup: () => void;
  // The router is tested on its own (routing.e2e): here the timelines hold only what staff did.
  const env = () => ({ ITBOT_DATA_DIR: dataDir, ITBOT_USER: 'maria.lopez', ITBOT_ROUTING_THRESHOLD: 'off' });
  const itbot = (...args: string[]) => runItbot(args, { env: env() });
  beforeAll(() => {
    ({ dir: dataDir, cleanup } = makeSeededDataDir());
  });
  afterAll(() => cleanup?.());

  it('creates, lists, updates, shows and closes a ticket', async () => {
    const created = await itbot(
      'tickets',
      'create',
      '--title',
      'Docking station dead',
      '--category',
      'Devices',
      '--impact',
      '3',
      '--urgency',
      '1',
      '--json',
    );
    expect(created.code).toBe(0);
    const { ticket } = JSON.parse(created.stdout) as { ticket: { number: string; priority: string; group: string } };
    expect(ticket.priority).toBe('P3');

    const list = await itbot('tickets', 'list');
    expect(list.stdout).toMatch(/^NUMBER\s+STATUS\s+PRI\s+ASSIGNEE\s+GROUP\s+OPENED\s+TITLE$/m);
    expect(list.stdout).toContain(ticket.number);

    const updated = await itbot(
      'tickets',
      'update',
      ticket.number,
      '--expected-version',
      '1',
      '--priority',
      'P2',
      '--add-tag',
      'dock,hardware',
    );
    expect(updated.stdout).toMatch(/Updated IT-\d{6} \(now version 2\):\n\s+priority: "P3" → "P2"/);
    const stale = await itbot('tickets', 'update', ticket.number, '--expected-version', '1', '--title', 'x');
    expect(stale.code).toBe(9);
    expect(stale.stderr).toMatch(
      /changed since you read it \(version 1; it is now at version 2\), so nothing was written/,
    );
    expect(stale.stderr).toMatch(
      /Changed since:\n\s+\S+ \S+\s+field by maria\.lopez \(agent\) tags: .*priority: "P3" → "P2"/,
    );
    // Without --expected-version the version just read is used: a person never types it.
    expect((await itbot('tickets', 'update', ticket.number, '--urgency', '2')).stdout).toMatch(/now version 3/);

    const close = await itbot('tickets', 'close', ticket.number);
    expect(close.code).toBe(2);
    expect(close.stderr).toMatch(/needs --code/);
    expect((await itbot('tickets', 'close', ticket.number, '--code', 'fixed', '--notes', 'new dock')).stdout).toMatch(
      /Closed IT-\d{6} \(fixed\)/,
    );

    const show = await itbot('tickets', 'show', ticket.number);
    expect(show.stdout).toMatch(/status closed · priority P2 \(set by hand\)/);
    expect(show.stdout).toMatch(/resolved: fixed — new dock/);
    expect(show.stdout).toMatch(
      /status by maria\.lopez \(agent\) status: "new" → "resolved"; resolutionCode: null → "fixed"/,
    );
    expect(show.stdout).toMatch(/status by maria\.lopez \(agent\) status: "resolved" → "closed"/);
  });

  it('rejects bad input (exit 2) and an unknown ticket (exit 8) with a clear message', async () => {
    const badStatus = await itbot('tickets', 'list', '--status', 'lost');
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/Unknown status "lost".*Choose one of: new, open/s);
    const badImpact = await itbot('tickets', 'create', '--title', 'x', '--impact', '9');
    expect(badImpact.stderr).toMatch(/--impact must be 1, 2 or 3/);
    const missing = await itbot('tickets', 'show', 'IT-999999');
    expect(missing.stderr).toMatch(/There is no ticket IT-999999\.\n\s+Closest: IT-\d{6} \(the newest ticket\)/);
    expect(missing.code).toBe(8);
  });

  // About twenty itbot processes one after another: on a loaded 2-core machine that takes minutes.
  it('works a ticket with one command per tool', async () => {
    const number = (out: string) => (JSON.parse(out) as { ticket: { number: string } }).ticket.number;
    const first = number((await itbot('tickets', 'create', '--title', 'VPN drops every ten minutes', '--json')).stdout);
    const second = number((await itbot('tickets', 'create', '--title', 'VPN keeps dropping', '--json')).stdout);

    expect((await itbot('tickets', 'assign', first, '--to', 'aisha.khan')).stdout).toBe(
      `${first} is now with aisha.khan (Network).\n`,
    );
    expect((await itbot('tickets', 'assign', second, '--me')).stdout).toMatch(/now with maria\.lopez \(Service Desk\)/);
    expect((await itbot('tickets', 'assign', second, '--group', 'network')).stdout).toMatch(/\(Network\)/);
    expect((await itbot('tickets', 'note', first, 'gateway logs show resets')).stdout).toMatch(/internal note/);
    expect((await itbot('tickets', 'reply', first, 'we are looking into it')).stdout).toMatch(
      /Replied to the requester/,
    );
    const noReason = await itbot('tickets', 'hold', first);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/needs a reason/);
    expect((await itbot('tickets', 'hold', first, 'waiting for the user')).stdout).toMatch(
      /is now pending \(waiting for the user\)/,
    );
    expect((await itbot('tickets', 'reopen', first)).stdout).toMatch(/is open again/);
    expect((await itbot('tickets', 'link', second, '--to', first, '--kind', 'caused_by')).stdout).toBe(
      `Linked: ${second} caused_by ${first}.\n`,
    );
    expect((await itbot('tickets', 'merge', second, '--into', first)).stdout).toMatch(
      new RegExp(`Merged ${second} into ${first}`),
    );
    expect((await itbot('tickets', 'resolve', first, '--code', 'fixed', 'lowered the MTU')).stdout).toMatch(
      /is now resolved \(fixed: lowered the MTU\)/,
    );
    expect((await itbot('tickets', 'reopen', first, 'dropped again')).stdout).toMatch(/is open again/);
    expect((await itbot('tickets', 'cancel', first, 'a network change fixed it')).stdout).toMatch(/is canceled/);

    const show = await itbot('tickets', 'show', first, '--json');
    const kinds = (JSON.parse(show.stdout) as { events: { kind: string }[] }).events.map((e) => e.kind);
    expect(kinds).toEqual([
      'created',
      'assignment',
      'note',
      'reply',
      'status',
      'status',
      'link',
      'merge',
      'status',
      'status',
      'status',
    ]);
    const merged = await itbot('tickets', 'show', second);
    expect(merged.stdout).toMatch(/status merged/);
  }, 180_000);

  it('says who a ticket can go to, and the closest match for a typo', async () => {
    const agents = await itbot('users', '--role', 'agent');
    expect(agents.stdout).toMatch(/^USERNAME\s+NAME\s+ROLE\s+GROUPS\s+DEPARTMENT\s+LOCATION$/m);
    expect(agents.stdout).toMatch(/^aisha\.khan\s+Aisha Khan\s+agent\s+Network/m);
    const network = JSON.parse((await itbot('users', '--group', 'Network', '--json')).stdout) as {
      users: { username: string }[];
    };
    expect(network.users.map((u) => u.username)).toEqual(['aisha.khan', 'lukas.novak']);
    expect((await itbot('groups')).stdout).toMatch(/^Network\s+2\s+aisha\.khan, lukas\.novak$/m);
    expect((await itbot('categories')).stdout).toMatch(/^Accounts & Access\/Password Reset\s+Service Desk$/m);

    const { ticket } = JSON.parse((await itbot('tickets', 'create', '--title', 'Wi-Fi slow', '--json')).stdout) as {
      ticket: { number: string };
    };
    const user = await itbot('tickets', 'assign', ticket.number, '--to', 'aisah');
    expect(user.code).toBe(8);
    expect(user.stderr).toMatch(/There is no agent "aisah"\.\n\s+Closest: aisha\.khan \(Aisha Khan, Network\)\./);
    const group = await itbot('tickets', 'assign', ticket.number, '--group', 'netwrk');
    expect(group.code).toBe(8);
    expect(group.stderr).toMatch(/There is no group "netwrk"\.\n\s+Closest: Network\./);
    expect((await itbot('users', '--group', 'netwrk')).code).toBe(8);
  });
});
