/**
 * The text being typed: a string and a cursor, changed only by pure functions so the editing
 * rules are testable without a terminal. Multi-line: the text may contain '\n'.
 */
export interface EditorState {
  text: string;
  /** Offset into text, 0…text.length. */
  cursor: number;
}

export const emptyEditor: EditorState = { text: '', cursor: 0 };

export function insertText(state: EditorState, text: string): EditorState {
  const clean = text.replace(/\r\n?/g, '\n').replace(/\t/g, '  ');
  return {
    text: state.text.slice(0, state.cursor) + clean + state.text.slice(state.cursor),
    cursor: state.cursor + clean.length,
  };
}

export function deleteBackward(state: EditorState): EditorState {
  if (state.cursor === 0) return state;
  const previous = previousCharIndex(state.text, state.cursor);
  return { text: state.text.slice(0, previous) + state.text.slice(state.cursor), cursor: previous };
}

export function deleteForward(state: EditorState): EditorState {
  if (state.cursor >= state.text.length) return state;
  const next = nextCharIndex(state.text, state.cursor);
  return { text: state.text.slice(0, state.cursor) + state.text.slice(next), cursor: state.cursor };
}

/** Ctrl+W: the word before the cursor, and the spaces after it. */
export function deleteWordBackward(state: EditorState): EditorState {
  let start = state.cursor;
  while (start > 0 && /\s/.test(state.text[start - 1] ?? '')) start--;
  while (start > 0 && !/\s/.test(state.text[start - 1] ?? '')) start--;
  return { text: state.text.slice(0, start) + state.text.slice(state.cursor), cursor: start };
}

/** Ctrl+U: everything on the current line before the cursor. */
export function deleteToLineStart(state: EditorState): EditorState {
  const start = lineStart(state.text, state.cursor);
  return { text: state.text.slice(0, start) + state.text.slice(state.cursor), cursor: start };
}

export function moveLeft(state: EditorState): EditorState {
  return { ...state, cursor: previousCharIndex(state.text, state.cursor) };
}

export function moveRight(state: EditorState): EditorState {
  return { ...state, cursor: nextCharIndex(state.text, state.cursor) };
}

export function moveLineStart(state: EditorState): EditorState {
  return { ...state, cursor: lineStart(state.text, state.cursor) };
}

export function moveLineEnd(state: EditorState): EditorState {
  const end = state.text.indexOf('\n', state.cursor);
  return { ...state, cursor: end === -1 ? state.text.length : end };
}

/**
 * Up and down move between lines of a multi-line entry; on the first (last) line they return
 * undefined, which the caller takes as "go to the previous (next) history entry".
 */
export function moveVertically(state: EditorState, direction: -1 | 1): EditorState | undefined {
  const start = lineStart(state.text, state.cursor);
  const column = state.cursor - start;
  if (direction === -1) {
    if (start === 0) return undefined;
    const previousStart = lineStart(state.text, start - 1);
    return { ...state, cursor: Math.min(previousStart + column, start - 1) };
  }
  const end = state.text.indexOf('\n', state.cursor);
  if (end === -1) return undefined;
  const nextEnd = state.text.indexOf('\n', end + 1);
  return { ...state, cursor: Math.min(end + 1 + column, nextEnd === -1 ? state.text.length : nextEnd) };
}

export function withText(text: string): EditorState {
  return { text, cursor: text.length };
}

/** The line and column of the cursor, for drawing it. */
export function cursorPosition(state: EditorState): { line: number; column: number } {
  const before = state.text.slice(0, state.cursor);
  const line = before.split('\n').length - 1;
  return { line, column: state.cursor - lineStart(state.text, state.cursor) };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

// Surrogate pairs (emoji) move and delete as one character.
function previousCharIndex(text: string, offset: number): number {
  if (offset <= 0) return 0;
  const code = text.charCodeAt(offset - 1);
  return code >= 0xdc00 && code <= 0xdfff && offset >= 2 ? offset - 2 : offset - 1;
}

function nextCharIndex(text: string, offset: number): number {
  if (offset >= text.length) return text.length;
  const code = text.charCodeAt(offset);
  return code >= 0xd800 && code <= 0xdbff && offset + 1 < text.length ? offset + 2 : offset + 1;
}
