import { AT_RISK_WITHIN_MS, slaState, type TicketSummary } from './ticket-data.js';

export const DASHBOARD_STATUSES = ['new', 'open', 'pending'] as const;
export const DASHBOARD_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

export interface DashboardData {
  /** counts[status][priority] over active tickets. */
  counts: Record<string, Record<string, number>>;
  total: number;
  breached: TicketSummary[];
  atRisk: TicketSummary[];
  oldestUnassigned: TicketSummary[];
  /** When the server had more active tickets than were read. */
  truncated: boolean;
  now: number;
  /** What "at risk" meant: due within this many minutes. */
  atRiskMinutes: number;
}

const byDue = (a: TicketSummary, b: TicketSummary) =>
  Date.parse(a.resolutionDue ?? '') - Date.parse(b.resolutionDue ?? '');

/** The helpdesk at a glance, from the active tickets. */
export function buildDashboard(
  tickets: TicketSummary[],
  now: number,
  truncated = false,
  atRiskWithinMs = AT_RISK_WITHIN_MS,
): DashboardData {
  const counts: DashboardData['counts'] = {};
  for (const status of DASHBOARD_STATUSES) {
    counts[status] = Object.fromEntries(DASHBOARD_PRIORITIES.map((p) => [p, 0]));
  }
  for (const ticket of tickets) {
    const row = counts[ticket.status];
    if (row && ticket.priority in row) row[ticket.priority] = (row[ticket.priority] ?? 0) + 1;
  }
  return {
    counts,
    total: tickets.length,
    breached: tickets.filter((t) => slaState(t, now, atRiskWithinMs) === 'breached').sort(byDue),
    atRisk: tickets.filter((t) => slaState(t, now, atRiskWithinMs) === 'at_risk').sort(byDue),
    oldestUnassigned: tickets
      .filter((t) => t.assignee === null)
      // Tickets opened in the same instant (an import) are oldest by number.
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.number.localeCompare(b.number))
      .slice(0, 5),
    truncated,
    now,
    atRiskMinutes: Math.round(atRiskWithinMs / 60_000),
  };
}
