import { Box, Text } from 'ink';
import type { ToolCall } from '../../agent/index.js';
import { oneLine } from '../ticket-data.js';
import { theme } from './theme.js';

/** A write's arguments are shown one per line, so the person sees what will be written. */
export const MAX_ARGUMENT_LINES = 6;

export type ConsentChoice = 'once' | 'session' | 'deny';

export const CONSENT_OPTIONS: { choice: ConsentChoice; key: string; label: (tool: string) => string }[] = [
  { choice: 'once', key: '1', label: () => 'Allow once' },
  { choice: 'session', key: '2', label: (tool) => `Allow ${tool} for the rest of this session` },
  { choice: 'deny', key: '3', label: () => 'Deny (the assistant is told you said no)' },
];

/** Maps a key press to a choice: digits, y/a/n letters, or Esc for deny. */
export function consentChoiceForKey(input: string): ConsentChoice | undefined {
  const lower = input.toLowerCase();
  if (lower === '1' || lower === 'y') return 'once';
  if (lower === '2' || lower === 'a') return 'session';
  if (lower === '3' || lower === 'n' || lower === 'd') return 'deny';
  return undefined;
}

/** Asks before a tool that changes data runs: the tool, its arguments, and three choices. */
export function ConsentPrompt({ call, selected, width }: { call: ToolCall; selected: number; width: number }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.write} paddingX={1} width={Math.min(width, 100)}>
      <Text>
        <Text bold color={theme.write}>
          {call.name}
        </Text>{' '}
        wants to change data:
      </Text>
      {Object.entries(call.args)
        .slice(0, MAX_ARGUMENT_LINES)
        .map(([key, value]) => (
          <Text key={key} wrap="truncate-end">
            <Text color={theme.muted}>{key}: </Text>
            {typeof value === 'string' ? oneLine(value, 300) : JSON.stringify(value)}
          </Text>
        ))}
      <Box flexDirection="column" marginTop={1}>
        {CONSENT_OPTIONS.map((option, i) => (
          <Text key={option.choice} bold={i === selected}>
            {i === selected ? '❯ ' : '  '}
            {option.key}. {option.label(call.name)}
          </Text>
        ))}
      </Box>
      <Text color={theme.muted}>↑/↓ and Enter, or press 1, 2, 3 · Esc denies</Text>
    </Box>
  );
}
