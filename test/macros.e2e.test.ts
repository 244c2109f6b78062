import { afterAll, it as base, beforeAll, describe, expect } from 'vitest';
import { runItbot } from './helpers/run-itbot.js';
import { testStores } from './helpers/test-stores.js';

// Canned replies kept in the database, managed by `itbot macros`, sent with `tickets reply-macro`,
// on the embedded store and on a PostgreSQL server.
describe.each(testStores())('itbot macros on %s', (_name, makeStore, available) => {
  const store = makeStore();
  const it = available ? base : base.skip;
  const itbot = (...args: string[]) =>
    runItbot(args, { env: { ...store.env(), ITBOT_USER: 'maria.lopez', ITBOT_ROUTING_THRESHOLD: 'off' } });
  beforeAll(async () => {
    if (available) await store.setUp();
  }, 120_000);
  afterAll(() => store.tearDown());

  it('saves a macro, fills it in for a ticket and sends it as a reply', async () => {
    const body = 'Hi {requester.first_name}, about {ticket.number}: see {article.link}. {agent.name}';
    expect((await itbot('macros', 'add', 'vpn-809', body)).stdout).toBe(
      'Saved macro vpn-809 (fills in {requester.first_name}, {ticket.number}, {article.link}, {agent.name}).\n',
    );
    expect((await itbot('macros', 'list')).stdout).toMatch(/^vpn-809\s+requester\.first_name, ticket\.number/m);
    await itbot('tickets', 'create', '--title', 'VPN error 809', '--requester', 'james.whitfield');

    const reply = await itbot('tickets', 'reply-macro', '1', 'vpn-809', '--article', 'kb/network/vpn.md', '--json');
    expect(reply.code).toBe(0);
    expect((JSON.parse(reply.stdout) as { text: string }).text).toBe(
      'Hi James, about IT-000001: see kb/network/vpn.md. maria.lopez',
    );
    const show = await itbot('tickets', 'show', '1');
    expect(show.stdout).toMatch(/reply by maria\.lopez \(agent\) Hi James, about IT-000001/);
  }, 120_000);

  it('refuses an unknown placeholder when saving (exit 2) and an unknown macro (exit 8), writing nothing', async () => {
    const bad = await itbot('macros', 'add', 'nick', 'Hi {requester.nick}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /Unknown placeholder: \{requester\.nick\}\.\n\s+Placeholders: \{requester\.first_name\}/,
    );
    expect((await itbot('macros', 'show', 'nick')).code).toBe(8);

    const missing = await itbot('tickets', 'reply-macro', '1', 'vpn-890');
    expect(missing.code).toBe(8);
    expect(missing.stderr).toMatch(/There is no macro "vpn-890"\.\n\s+Macros: vpn-809\./);
    const noArticle = await itbot('tickets', 'reply-macro', '1', 'vpn-809');
    expect(noArticle.code).toBe(2);
    expect(noArticle.stderr).toMatch(/links an article: say which one/);
    expect((await itbot('macros', 'add', 'vpn-809', 'other')).code).toBe(2);
    expect((await itbot('macros', 'remove', 'vpn-809')).stdout).toBe('Removed macro vpn-809.\n');
    expect((await itbot('macros', 'remove', 'vpn-809')).code).toBe(8);
    expect(bad.stderr + missing.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
