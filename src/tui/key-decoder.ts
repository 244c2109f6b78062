/**
 * Turns the terminal's raw input events (as Ink's input parser splits them: a run of plain text,
 * or one escape sequence) into editing actions. Owning this, instead of Ink's useInput, is what
 * makes bracketed paste safe: between ESC[200~ and ESC[201~ everything, Enter included, is text.
 */
export type KeyName =
  | 'enter'
  | 'newline'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'up'
  | 'down'
  | 'home'
  | 'end'
  | 'tab'
  | 'escape'
  | 'ctrl-c'
  | 'ctrl-d'
  | 'ctrl-l'
  | 'ctrl-u'
  | 'ctrl-w'
  | 'page-up'
  | 'page-down';

export type InputAction = { type: 'key'; key: KeyName } | { type: 'text'; text: string; pasted: boolean };

export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

const SEQUENCES: Record<string, KeyName> = {
  '\x1b[A': 'up',
  '\x1bOA': 'up',
  '\x1b[B': 'down',
  '\x1bOB': 'down',
  '\x1b[C': 'right',
  '\x1bOC': 'right',
  '\x1b[D': 'left',
  '\x1bOD': 'left',
  '\x1b[H': 'home',
  '\x1bOH': 'home',
  '\x1b[1~': 'home',
  '\x1b[7~': 'home',
  '\x1b[F': 'end',
  '\x1bOF': 'end',
  '\x1b[4~': 'end',
  '\x1b[8~': 'end',
  '\x1b[3~': 'delete',
  '\x1b[5~': 'page-up',
  '\x1b[6~': 'page-down',
  '\x1b\r': 'newline', // Alt+Enter
  '\x1b\n': 'newline',
  '\x1b': 'escape',
  '\x1b\x7f': 'ctrl-w', // Alt+Backspace
};

const CONTROL_KEYS: Record<string, KeyName> = {
  '\r': 'enter',
  '\n': 'newline', // Ctrl+J
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\t': 'tab',
  '\x03': 'ctrl-c',
  '\x04': 'ctrl-d',
  '\x0c': 'ctrl-l',
  '\x15': 'ctrl-u',
  '\x17': 'ctrl-w',
  '\x01': 'home',
  '\x05': 'end',
};

export class KeyDecoder {
  private pasting = false;
  private pasted = '';

  /** One raw event in, zero or more actions out (a paste comes out whole when it ends). */
  decode(event: string): InputAction[] {
    if (this.pasting) {
      const end = event.indexOf(PASTE_END);
      if (end === -1) {
        this.pasted += event;
        return [];
      }
      const text = this.pasted + event.slice(0, end);
      this.pasting = false;
      this.pasted = '';
      const rest = event.slice(end + PASTE_END.length);
      // The line break most copies end with would leave an empty last line: drop it.
      const pasted = normalizeNewlines(text).replace(/\n+$/, '');
      return [{ type: 'text', text: pasted, pasted: true }, ...(rest ? this.decode(rest) : [])];
    }
    if (event.startsWith(PASTE_START)) {
      this.pasting = true;
      this.pasted = '';
      const rest = event.slice(PASTE_START.length);
      return rest ? this.decode(rest) : [];
    }
    if (event.startsWith('\x1b')) {
      const key = SEQUENCES[event] ?? modifiedArrow(event);
      if (key) return [{ type: 'key', key }];
      // Alt+letter and unknown sequences: nothing to insert.
      return [];
    }
    return decodePlainRun(event);
  }
}

/** Ctrl/Alt+arrows (ESC[1;5D and friends) move like the plain arrows. */
function modifiedArrow(sequence: string): KeyName | undefined {
  const match = sequence.startsWith('\x1b') ? /^.\[1;\d+([ABCDHF])$/.exec(sequence) : null;
  if (!match) return undefined;
  return ({ A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end' } as const)[
    match[1] as 'A' | 'B' | 'C' | 'D' | 'H' | 'F'
  ];
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * A run of plain characters. Typed keys arrive one at a time; several lines at once means a paste
 * from a terminal without bracketed paste, so its line breaks stay text instead of submitting.
 */
function decodePlainRun(run: string): InputAction[] {
  const withoutFinalEnter = run.endsWith('\r') ? run.slice(0, -1) : run;
  if (run.length > 1 && /[\r\n]/.test(withoutFinalEnter)) {
    return [{ type: 'text', text: normalizeNewlines(run).replace(/\n$/, ''), pasted: true }];
  }
  const actions: InputAction[] = [];
  let text = '';
  const flush = () => {
    if (text) actions.push({ type: 'text', text, pasted: false });
    text = '';
  };
  for (const char of run) {
    const key = CONTROL_KEYS[char];
    if (key) {
      flush();
      actions.push({ type: 'key', key });
    } else if (char >= ' ') {
      text += char;
    }
  }
  flush();
  return actions;
}
