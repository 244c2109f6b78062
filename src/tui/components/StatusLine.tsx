import { Box, Text } from 'ink';
import type { SlaCounts } from '../sla-watch.js';
import type { McpHealth } from '../ticket-server.js';
import { theme } from './theme.js';

export interface StatusLineProps {
  provider: string;
  model: string;
  store: 'embedded' | 'server';
  health: McpHealth;
  inputTokens: number;
  outputTokens: number;
  width: number;
  /** Tickets of the agent (and their groups) at risk or breached: marked until dealt with. */
  sla?: SlaCounts;
  /** A short message that replaces the key hints for a moment ("Press Ctrl+C again to quit"). */
  flash?: string;
}

const HEALTH = {
  starting: { text: 'MCP starting', color: theme.warning },
  ready: { text: 'MCP ready', color: theme.ok },
  down: { text: 'MCP down', color: theme.error },
} as const;

/** "· SLA 1 breached · 2 at risk": only when something needs attention. */
function SlaMark({ sla }: { sla: SlaCounts | undefined }) {
  if (!sla || (sla.breached === 0 && sla.atRisk === 0)) return null;
  return (
    <Text>
      <Text color={theme.muted}> · </Text>
      <Text color={sla.breached ? theme.error : theme.warning} bold>
        SLA{' '}
        {[sla.breached ? `${sla.breached} breached` : '', sla.atRisk ? `${sla.atRisk} at risk` : '']
          .filter(Boolean)
          .join(' · ')}
      </Text>
    </Text>
  );
}

/** One line at the bottom: who answers, where the data lives, whether the ticket server is up, tokens. */
export function StatusLine(props: StatusLineProps) {
  const health = HEALTH[props.health.state];
  if (props.flash) {
    return (
      <Box width={props.width}>
        <Text color={theme.warning} wrap="truncate-end">
          {props.flash}
        </Text>
      </Box>
    );
  }
  return (
    <Box width={props.width} justifyContent="space-between">
      <Text wrap="truncate-end">
        <Text color={theme.muted}>
          {props.provider} · {props.model} · store {props.store} ·{' '}
        </Text>
        <Text color={health.color}>{health.text}</Text>
        <SlaMark sla={props.sla} />
        <Text color={theme.muted}>
          {' '}
          · tokens {props.inputTokens} in / {props.outputTokens} out
        </Text>
      </Text>
      <Box flexShrink={0} marginLeft={1}>
        <Text color={theme.muted}>/help</Text>
      </Box>
    </Box>
  );
}
