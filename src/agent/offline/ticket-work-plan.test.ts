import { describe, expect, it } from 'vitest';
import { priorityFor } from '../../tickets/index.js';
import type { Message, ToolResult } from '../types.js';
import { createOfflineProvider } from './offline-provider.js';

/** One provider step for a message, given the tool results of the turn so far. */
async function next(text: string, results: ToolResult[] = []) {
  const messages: Message[] = [{ role: 'user', text }];
  if (results.length) messages.push({ role: 'model', text: '', toolCalls: [] }, { role: 'tool', results });
  return createOfflineProvider().generate({ messages, tools: [] });
}

const done = (name: string, content: Record<string, unknown>): ToolResult => ({
  callId: 'x',
  name,
  outcome: 'done',
  content,
});

describe('the offline provider carrying out ticket work', () => {
  it('escalates one step from the current priority, with the version it read', async () => {
    const first = await next('escalate 269');
    expect(first.toolCalls).toMatchObject([{ name: 'get_ticket', args: { ticket: 'IT-000269' } }]);
    const second = await next('escalate 269', [
      done('get_ticket', { ticket: { number: 'IT-000269', priority: 'P3', version: 4 } }),
    ]);
    expect(second.toolCalls).toMatchObject([
      { name: 'update_ticket', args: { ticket: 'IT-000269', priority: 'P2', expected_version: 4 } },
    ]);
  });

  it('asks for the resolution code rather than inventing one', async () => {
    const step = await next('mark 326 resolved');
    expect(step.toolCalls).toEqual([]);
    expect(step.text).toMatch(/How was IT-000326 resolved/);
  });

  it('opens a ticket with the requester from the sentence and the priority from impact × urgency', async () => {
    const step = await next('open a ticket for priya.raman: the whole Leeds office has no internet');
    const args = step.toolCalls[0]?.args as { requester: string; impact: 1 | 2 | 3; urgency: 1 | 2 | 3; title: string };
    expect(step.toolCalls[0]?.name).toBe('create_ticket');
    expect(args.requester).toBe('priya.raman');
    expect(args.title).toBe('The whole Leeds office has no internet');
    expect(priorityFor(args.impact, args.urgency)).toBe('P1');
  });

  it('counts with the filters it read and says what it counted', async () => {
    const first = await next('how many P1s are open');
    expect(first.toolCalls).toMatchObject([
      { name: 'search_tickets', args: { status: ['open'], priority: ['P1'], count: true } },
    ]);
    const answer = await next('how many P1s are open', [
      done('search_tickets', { tickets: [], has_more: false, next_cursor: null, total: 0 }),
    ]);
    expect(answer.text).toBe('0 tickets match (status open, P1).');
  });

  it('does nothing with bytes that are not text', async () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) % 256)).toString('utf8');
    const step = await next(noise);
    expect(step.toolCalls).toEqual([]);
    expect(step.text).toMatch(/not text I can read/);
  });

  it('asks which ticket when none is named', async () => {
    const step = await next('reply to the user saying it is fixed');
    expect(step.toolCalls).toEqual([]);
    expect(step.text).toMatch(/Which ticket/);
  });
});
