import { Box, Text } from 'ink';
import type { Citation } from '../../agent/index.js';
import type { TranscriptItem } from '../transcript.js';
import { Dashboard } from './Dashboard.js';
import { Markdown } from './Markdown.js';
import { Table } from './Table.js';
import { TicketCard } from './TicketCard.js';
import { ToolCard } from './ToolCard.js';
import { theme } from './theme.js';

function Citations({ citations }: { citations: Citation[] }) {
  if (citations.length === 0) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color={theme.muted}>Sources:</Text>
      {citations.map((citation) => (
        <Text key={citation.path}>
          {'  '}• <Text bold>{citation.title}</Text> <Text color={theme.muted}>— {citation.path}</Text>
        </Text>
      ))}
    </Box>
  );
}

const TONE = { info: theme.muted, warning: theme.warning, error: theme.error } as const;

/** Long pasted messages are shown by their first lines; the assistant got all of them. */
const USER_LINES_SHOWN = 8;

function clipUserText(text: string): string {
  const lines = text.split('\n');
  if (lines.length <= USER_LINES_SHOWN + 2) return text;
  return `${lines.slice(0, USER_LINES_SHOWN).join('\n')}\n… ${lines.length - USER_LINES_SHOWN} more lines`;
}

/** One finished transcript entry, as printed once above the live area. */
export function TranscriptView({
  item,
  width,
  afterTool = false,
}: {
  item: TranscriptItem;
  width: number;
  /** Tool cards sit tight together; whatever follows them gets a blank line. */
  afterTool?: boolean;
}) {
  const body = (() => {
    switch (item.kind) {
      case 'welcome':
        return (
          <Text>
            <Text bold color={theme.accent}>
              itbot
            </Text>{' '}
            — ask an IT question or work a ticket.{' '}
            <Text color={theme.muted}>/help for commands · Ctrl+C twice to quit</Text>
          </Text>
        );
      case 'user':
        return (
          <Box flexDirection="row">
            <Text color={theme.user} bold>
              {'› '}
            </Text>
            <Box width={Math.max(10, width - 2)}>
              <Text color={theme.user}>{clipUserText(item.text)}</Text>
            </Box>
          </Box>
        );
      case 'assistant':
        return (
          <Box flexDirection="column">
            <Markdown text={item.text} width={width} />
            <Citations citations={item.citations} />
            {item.footer ? <Text color={theme.muted}>{item.footer}</Text> : null}
          </Box>
        );
      case 'tool':
        return (
          <ToolCard
            call={item.call}
            record={item.record}
            summary={item.summary}
            changesData={item.changesData}
            width={width}
          />
        );
      case 'ticket':
        return (
          <TicketCard
            ticket={item.ticket}
            events={item.events}
            now={item.now}
            width={width}
            contact={item.contact}
            atRiskMinutes={item.atRiskMinutes}
            attachments={item.attachments}
          />
        );
      case 'table':
        return (
          <Box flexDirection="column">
            <Text bold color={theme.accent}>
              {item.title}
            </Text>
            <Table columns={item.columns} rows={item.rows} width={width} />
            {item.footer ? <Text color={theme.muted}>{item.footer}</Text> : null}
          </Box>
        );
      case 'dashboard':
        return <Dashboard data={item.data} width={width} />;
      case 'notice':
        return (
          <Box width={width}>
            <Text color={TONE[item.tone]}>{item.text}</Text>
          </Box>
        );
    }
  })();
  return (
    <Box
      marginBottom={item.kind === 'tool' ? 0 : 1}
      marginTop={afterTool && item.kind !== 'tool' ? 1 : 0}
      width={width}
    >
      {body}
    </Box>
  );
}
