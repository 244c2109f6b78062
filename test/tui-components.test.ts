import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { ConsentPrompt, consentChoiceForKey } from '../src/tui/components/ConsentPrompt.js';
import { Dashboard } from '../src/tui/components/Dashboard.js';
import { InputBox } from '../src/tui/components/InputBox.js';
import { fitColumns, Table } from '../src/tui/components/Table.js';
import { TicketCard } from '../src/tui/components/TicketCard.js';
import { TranscriptView } from '../src/tui/components/TranscriptView.js';
import { buildDashboard } from '../src/tui/dashboard-data.js';
import { withText } from '../src/tui/line-editor.js';
import { type TicketEvent, type TicketSummary, toTicketSummary } from '../src/tui/ticket-data.js';
import type { TranscriptItem } from '../src/tui/transcript.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const hours = (n: number) => new Date(NOW + n * 3_600_000).toISOString();

function ticket(overrides: Partial<TicketSummary> = {}): TicketSummary {
  return {
    number: 'IT-000042',
    title: 'VPN drops every ten minutes',
    status: 'open',
    priority: 'P2',
    priorityOverridden: false,
    assignee: 'aisha.khan',
    group: 'Network',
    requester: 'maria.lopez',
    category: 'Network/VPN',
    firstResponseDue: null,
    resolutionDue: hours(26),
    createdAt: hours(-5),
    updatedAt: hours(-1),
    version: 3,
    ...overrides,
  };
}

function frameOf(element: ReturnType<typeof h>): string {
  const { lastFrame, unmount } = render(element);
  const frame = lastFrame() ?? '';
  unmount();
  return frame;
}

describe('transcript', () => {
  it('renders an answer as terminal Markdown with its citations as titles and paths', () => {
    const item: TranscriptItem = {
      id: 1,
      kind: 'assistant',
      text: '## Fix it\n\nClose **Outlook** first, then run `outlook /safe`.\n\n1. Open Credential Manager\n2. Remove the entries\n\n```\nipconfig /flushdns\n```\n\nSee [the portal](https://portal.example).',
      citations: [
        { title: 'Outlook keeps asking for my password', path: 'kb/email/outlook-keeps-asking-for-password.md' },
      ],
      footer: 'rules+retrieval · 0.3 s',
    };
    const frame = frameOf(h(TranscriptView, { item, width: 120 }));
    expect(frame).toContain('Fix it');
    expect(frame).not.toContain('##');
    expect(frame).toContain('Close Outlook first, then run outlook /safe.');
    expect(frame).not.toContain('**');
    expect(frame).toMatch(/1\. Open Credential Manager\n\s*2\. Remove the entries/);
    expect(frame).toContain('ipconfig /flushdns');
    expect(frame).toContain('the portal (https://portal.example)');
    expect(frame).toMatch(
      /Sources:\n\s+• Outlook keeps asking for my password — kb\/email\/outlook-keeps-asking-for-password\.md/,
    );
    expect(frame).toContain('rules+retrieval · 0.3 s');
  });

  it('shows a long pasted message by its first lines and says how many more there are', () => {
    const text = Array.from({ length: 30 }, (_, i) => `    at frame ${i + 1}`).join('\n');
    const frame = frameOf(h(TranscriptView, { item: { id: 2, kind: 'user', text }, width: 80 }));
    expect(frame).toContain('at frame 8');
    expect(frame).not.toContain('at frame 9\n');
    expect(frame).toContain('… 22 more lines');
  });

  it('shows a tool call as a two-line card with arguments and outcome', () => {
    const item: TranscriptItem = {
      id: 3,
      kind: 'tool',
      call: { id: 'c1', name: 'create_ticket', args: { title: 'Printer jammed', impact: 3 } },
      record: { name: 'create_ticket', arguments: {}, outcome: 'not_allowed', error: 'the user said no', ms: 2 },
      changesData: true,
      summary: 'not allowed: the user said no',
    };
    const lines = frameOf(h(TranscriptView, { item, width: 80 })).split('\n');
    expect(lines[0]).toBe('⊘ create_ticket title="Printer jammed", impact=3');
    expect(lines[1]).toContain('not allowed: the user said no · 2 ms');
  });
});

describe('consent prompt', () => {
  it('names the tool, shows its arguments and offers allow once, allow for the session and deny', () => {
    const call = { id: 'c1', name: 'assign_ticket', args: { ticket: 'IT-000042', assignee: 'aisha' } };
    const frame = frameOf(h(ConsentPrompt, { call, selected: 1, width: 80 }));
    expect(frame).toContain('assign_ticket wants to change data');
    expect(frame).toContain('ticket: IT-000042');
    expect(frame).toContain('assignee: aisha');
    expect(frame).toContain('  1. Allow once');
    expect(frame).toContain('❯ 2. Allow assign_ticket for the rest of this session');
    expect(frame).toContain('  3. Deny');
  });

  it('maps keys to choices', () => {
    expect(['1', 'y', '2', 'a', '3', 'n', 'x'].map(consentChoiceForKey)).toEqual([
      'once',
      'once',
      'session',
      'session',
      'deny',
      'deny',
      undefined,
    ]);
  });
});

describe('ticket card', () => {
  const events: TicketEvent[] = Array.from({ length: 7 }, (_, i) => ({
    kind: i === 0 ? 'created' : 'note',
    author: 'aisha.khan',
    visibility: i === 0 ? 'public' : 'internal',
    body: `event number ${i + 1}`,
    changes: null,
    createdAt: hours(-7 + i),
  }));

  it('shows number, title, status, priority, assignee, SLA due and the last five events', () => {
    const frame = frameOf(h(TicketCard, { ticket: ticket(), events, now: NOW, width: 90 }));
    expect(frame).toContain('IT-000042 VPN drops every ten minutes');
    expect(frame).toContain('status open · priority P2 · assignee aisha.khan (Network)');
    expect(frame).toContain('SLA on track');
    expect(frame).toContain('resolution due in 1 d 2 h (2026-11-28 14:00 UTC)');
    expect(frame).toContain('last 5 events of 7:');
    expect(frame).not.toContain('event number 2');
    expect(frame).toContain('note (internal) — event number 7');
  });

  it('flags a breached SLA and an unassigned ticket', () => {
    const frame = frameOf(
      h(TicketCard, {
        ticket: ticket({ assignee: null, group: null, resolutionDue: hours(-3) }),
        events: [],
        now: NOW,
        width: 90,
      }),
    );
    expect(frame).toContain('assignee unassigned');
    expect(frame).toContain('SLA BREACHED');
    expect(frame).toContain('resolution due 3 h ago');
  });
});

describe('table', () => {
  const columns = [
    { header: 'ticket' },
    { header: 'status' },
    { header: 'title', flexible: true },
    { header: 'assignee' },
  ];
  const rows = [
    ['IT-000001', 'new', 'The third floor printer in the east wing is jammed again and smells of burning', '-'],
    ['IT-000002', 'open', 'VPN drops', 'aisha.khan'],
  ];

  it('keeps every line within the width by shortening the flexible column', () => {
    for (const width of [100, 60, 45]) {
      const frame = frameOf(h(Table, { columns, rows, width }));
      for (const line of frame.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(width);
      expect(frame).toContain('IT-000002');
      expect(frame).toContain('aisha.khan');
    }
    expect(frameOf(h(Table, { columns, rows, width: 60 }))).toMatch(/The third floor.*…/);
  });

  it('leaves a table that fits alone', () => {
    expect(fitColumns(columns, rows, 200)).toEqual([9, 6, 78, 10]);
    const narrow = fitColumns(columns, rows, 60);
    expect(narrow.reduce((a, b) => a + b, 0) + 2 * 3).toBeLessThanOrEqual(60);
    expect(narrow[0]).toBe(9);
  });
});

describe('dashboard', () => {
  it('counts active tickets by status and priority and lists SLA trouble and the oldest unassigned', () => {
    const tickets = [
      ticket({
        number: 'IT-1',
        status: 'new',
        priority: 'P1',
        assignee: null,
        createdAt: hours(-50),
        resolutionDue: hours(-1),
      }),
      ticket({ number: 'IT-2', status: 'open', priority: 'P2', resolutionDue: hours(2) }),
      ticket({ number: 'IT-3', status: 'pending', priority: 'P3', resolutionDue: hours(-9) }),
      ticket({ number: 'IT-4', status: 'open', priority: 'P2', assignee: null, createdAt: hours(-10) }),
    ];
    const data = buildDashboard(tickets, NOW);
    expect(data.counts.open?.P2).toBe(2);
    expect(data.breached.map((t) => t.number)).toEqual(['IT-1']); // pending pauses the SLA
    expect(data.atRisk.map((t) => t.number)).toEqual(['IT-2']);
    expect(data.oldestUnassigned.map((t) => t.number)).toEqual(['IT-1', 'IT-4']);
    const frame = frameOf(h(Dashboard, { data, width: 80 }));
    expect(frame).toContain('Dashboard · 4 active tickets');
    expect(frame).toMatch(/open\s+0\s+2\s+0\s+0\s+2/);
    expect(frame).toContain('SLA breached: 1');
    expect(frame).toContain('SLA at risk (due within 4 h): 1');
  });

  it('reads tickets from the server defensively', () => {
    expect(toTicketSummary({ number: 'IT-9' })).toMatchObject({ number: 'IT-9', assignee: null, resolutionDue: null });
  });
});

describe('input box', () => {
  it('shows a window of a long entry around the cursor, never more rows than allowed', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
    const frame = frameOf(
      h(InputBox, { editor: withText(text), width: 60, maxRows: 8, showCursor: true, plainCursor: true }),
    );
    expect(frame).toContain('line 30');
    expect(frame).not.toContain('line 20\n');
    expect(frame).toContain('30 lines (23 above)');
    expect(frame.split('\n').length).toBeLessThanOrEqual(8 + 3);
  });
});
