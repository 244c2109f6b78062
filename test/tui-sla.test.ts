import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOfflineProvider } from '../src/agent/index.js';
import { resolveConfig } from '../src/config/index.js';
import { App } from '../src/tui/App.js';
import { ChatSession } from '../src/tui/chat-session.js';
import { StatusLine } from '../src/tui/components/StatusLine.js';
import { TicketCard } from '../src/tui/components/TicketCard.js';
import { InputHistory } from '../src/tui/input-history.js';
import { type ReadCall, SlaWatch, startSlaWatch, type WatchedTicket } from '../src/tui/sla-watch.js';
import { toTicketSummary } from '../src/tui/ticket-data.js';
import { TicketServerSupervisor } from '../src/tui/ticket-server.js';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { waitForFrame } from './helpers/tui-wait.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const inMinutes = (n: number) => new Date(NOW + n * 60_000).toISOString();
const rawTicket = (number: string, due: string, group = 'Network') => ({
  number,
  title: `ticket ${number}`,
  status: 'open',
  priority: 'P2',
  group,
  requester: 'james.whitfield',
  sla: { resolutionDue: due },
});

describe('SLA watch', () => {
  it('tells once when a ticket becomes at risk, again when it is breached, never twice for the same state', async () => {
    // What the ticket server answers, changed between looks as time passes.
    let atRisk: unknown[] = [rawTicket('IT-000007', inMinutes(30))];
    let breached: unknown[] = [];
    const call: ReadCall = async (tool, args) => {
      if (tool === 'list_users') return { users: [{ username: 'aisha.khan', groups: ['Network'] }] };
      if (args.assignee === 'me') return { tickets: [] };
      return { tickets: args.sla === 'breached' ? breached : atRisk };
    };
    const crossings: WatchedTicket[][] = [];
    const counts = vi.fn();
    const watch = new SlaWatch({
      call,
      user: 'aisha.khan',
      now: () => NOW,
      onCrossings: (c) => crossings.push(c),
      onCounts: counts,
    });
    await watch.check();
    await watch.check();
    expect(crossings).toHaveLength(1);
    expect(crossings[0]?.map((c) => [c.ticket.number, c.state, c.mine])).toEqual([['IT-000007', 'at_risk', false]]);
    expect(counts).toHaveBeenLastCalledWith({ atRisk: 1, breached: 0 });

    breached = atRisk;
    atRisk = [];
    await watch.check();
    expect(crossings).toHaveLength(2);
    expect(crossings[1]?.map((c) => c.state)).toEqual(['breached']);
    expect(counts).toHaveBeenLastCalledWith({ atRisk: 0, breached: 1 });
  });

  it('watches nothing for someone who is not an agent', async () => {
    const call = vi.fn<ReadCall>(async () => ({ users: [] }));
    const onCounts = vi.fn();
    await new SlaWatch({ call, user: 'nobody', now: () => NOW, onCrossings: () => {}, onCounts }).check();
    expect(call).toHaveBeenCalledTimes(1);
    expect(onCounts).toHaveBeenCalledWith({ atRisk: 0, breached: 0 });
  });

  it('marks the status line; the card uses the at-risk setting and shows the requester contact', () => {
    const line = render(
      h(StatusLine, {
        provider: 'offline',
        model: 'local',
        store: 'embedded',
        health: { state: 'ready', tools: 20 },
        inputTokens: 0,
        outputTokens: 0,
        width: 120,
        sla: { atRisk: 2, breached: 1 },
      }),
    );
    expect(line.lastFrame()).toContain('MCP ready · SLA 1 breached · 2 at risk');
    line.unmount();

    const ticket = toTicketSummary(rawTicket('IT-000009', inMinutes(90)));
    const card = (atRiskMinutes?: number) => {
      const ui = render(h(TicketCard, { ticket, events: [], now: NOW, width: 90, atRiskMinutes }));
      const frame = ui.lastFrame() ?? '';
      ui.unmount();
      return frame;
    };
    expect(card()).toContain('SLA at risk');
    expect(card(60)).toContain('SLA on track');
    const contact = {
      displayName: 'James Whitfield',
      email: 'jw@northwind.example',
      department: 'Finance',
      location: 'London',
    };
    const ui = render(h(TicketCard, { ticket, events: [], now: NOW, width: 90, contact }));
    expect(ui.lastFrame()).toContain('contact James Whitfield <jw@northwind.example> · Finance · London');
    ui.unmount();
  });
});

// The chat with a real ticket server on a copy of the prepared store: an agent's group ticket
// that is at risk shows up in the transcript and on the status line without being asked for.
describe('the chat and SLA', () => {
  let dataDir: { dir: string; cleanup: () => void };
  beforeAll(() => {
    dataDir = makeSeededDataDir();
    process.env.ITBOT_DATA_DIR = dataDir.dir;
    process.env.ITBOT_USER = 'maria.lopez';
  });
  afterAll(() => dataDir.cleanup());

  it('says when a ticket of the agent or their group is at risk, and marks the status line', async () => {
    const config = resolveConfig();
    let session: ChatSession | undefined;
    const server = new TicketServerSupervisor(
      (health) => session?.setHealth(health),
      () => {},
    );
    session = new ChatSession({ config, provider: createOfflineProvider(), server, onQuit: () => {} });
    const ui = render(
      h(App, { session, history: InputHistory.load(config.dataDir), store: 'embedded', colors: false }),
    );
    let stop = () => {};
    try {
      const { connection } = await server.start();
      // A P1 for maria.lopez's group (Service Desk): due in 4 h, inside the default at-risk window.
      const created = await connection.callTool('create_ticket', {
        title: 'Payroll export fails for everyone',
        impact: 1,
        urgency: 1,
        group: 'Service Desk',
      });
      expect(created.ok).toBe(true);
      const number = String((created.data?.ticket as { number?: string } | undefined)?.number);
      stop = startSlaWatch(session, server, { user: 'maria.lopez', pollSeconds: 1 });
      const frame = await waitForFrame(ui.lastFrame, (f) => f.includes('SLA 1 at risk') && f.includes(number), {
        what: 'the SLA notice and mark',
        timeoutMs: 30_000,
      });
      expect(frame).toMatch(
        new RegExp(
          `SLA at risk: resolution due in (?:4 h|3 h 5\\d min) · ${number} \\(Service Desk, P1\\) Payroll export`,
        ),
      );
      // Later looks find nothing new: the notice is not repeated.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(session.getState().items.filter((i) => i.kind === 'notice' && i.text.includes(number))).toHaveLength(1);
    } finally {
      stop();
      ui.unmount();
      await server.close();
    }
  }, 60_000);
});
