import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import type { LiveState } from '../src/tui/chat-session.js';
import { LiveArea, tailRows } from '../src/tui/components/LiveArea.js';

const busy = (change: Partial<LiveState>): LiveState => ({
  busy: true,
  startedAt: Date.now(),
  status: 'asking gemini-2.5-flash',
  streamed: '',
  ...change,
});

function frameOf(live: LiveState, maxRows: number, queued: string[] = []): string {
  const { lastFrame, unmount } = render(h(LiveArea, { live, queued, width: 60, maxRows, consentSelected: 0 }));
  const frame = lastFrame() ?? '';
  unmount();
  return frame;
}

describe('the live area', () => {
  it('shows the current step with a spinner and how to cancel', () => {
    const frame = frameOf(busy({ status: 'searching the knowledge base' }), 10);
    expect(frame).toMatch(/searching the knowledge base \(\d+\.\d s\) · Ctrl\+C to cancel/);
  });

  it('counts down a retry with its reason', () => {
    const frame = frameOf(
      busy({ retry: { notice: { attempt: 2, delayMs: 4000, reason: 'rate limited' }, at: Date.now() } }),
      10,
    );
    expect(frame).toContain('retrying in 4 s: rate limited (attempt 2)');
  });

  it('never grows taller than it is allowed: a long streamed answer shows its last lines', () => {
    const streamed = Array.from({ length: 100 }, (_, i) => `streamed line ${i + 1}`).join('\n');
    const frame = frameOf(busy({ streamed }), 12);
    expect(frame.split('\n').length).toBeLessThanOrEqual(12);
    expect(frame).toContain('streamed line 100');
    expect(frame).not.toContain('streamed line 1\n');
    expect(frame).toMatch(/… \d+ more lines above/);
  });

  it('keeps the consent prompt whole in a short window, giving up streamed text first', () => {
    const call = { id: 'c1', name: 'create_ticket', args: { title: 'Printer jammed', impact: 3, urgency: 2 } };
    const frame = frameOf(busy({ streamed: 'I will open a ticket.\n'.repeat(20), consent: { call } }), 16);
    expect(frame.split('\n').length).toBeLessThanOrEqual(16);
    expect(frame).toContain('3. Deny');
  });

  it('lists inputs queued behind the running turn', () => {
    expect(frameOf(busy({}), 10, ['/ticket 12'])).toContain('queued: /ticket 12');
  });

  it('wraps before counting rows', () => {
    expect(tailRows('x'.repeat(100), 20, 10).rows).toHaveLength(5);
  });
});
