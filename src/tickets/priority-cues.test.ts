import { describe, expect, it } from 'vitest';
import { priorityFromWords } from './priority-cues.js';

describe('priorityFromWords', () => {
  it('reads wide impact and high urgency from the report', () => {
    const read = priorityFromWords('Nobody can print and we cannot work — the whole office is stuck');
    expect(read).toMatchObject({ impact: 1, urgency: 1, priority: 'P1' });
    expect(read.cues).toEqual(['nobody can', 'cannot work']);
  });

  it('treats requests and questions for later as low urgency', () => {
    expect(priorityFromWords('Could you set up a mailbox for the new starter next week?').priority).toBe('P4');
    expect(priorityFromWords('Not urgent: the dock is a bit wobbly').priority).toBe('P4');
  });

  it('says P3 with no cues when the report says neither', () => {
    expect(priorityFromWords('Outlook shows an error when I open the calendar')).toMatchObject({
      impact: 3,
      urgency: 2,
      priority: 'P3',
      cues: [],
    });
  });
});
