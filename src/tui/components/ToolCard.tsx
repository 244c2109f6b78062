import { Box, Text } from 'ink';
import type { ToolCall, ToolCallRecord } from '../../agent/index.js';
import { summarizeArguments } from '../tool-summary.js';
import { theme } from './theme.js';

const OUTCOME_MARK = { done: '✓', failed: '✗', not_allowed: '⊘' } as const;
const OUTCOME_COLOR = { done: theme.ok, failed: theme.error, not_allowed: theme.warning } as const;

/**
 * A tool call in two lines: what ran with which arguments, and what came of it. While it runs
 * (`record` undefined) the second line says so.
 */
export function ToolCard({
  call,
  record,
  summary,
  changesData,
  width,
}: {
  call: ToolCall;
  record?: ToolCallRecord;
  summary?: string;
  changesData: boolean;
  width: number;
}) {
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text color={record ? OUTCOME_COLOR[record.outcome] : theme.accent}>
          {record ? OUTCOME_MARK[record.outcome] : '…'}{' '}
        </Text>
        <Text bold color={changesData ? theme.write : undefined}>
          {call.name}
        </Text>
        <Text color={theme.muted}> {summarizeArguments(call.args, Math.max(20, width - call.name.length - 4))}</Text>
      </Text>
      <Text wrap="truncate-end" color={theme.muted}>
        {'  ⎿ '}
        {record ? `${summary ?? record.outcome} · ${record.ms} ms` : 'running…'}
      </Text>
    </Box>
  );
}
