import { buildDashboard } from '../dashboard-data.js';
import { type TicketSummary, toTicketSummary } from '../ticket-data.js';
import { callReadTool } from './call-tool.js';
import type { SlashCommand } from './types.js';

const PAGE = 100;
const MAX_PAGES = 10;

export const dashboardCommand: SlashCommand = {
  name: 'dashboard',
  usage: '/dashboard',
  description: 'open tickets by status and priority, SLA at risk or breached, oldest unassigned',
  async run(_args, context) {
    const tickets: TicketSummary[] = [];
    let cursor: string | undefined;
    let truncated = false;
    for (let page = 0; page < MAX_PAGES; page++) {
      const data = await callReadTool(context, 'search_tickets', { limit: PAGE, ...(cursor ? { cursor } : {}) });
      if (Array.isArray(data.tickets)) tickets.push(...data.tickets.map(toTicketSummary));
      cursor = typeof data.next_cursor === 'string' && data.has_more ? data.next_cursor : undefined;
      if (!cursor) break;
      if (page === MAX_PAGES - 1) truncated = true;
    }
    context.add({
      kind: 'dashboard',
      data: buildDashboard(tickets, context.now(), truncated, context.config.slaAtRiskMinutes * 60_000),
    });
  },
};
