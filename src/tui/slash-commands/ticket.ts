import { UsageError } from '../../errors.js';
import { toRequesterContact, toTicketAttachments, toTicketEvents, toTicketSummary } from '../ticket-data.js';
import { callReadTool } from './call-tool.js';
import type { SlashCommand } from './types.js';

export const ticketCommand: SlashCommand = {
  name: 'ticket',
  usage: '/ticket N',
  description: 'one ticket as a card: status, priority, SLA, assignee and its latest events',
  async run(args, context) {
    const reference = args.trim();
    if (!reference || /\s/.test(reference)) {
      throw new UsageError('Which ticket? For example: /ticket 12 or /ticket IT-000012');
    }
    const data = await callReadTool(context, 'get_ticket', { ticket: reference });
    context.add({
      kind: 'ticket',
      ticket: toTicketSummary(data.ticket),
      events: toTicketEvents(data.events),
      contact: toRequesterContact(data.requesterProfile),
      now: context.now(),
      atRiskMinutes: context.config.slaAtRiskMinutes,
      attachments: toTicketAttachments(data.attachments),
    });
  },
};
