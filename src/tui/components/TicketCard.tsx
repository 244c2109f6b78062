import { Box, Text } from 'ink';
import {
  describeEvent,
  formatBytes,
  type RequesterContact,
  relativeTime,
  shortDateTime,
  slaState,
  type TicketAttachment,
  type TicketEvent,
  type TicketSummary,
} from '../ticket-data.js';
import { truncate } from './Table.js';
import { theme } from './theme.js';

const LAST_EVENTS = 5;

const SLA_COLOR = { breached: theme.error, at_risk: theme.warning, ok: theme.ok, none: theme.muted } as const;
const SLA_LABEL = { breached: 'BREACHED', at_risk: 'at risk', ok: 'on track', none: '' } as const;

function Due({ label, iso, now }: { label: string; iso: string | null; now: number }) {
  if (!iso) return null;
  return (
    <Text>
      {label} {relativeTime(iso, now)} <Text color={theme.muted}>({shortDateTime(iso)})</Text>
    </Text>
  );
}

/** One ticket: number, title, status, priority, who has it, SLA due times and the latest events. */
export function TicketCard({
  ticket,
  events,
  now,
  width,
  contact,
  atRiskMinutes,
  attachments = [],
}: {
  ticket: TicketSummary;
  events: TicketEvent[];
  now: number;
  width: number;
  /** The requester from the directory, when they are in it. */
  contact?: RequesterContact | null;
  /** What "at risk" means here (ITBOT_SLA_AT_RISK); the default when not given. */
  atRiskMinutes?: number;
  /** Files on the ticket (get_ticket lists them). */
  attachments?: TicketAttachment[];
}) {
  const sla = slaState(ticket, now, atRiskMinutes === undefined ? undefined : atRiskMinutes * 60_000);
  const inner = Math.max(20, width - 4);
  const recent = events.slice(-LAST_EVENTS);
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={theme.accent}
      paddingX={1}
      width={Math.min(width, 100)}
    >
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>
          {ticket.number}
        </Text>{' '}
        <Text bold>{ticket.title}</Text>
      </Text>
      <Text>
        status <Text bold>{ticket.status}</Text> · priority <Text bold>{ticket.priority}</Text>
        {ticket.priorityOverridden ? ' (set by hand)' : ''} · assignee{' '}
        <Text bold>{ticket.assignee ?? 'unassigned'}</Text>
        {ticket.group ? ` (${ticket.group})` : ''}
      </Text>
      <Text color={theme.muted}>
        requester {ticket.requester} · category {ticket.category ?? '-'} · opened {shortDateTime(ticket.createdAt)}
      </Text>
      {contact ? (
        <Text wrap="truncate-end">
          contact <Text bold>{contact.displayName}</Text>
          {contact.email ? ` <${contact.email}>` : ''}
          {contact.department ? ` · ${contact.department}` : ''}
          {contact.location ? ` · ${contact.location}` : ''}
        </Text>
      ) : null}
      {sla !== 'none' ? (
        <Text>
          SLA <Text color={SLA_COLOR[sla]}>{SLA_LABEL[sla]}</Text>
        </Text>
      ) : null}
      <Due label="first response due" iso={ticket.firstResponseDue} now={now} />
      <Due label="resolution due" iso={ticket.resolutionDue} now={now} />
      {attachments.length > 0 ? (
        <Text wrap="truncate-end">
          attachments{' '}
          {attachments.map((a) => `${a.id} ${a.filename} (${a.contentType}, ${formatBytes(a.size)})`).join(' · ')}
        </Text>
      ) : null}
      {recent.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color={theme.muted}>
            last {recent.length === 1 ? 'event' : `${recent.length} events`}
            {events.length > recent.length ? ` of ${events.length}` : ''}:
          </Text>
          {recent.map((event, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a timeline never reorders
            <Text key={i} wrap="truncate-end">
              {truncate(
                `${shortDateTime(event.createdAt).slice(0, 16)}  ${event.author}  ${describeEvent(event)}`,
                inner,
              )}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
