import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';

// `itbot tickets …` as staff would use it, on the embedded store with the sample company.
describe('itbot tickets', () => {
  let dataDir: string;
  let cleanup: () => void;
  const env = () => ({ ITBOT_DATA_DIR: dataDir, ITBOT_USER: 'maria.lopez' });
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
    expect(stale.code).toBe(9); // a conflict, not bad usage
    expect(stale.stderr).toMatch(/changed since you read it/);

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

  it('rejects bad input with a clear message and exit code 2', async () => {
    const badStatus = await itbot('tickets', 'list', '--status', 'lost');
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/Unknown status "lost".*Choose one of: new, open/s);
    const badImpact = await itbot('tickets', 'create', '--title', 'x', '--impact', '9');
    expect(badImpact.stderr).toMatch(/--impact must be 1, 2 or 3/);
    const missing = await itbot('tickets', 'show', 'IT-999999');
    expect(missing.stderr).toMatch(/There is no ticket IT-999999/);
  });
});
