/**
 * Figure 4, the soak: one embedded data dir and its background server, one long-lived client
 * connected as the chat connects (connectItbotServer, calling a tool every few seconds), and
 * eight loops of one-shots — `itbot ask --yes "open a ticket: …"` and `itbot tickets list`
 * alternating — for a fixed time. Counted: refusals (non-zero exits, and failed chat calls), and
 * afterwards tickets acknowledged vs present (lost, duplicated). Stops the server at the end.
 *
 *   npx tsx bench/scaling-soak.ts [--seconds 60] [--loops 8] [--chat-every 3]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveConfig } from '../src/config/index.js';
import { connectItbotServer, serverMode } from '../src/mcp/connect.js';
import { TICKET_STATUSES } from '../src/tickets/model.js';
import { arg, conditions, fmt, freshDataDir, itbotEnv, load, pct, runItbot } from './scaling-common.js';

const SECONDS = arg('seconds', 60);
const LOOPS = arg('loops', 8);
const CHAT_EVERY_S = arg('chat-every', 3);
const run = `soak${Date.now().toString(36)}`;

conditions('soak: chat + one-shots on one embedded data dir');
const dataDir = freshDataDir('soak');
const env = itbotEnv({ ITBOT_DATA_DIR: dataDir, ITBOT_BACKGROUND_SERVER: undefined });
for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
delete process.env.CI;

// The first one-shot creates the store and starts the server, as on a new machine.
const warm = await runItbot(['tickets', 'list'], env);
console.log(
  `# data dir ${dataDir}; first command (creates the store, starts the server): exit ${warm.code} in ${fmt(warm.ms)}`,
);

const config = resolveConfig();
const chat = await connectItbotServer(config, { actorKind: 'ai', stderr: 'ignore' });
console.log(`# chat connected (${serverMode(config)} server)`);

const endAt = Date.now() + SECONDS * 1000;
const chatStats = { calls: 0, failures: 0, ms: [] as number[], errors: new Set<string>() };
const chatLoop = (async () => {
  const tools = [
    () => chat.callTool('search_knowledge', { query: 'vpn error 809', limit: 5 }),
    () => chat.callTool('search_tickets', { limit: 20 }),
    () => chat.callTool('get_ticket', { ticket: 'IT-000001' }),
  ];
  for (let i = 0; Date.now() < endAt; i += 1) {
    const t = performance.now();
    try {
      const outcome = await (tools[i % tools.length] as (typeof tools)[number])();
      chatStats.ms.push(performance.now() - t);
      // get_ticket before the first ticket exists is a business "not found", not a refusal.
      if (!outcome.ok && !(i % tools.length === 2 && /not found|no ticket/i.test(outcome.text))) {
        chatStats.failures += 1;
        chatStats.errors.add(`chat: ${outcome.text.slice(0, 200)}`);
      }
    } catch (error) {
      chatStats.failures += 1;
      chatStats.errors.add(String(error).slice(0, 200));
    }
    chatStats.calls += 1;
    await sleep(CHAT_EVERY_S * 1000);
  }
})();

const acknowledged: string[] = [];
const markersAcked = new Set<string>();
const oneShots = {
  asks: 0,
  lists: 0,
  refusals: 0,
  askMs: [] as number[],
  listMs: [] as number[],
  errors: new Set<string>(),
};
const loops = Array.from({ length: LOOPS }, async (_, w) => {
  for (let i = 0; Date.now() < endAt; i += 1) {
    if ((w + i) % 2 === 0) {
      const marker = `${run}w${w}n${i}`;
      const r = await runItbot(['ask', '--yes', `open a ticket: printer ${marker} is jammed`], env);
      oneShots.asks += 1;
      oneShots.askMs.push(r.ms);
      const opened = /Opened (IT-\d+)/.exec(r.stdout);
      if (r.code !== 0 || !opened) {
        oneShots.refusals += 1;
        oneShots.errors.add(`ask exit ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 200)}`);
      } else {
        acknowledged.push(opened[1] as string);
        markersAcked.add(marker.toLowerCase());
      }
    } else {
      const r = await runItbot(['tickets', 'list'], env);
      oneShots.lists += 1;
      oneShots.listMs.push(r.ms);
      if (r.code !== 0) {
        oneShots.refusals += 1;
        oneShots.errors.add(`list exit ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
      }
    }
  }
});
await Promise.all([chatLoop, ...loops]);

// Every ticket in the store, all statuses, page by page.
const present: { number: string; title: string; description?: string }[] = [];
let cursor: string | undefined;
for (;;) {
  const page = await chat.callTool('search_tickets', {
    status: [...TICKET_STATUSES],
    limit: 100,
    ...(cursor ? { cursor } : {}),
  });
  const content = page.data as { tickets: typeof present; next_cursor: string | null } | undefined;
  if (!page.ok || !content) throw new Error(`search_tickets failed: ${page.text.slice(0, 300)}`);
  present.push(...content.tickets);
  if (!content.next_cursor) break;
  cursor = content.next_cursor;
}
await chat.close();
const stop = await runItbot(['server', 'stop'], env);

const numbers = new Set(present.map((t) => t.number));
const markerOf = (t: { title: string; description?: string }) =>
  new RegExp(`${run}w\\d+n\\d+`, 'i').exec(`${t.title} ${t.description ?? ''}`)?.[0]?.toLowerCase();
const markersPresent = present.map(markerOf).filter((m): m is string => Boolean(m));
const distinctMarkers = new Set(markersPresent);
const lost = [...markersAcked].filter((m) => !distinctMarkers.has(m));
const ackedNumbersMissing = acknowledged.filter((n) => !numbers.has(n));

console.log('\n| what | count |');
console.log('|---|---|');
console.log(`| seconds | ${SECONDS} |`);
console.log(`| one-shot loops | ${LOOPS} |`);
console.log(
  `| ask --yes (open a ticket) runs | ${oneShots.asks} (wall p50 ${fmt(pct(oneShots.askMs, 50))}, max ${fmt(Math.max(...oneShots.askMs))}) |`,
);
console.log(
  `| tickets list runs | ${oneShots.lists} (wall p50 ${fmt(pct(oneShots.listMs, 50))}, max ${fmt(Math.max(...oneShots.listMs))}) |`,
);
console.log(`| one-shot refusals (non-zero exit) | ${oneShots.refusals} |`);
console.log(
  `| chat calls / failed | ${chatStats.calls} / ${chatStats.failures} (p50 ${fmt(pct(chatStats.ms, 50))}, max ${fmt(Math.max(...chatStats.ms))}) |`,
);
console.log(
  `| tickets acknowledged ("Opened IT-…") | ${acknowledged.length} (distinct numbers ${new Set(acknowledged).size}) |`,
);
console.log(
  `| tickets present afterwards | ${present.length} (distinct numbers ${numbers.size}, carrying a marker ${markersPresent.length}, distinct markers ${distinctMarkers.size}) |`,
);
console.log(`| lost (acknowledged, not present) | ${lost.length + ackedNumbersMissing.length} |`);
console.log(`| duplicated (one marker, several tickets) | ${markersPresent.length - distinctMarkers.size} |`);
console.log(`| server stop | exit ${stop.code}: ${stop.stdout.trim()} |`);
for (const e of [...oneShots.errors, ...chatStats.errors].slice(0, 10)) console.log(`  error: ${e}`);
console.log(`\n# loadavg after: ${load()}`);
