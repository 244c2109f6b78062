import { Box, Text } from 'ink';
import { DASHBOARD_PRIORITIES, DASHBOARD_STATUSES, type DashboardData } from '../dashboard-data.js';
import { relativeTime, spanOfMinutes, type TicketSummary } from '../ticket-data.js';
import { Table } from './Table.js';
import { theme } from './theme.js';

function TicketLines({
  tickets,
  now,
  width,
  due,
}: {
  tickets: TicketSummary[];
  now: number;
  width: number;
  due: boolean;
}) {
  if (tickets.length === 0) return <Text color={theme.muted}> none</Text>;
  const shown = tickets.slice(0, 5);
  return (
    <Table
      columns={[
        { header: 'ticket' },
        { header: 'pri' },
        { header: 'title', flexible: true },
        { header: due ? 'due' : 'opened' },
      ]}
      rows={shown.map((t) => [
        t.number,
        t.priority,
        t.title,
        due ? relativeTime(t.resolutionDue ?? '', now) : relativeTime(t.createdAt, now),
      ])}
      width={width}
    />
  );
}

/** Open tickets by status and priority, SLA trouble, and who is waiting longest for an owner. */
export function Dashboard({ data, width }: { data: DashboardData; width: number }) {
  const rows = DASHBOARD_STATUSES.map((status) => {
    const counts = DASHBOARD_PRIORITIES.map((p) => data.counts[status]?.[p] ?? 0);
    return [status, ...counts.map(String), String(counts.reduce((a, b) => a + b, 0))];
  });
  const totals = DASHBOARD_PRIORITIES.map((_, i) => rows.reduce((sum, row) => sum + Number(row[i + 1]), 0));
  rows.push(['total', ...totals.map(String), String(data.total)]);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.accent}>
        Dashboard · {data.total} active tickets{data.truncated ? ' (first 1000 read)' : ''}
      </Text>
      <Box marginTop={1}>
        <Table
          columns={[
            { header: 'status' },
            ...DASHBOARD_PRIORITIES.map((p) => ({ header: p, align: 'right' as const })),
            { header: 'all', align: 'right' },
          ]}
          rows={rows}
          width={width}
        />
      </Box>
      <Box marginTop={1} flexDirection="column">
        <Text bold color={data.breached.length ? theme.error : undefined}>
          SLA breached: {data.breached.length}
        </Text>
        <TicketLines tickets={data.breached} now={data.now} width={width} due />
      </Box>
      <Box marginTop={1} flexDirection="column">
        <Text bold color={data.atRisk.length ? theme.warning : undefined}>
          SLA at risk (due within {spanOfMinutes(data.atRiskMinutes)}): {data.atRisk.length}
        </Text>
        <TicketLines tickets={data.atRisk} now={data.now} width={width} due />
      </Box>
      <Box marginTop={1} flexDirection="column">
        <Text bold>Oldest unassigned:</Text>
        <TicketLines tickets={data.oldestUnassigned} now={data.now} width={width} due={false} />
      </Box>
    </Box>
  );
}
