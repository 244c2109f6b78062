import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../paths.js';
import { classifyIntent, findTicketReference } from './intent-router.js';

interface Labelled {
  utterance: string;
  intent: string;
  ticket?: string;
}

function load(name: string): Labelled[] {
  const file = path.join(packageRoot(), 'test', 'fixtures', name);
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Labelled);
}

function misrouted(set: Labelled[]): string[] {
  return set
    .filter((item) => {
      const intent = classifyIntent(item.utterance);
      return intent.kind !== item.intent || (intent.kind === 'ticket_status' && intent.ticket !== item.ticket);
    })
    .map((item) => `${item.intent}${item.ticket ? ` ${item.ticket}` : ''}: ${item.utterance}`);
}

// The bar the original web chatbot set for routing: more than 95 % correct. The sets were written
// by people who never saw the rules; "blind" was measured once, after the rules were final, and
// is kept as a regression set without tuning on it (77/80 when first measured).
describe.each([
  ['routing.labelled.jsonl', 100],
  ['routing.heldout.jsonl', 60],
  ['routing.blind.jsonl', 80],
])('offline routing on %s', (file, minimumSize) => {
  const set = load(file);

  it(`has at least ${minimumSize} varied utterances covering every intent`, () => {
    expect(set.length).toBeGreaterThanOrEqual(minimumSize);
    expect(new Set(set.map((item) => item.intent))).toEqual(
      new Set(['kb_question', 'create_ticket', 'ticket_status', 'list_tickets']),
    );
  });

  it('routes more than 95 % correctly, with the right ticket number', () => {
    const wrong = misrouted(set);
    const accuracy = 1 - wrong.length / set.length;
    expect(accuracy, `misrouted:\n${wrong.join('\n')}`).toBeGreaterThan(0.95);
  });
});

describe('findTicketReference', () => {
  it.each([
    ['status of #42', 'IT-000042'],
    ['any news on IT-2045', 'IT-002045'],
    ['status IT000777', 'IT-000777'],
    ['update on case 8890 please', 'IT-008890'],
    ['where are we with 5531?', 'IT-005531'],
  ])('reads %s as %s', (message, ticket) => {
    expect(findTicketReference(message)).toBe(ticket);
  });

  it.each(['printer PRN-042 is jammed', 'projector in room 412', 'quote your number, e.g. #4521', 'asset tag 004512'])(
    'does not mistake "%s" for a ticket',
    (message) => {
      expect(findTicketReference(message)).toBeUndefined();
    },
  );
});

describe('offline routing of changes to tickets (routing.ticket-ops.jsonl, written blind)', () => {
  interface Operation extends Labelled {
    values?: Record<string, unknown>;
  }
  const set = load('routing.ticket-ops.jsonl') as Operation[];
  const FIELD_NAMES: Record<string, string> = { resolution_code: 'resolutionCode', add_tags: 'addTags' };
  const FREE_TEXT = ['notes', 'reason', 'text', 'title', 'category', 'assignee', 'group'];
  const normalise = (text: string) =>
    text
      .toLowerCase()
      .replace(/[.'"“”’]/g, '')
      .trim();

  /** Free text matches when one contains the other (punctuation and case aside); the rest exactly. */
  function valuesMatch(expected: Record<string, unknown>, intent: Record<string, unknown>): boolean {
    return Object.entries(expected).every(([field, want]) => {
      const got = intent[FIELD_NAMES[field] ?? field];
      if (typeof want === 'string' && FREE_TEXT.includes(field)) {
        return (
          typeof got === 'string' &&
          (normalise(got).includes(normalise(want)) || normalise(want).includes(normalise(got)))
        );
      }
      return JSON.stringify(got) === JSON.stringify(want);
    });
  }

  it('has at least 100 utterances over every operation', () => {
    expect(set.length).toBeGreaterThanOrEqual(100);
    expect(new Set(set.map((item) => item.intent)).size).toBeGreaterThanOrEqual(14);
  });

  it('routes more than 95 % correctly, and takes the ticket number and values from the sentence', () => {
    const wrong: string[] = [];
    let valuesRight = 0;
    for (const item of set) {
      const intent = classifyIntent(item.utterance) as unknown as Record<string, unknown>;
      if (intent.kind !== item.intent || (item.ticket && intent.ticket !== item.ticket)) {
        wrong.push(`${item.intent}: ${item.utterance}`);
      } else if (valuesMatch(item.values ?? {}, intent)) {
        valuesRight++;
      } else {
        wrong.push(`values ${JSON.stringify(item.values)} → ${JSON.stringify(intent)}: ${item.utterance}`);
      }
    }
    expect(valuesRight / set.length, `wrong:\n${wrong.join('\n')}`).toBeGreaterThan(0.95);
  });
});
