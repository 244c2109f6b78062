import { afterAll, it as base, beforeAll, describe, expect } from 'vitest';
import { runItbot } from './helpers/run-itbot.js';
import { testStores } from './helpers/test-stores.js';

// The requester's contact on `tickets show`, and `tickets list --sla`, on the embedded store and
// on a PostgreSQL server.
describe.each(testStores())('itbot tickets: requester contact and SLA on %s', (_name, makeStore, available) => {
  const store = makeStore();
  const it = available ? base : base.skip;
  const itbot = (args: string[], env: Record<string, string> = {}) =>
    runItbot(args, { env: { ...store.env(), ITBOT_USER: 'maria.lopez', ...env } });
  const create = async (title: string, ...extra: string[]) => {
    const run = await itbot(['tickets', 'create', '--title', title, ...extra, '--json']);
    expect(run.stderr).toBe('');
    return (JSON.parse(run.stdout) as { ticket: { number: string } }).ticket.number;
  };
  /** Moves a ticket's resolution deadline (no server holds the store between runs). */
  const dueIn = (number: string, minutes: number) =>
    store.query(`UPDATE tickets SET resolution_due = now() + make_interval(mins => $2) WHERE number = $1`, [
      number,
      minutes,
    ]);
  beforeAll(async () => {
    if (available) await store.setUp();
  }, 120_000);
  afterAll(() => store.tearDown());

  it("shows the requester's name, email, department and site from the directory", async () => {
    const number = await create('Expense report export fails', '--requester', 'james.whitfield');
    const show = await itbot(['tickets', 'show', number]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('contact James Whitfield <james.whitfield@northwind.example> · Finance · London');
    const json = JSON.parse((await itbot(['tickets', 'show', number, '--json'])).stdout) as {
      requesterProfile: { email: string; department: string };
    };
    expect(json.requesterProfile).toMatchObject({ email: 'james.whitfield@northwind.example', department: 'Finance' });
  });

  it('lists tickets at risk and breached, with "at risk" as a setting', async () => {
    const urgent = await create('Payroll server down', '--impact', '1', '--urgency', '1', '--group', 'Service Desk');
    const late = await create('Scanner on 2nd floor offline', '--group', 'Service Desk');
    const calm = await create('New mouse please', '--impact', '3', '--urgency', '3');
    await dueIn(late, -30);

    // A P1 is due in 4 h: inside the default 4 h window.
    const atRisk = await itbot(['tickets', 'list', '--sla', 'at-risk']);
    expect(atRisk.code).toBe(0);
    expect(atRisk.stdout).toMatch(/^NUMBER\s+STATUS\s+PRI\s+ASSIGNEE\s+GROUP\s+OPENED\s+DUE \(UTC\)\s+TITLE$/m);
    expect(atRisk.stdout).toContain(urgent);
    expect(atRisk.stdout).not.toContain(late);
    expect(atRisk.stdout).not.toContain(calm);

    const breached = await itbot(['tickets', 'list', '--sla', 'breached', '--json']);
    const numbers = (JSON.parse(breached.stdout) as { tickets: { number: string }[] }).tickets.map((t) => t.number);
    expect(numbers).toEqual([late]);

    // At risk within 1 h: the P1 due in 4 h no longer is; within 5.5 d the P4 one is too.
    expect((await itbot(['tickets', 'list', '--sla', 'at-risk'], { ITBOT_SLA_AT_RISK: '1h' })).stdout).toBe(
      'No tickets match.\n',
    );
    const wide = await itbot(['tickets', 'list', '--sla', 'at_risk'], { ITBOT_SLA_AT_RISK: '8000' });
    expect(wide.stdout).toContain(urgent);
    expect(wide.stdout).toContain(calm);
    expect(wide.stdout).not.toContain(late);
    // Nine one-shot runs, each starting its own ticket server: room for a loaded machine.
  }, 180_000);

  it('refuses an unknown SLA state (exit 2) and a bad setting (exit 3) with a clear message', async () => {
    const bad = await itbot(['tickets', 'list', '--sla', 'late']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown SLA state "late"[\s\S]*at-risk or breached/);
    const setting = await itbot(['tickets', 'list', '--sla', 'at-risk'], { ITBOT_SLA_AT_RISK: 'soon' });
    expect(setting.code).toBe(3);
    expect(setting.stderr).toMatch(/ITBOT_SLA_AT_RISK must be minutes or hours/);
    expect(setting.stderr).not.toMatch(/\n\s+at /);
  });
});
