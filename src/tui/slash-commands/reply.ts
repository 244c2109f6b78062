import { ToolFailedError, UsageError } from '../../errors.js';
import type { SlashCommand } from './types.js';

/** `/reply N macro [article]`: a canned reply, filled in by the server and sent after the agent agrees. */
export const replyCommand: SlashCommand = {
  name: 'reply',
  usage: '/reply N MACRO [ARTICLE]',
  description: 'reply to the requester with a canned reply (itbot macros list); asks first',
  async run(args, context) {
    const [ticket, macro, article, ...rest] = args.trim().split(/\s+/).filter(Boolean);
    if (!ticket || !macro || rest.length)
      throw new UsageError('Which ticket and which macro? For example: /reply 12 vpn-809 kb/network/vpn-error-809.md');
    const call = { id: `slash-reply-${context.now()}`, name: 'reply_with_macro', args: { ticket, macro, article } };
    if (!(await context.consent(call))) {
      context.add({ kind: 'notice', tone: 'info', text: `Not sent: the reply to ${ticket} with ${macro} was denied.` });
      return;
    }
    const { connection } = await context.server();
    const outcome = await connection.callTool(call.name, call.args);
    if (!outcome.ok)
      throw new ToolFailedError(
        outcome.error?.message ?? (outcome.text || 'reply_with_macro failed.'),
        outcome.error?.hint ?? undefined,
      );
    const sent = outcome.data as { ticket?: { number?: string; requester?: string }; text?: string } | undefined;
    context.add({
      kind: 'notice',
      tone: 'info',
      text: `Replied to ${sent?.ticket?.requester ?? 'the requester'} on ${sent?.ticket?.number ?? ticket} with ${macro}: ${sent?.text ?? ''}`,
    });
  },
};
