import { describe, expect, it } from 'vitest';
import { priorityFor, SLA_TARGETS, slaDueTimes } from './priority.js';

describe('priority', () => {
  it.each([
    [1, 1, 'P1'],
    [1, 2, 'P2'],
    [2, 1, 'P2'],
    [1, 3, 'P3'],
    [2, 2, 'P3'],
    [3, 1, 'P3'],
    [3, 2, 'P3'],
    [2, 3, 'P4'],
    [3, 3, 'P4'],
  ] as const)('impact %i × urgency %i is %s', (impact, urgency, priority) => {
    expect(priorityFor(impact, urgency)).toBe(priority);
  });

  it('sets SLA due times from the priority, pushed out by time spent pending', () => {
    const created = new Date('2026-11-27T09:00:00Z');
    expect(SLA_TARGETS.P1).toEqual({ firstResponseHours: 1, resolutionHours: 4 });
    const due = slaDueTimes('P1', created, 0);
    expect(due.firstResponseDue.toISOString()).toBe('2026-11-27T10:00:00.000Z');
    expect(due.resolutionDue.toISOString()).toBe('2026-11-27T13:00:00.000Z');
    expect(slaDueTimes('P1', created, 1800).resolutionDue.toISOString()).toBe('2026-11-27T13:30:00.000Z');
  });
});
