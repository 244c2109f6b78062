import { Box, Text } from 'ink';
import wrapAnsi from 'wrap-ansi';
import { waitPhrase } from '../../agent/retry-notice.js';
import type { LiveState } from '../chat-session.js';
import { oneLine } from '../ticket-data.js';
import { ConsentPrompt, MAX_ARGUMENT_LINES } from './ConsentPrompt.js';
import { Spinner } from './Spinner.js';
import { ToolCard } from './ToolCard.js';
import { theme } from './theme.js';

const CONSENT_ROWS = 8 + MAX_ARGUMENT_LINES;
const TOOL_ROWS = 2;

/** The last `maxRows` screen rows of streamed text, with a note of how much is above. */
export function tailRows(text: string, width: number, maxRows: number): { rows: string[]; hidden: number } {
  const rows = wrapAnsi(text, Math.max(10, width), { hard: true, trim: false }).split('\n');
  if (rows.length <= maxRows) return { rows, hidden: 0 };
  const keep = Math.max(0, maxRows - 1);
  return { rows: rows.slice(rows.length - keep), hidden: rows.length - keep };
}

function statusLabel(live: LiveState, now: number): string {
  const seconds = ((now - live.startedAt) / 1000).toFixed(1);
  if (live.retry) {
    const left = Math.max(0, Math.ceil((live.retry.at + live.retry.notice.delayMs - now) / 1000));
    const { attempt, reason } = live.retry.notice;
    return `${waitPhrase(live.retry.notice, left)}: ${reason}${attempt ? ` (attempt ${attempt})` : ''} · Ctrl+C to cancel`;
  }
  return `${live.status || 'working'} (${seconds} s) · Ctrl+C to cancel`;
}

/**
 * The part of the screen that changes while a turn runs: streamed text, the running tool, the
 * consent question and the spinner. It is kept within `maxRows` so Ink never has to clear the
 * whole screen to redraw it (the cause of flicker and lost scrollback in terminal UIs).
 */
export function LiveArea({
  live,
  queued,
  width,
  maxRows,
  consentSelected,
}: {
  live: LiveState;
  queued: string[];
  width: number;
  maxRows: number;
  consentSelected: number;
}) {
  if (!live.busy) return null;
  const fixed =
    1 +
    (queued.length ? 1 : 0) +
    (live.consent ? CONSENT_ROWS : 0) +
    (live.runningTool && !live.consent ? TOOL_ROWS : 0);
  const textRows = Math.max(0, maxRows - fixed - 1);
  const { rows, hidden } = tailRows(live.streamed, width, textRows);
  return (
    <Box flexDirection="column" width={width}>
      {live.streamed && textRows > 0 ? (
        <Box flexDirection="column" marginBottom={1}>
          {hidden > 0 ? <Text color={theme.muted}>… {hidden} more lines above</Text> : null}
          <Text>{rows.join('\n')}</Text>
        </Box>
      ) : null}
      {live.runningTool && !live.consent ? (
        <ToolCard call={live.runningTool.call} changesData={live.runningTool.changesData} width={width} />
      ) : null}
      {live.consent ? <ConsentPrompt call={live.consent.call} selected={consentSelected} width={width} /> : null}
      {live.consent ? null : <Spinner label={() => statusLabel(live, Date.now())} />}
      {queued.length ? (
        <Text color={theme.muted} wrap="truncate-end">
          queued: {queued.map((text) => oneLine(text, 40)).join(' · ')} (runs next; Ctrl+C takes it back)
        </Text>
      ) : null}
    </Box>
  );
}
