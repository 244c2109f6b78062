/**
 * Colours in one place. With NO_COLOR set, the chat sets FORCE_COLOR=0 before Ink loads, so every
 * colour here turns into plain text; nothing relies on colour alone to carry meaning.
 */
export const theme = {
  user: 'cyan',
  assistant: 'white',
  accent: 'cyan',
  muted: 'gray',
  code: 'yellow',
  link: 'blue',
  ok: 'green',
  warning: 'yellow',
  error: 'red',
  write: 'magenta',
} as const;
