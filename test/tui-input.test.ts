import { describe, expect, it } from 'vitest';
import { HistoryCursor, InputHistory } from '../src/tui/input-history.js';
import { KeyDecoder, PASTE_END, PASTE_START } from '../src/tui/key-decoder.js';
import * as edit from '../src/tui/line-editor.js';
import { applyCompletion, completeCommand } from '../src/tui/slash-commands/index.js';
import { parseTicketFilter } from '../src/tui/slash-commands/tickets.js';
import { makeTempDir } from './helpers/data-dir.js';

describe('key decoder', () => {
  it('keeps a bracketed paste whole, Enter included, even when it arrives in pieces', () => {
    const decoder = new KeyDecoder();
    const log = Array.from({ length: 30 }, (_, i) => `at line ${i + 1}`).join('\r');
    const cut = log.indexOf('\r', 100);
    const actions = [
      ...decoder.decode(PASTE_START),
      ...decoder.decode(log.slice(0, cut)),
      ...decoder.decode('\r'), // a chunk that is just a line break must not submit
      ...decoder.decode(log.slice(cut + 1)),
      ...decoder.decode(`\r${PASTE_END}`),
    ];
    expect(actions).toHaveLength(1);
    const [action] = actions;
    expect(action).toMatchObject({ type: 'text', pasted: true });
    expect(action?.type === 'text' && action.text.split('\n')).toHaveLength(30);
  });

  it('treats several lines arriving at once (a terminal without bracketed paste) as pasted text', () => {
    expect(new KeyDecoder().decode('first line\rsecond line\r')).toEqual([
      { type: 'text', text: 'first line\nsecond line', pasted: true },
    ]);
  });

  it('decodes typing, Enter, control keys and arrows', () => {
    const decoder = new KeyDecoder();
    expect(decoder.decode('hi\r')).toEqual([
      { type: 'text', text: 'hi', pasted: false },
      { type: 'key', key: 'enter' },
    ]);
    expect(
      ['\x03', '\x04', '\t', '\x7f', '\x1b[A', '\x1bOB', '\x1b\r', '\n', '\x1b[1;5D'].map((e) => decoder.decode(e)),
    ).toEqual(
      ['ctrl-c', 'ctrl-d', 'tab', 'backspace', 'up', 'down', 'newline', 'newline', 'left'].map((key) => [
        { type: 'key', key },
      ]),
    );
  });
});

describe('line editor', () => {
  it('edits at the cursor and moves between lines of a multi-line entry', () => {
    let state = edit.insertText(edit.emptyEditor, 'hello world');
    state = edit.deleteWordBackward(state);
    expect(state).toEqual({ text: 'hello ', cursor: 6 });
    state = edit.insertText(state, 'there\nsecond');
    expect(edit.cursorPosition(state)).toEqual({ line: 1, column: 6 });
    const up = edit.moveVertically(state, -1);
    expect(up?.cursor).toBe(6);
    expect(edit.moveVertically(up as edit.EditorState, -1)).toBeUndefined(); // first line: history's turn
    expect(edit.moveVertically(state, 1)).toBeUndefined();
    expect(edit.deleteBackward(edit.moveLineStart(state)).text).toBe('hello theresecond');
  });

  it('deletes an emoji as one character', () => {
    expect(edit.deleteBackward(edit.withText('ok 👍')).text).toBe('ok ');
  });
});

describe('input history', () => {
  it('keeps inputs across sessions in the data dir, multi-line ones included', () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const first = InputHistory.load(dir);
      first.add('outlook keeps asking for my password');
      first.add('line one\nline two');
      first.add('line one\nline two'); // no repeats
      const second = InputHistory.load(dir);
      expect(second.entries).toEqual(['outlook keeps asking for my password', 'line one\nline two']);
      const cursor = new HistoryCursor(second);
      expect(cursor.step(-1, 'draft')).toBe('line one\nline two');
      expect(cursor.step(-1, '')).toBe('outlook keeps asking for my password');
      expect(cursor.step(-1, '')).toBeUndefined();
      expect(cursor.step(1, '')).toBe('line one\nline two');
      expect(cursor.step(1, '')).toBe('draft');
    } finally {
      cleanup();
    }
  });
});

describe('slash commands', () => {
  it('completes command names with Tab', () => {
    expect(completeCommand('/ti')).toEqual(['tickets', 'ticket']);
    expect(applyCompletion('/ti')).toBe('/ticket');
    expect(applyCompletion('/da')).toBe('/dashboard ');
    expect(applyCompletion('/zz')).toBeUndefined();
    expect(completeCommand('/ticket 12')).toEqual([]);
  });

  it('turns /tickets words into search filters', () => {
    expect(parseTicketFilter('open p1 mine vpn drops')).toEqual({
      limit: 25,
      status: ['open'],
      priority: ['P1'],
      assignee: 'me',
      text: 'vpn drops',
    });
    expect(parseTicketFilter('unassigned')).toEqual({ limit: 25, assignee: 'unassigned' });
    expect(parseTicketFilter('@aisha.khan')).toEqual({ limit: 25, assignee: 'aisha.khan' });
  });
});
