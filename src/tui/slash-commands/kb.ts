import { UsageError } from '../../errors.js';
import { oneLine } from '../ticket-data.js';
import { callReadTool } from './call-tool.js';
import type { SlashCommand } from './types.js';

interface Hit {
  title?: unknown;
  path?: unknown;
  heading?: unknown;
  content?: unknown;
}

export const kbCommand: SlashCommand = {
  name: 'kb',
  usage: '/kb QUERY',
  description: 'search the knowledge base directly (no assistant): best articles and sections',
  async run(args, context) {
    const query = args.trim();
    if (!query) throw new UsageError('What should I look for? For example: /kb vpn drops');
    const data = await callReadTool(context, 'search_knowledge', { query: query.slice(0, 2000), limit: 5 });
    const hits = (Array.isArray(data.results) ? data.results : []) as Hit[];
    if (hits.length === 0) {
      context.add({ kind: 'notice', tone: 'info', text: `Nothing in the knowledge base matches "${query}".` });
      return;
    }
    const text = hits
      .map((hit, i) => {
        const heading = String(hit.heading ?? '');
        const title = String(hit.title ?? '');
        const section = heading && heading !== title ? ` › ${heading.replace(`${title} > `, '')}` : '';
        return `${i + 1}. **${title}**${section} — \`${String(hit.path ?? '')}\`\n   ${oneLine(String(hit.content ?? ''), 200)}`;
      })
      .join('\n');
    context.add({ kind: 'assistant', text: `Knowledge base results for "${query}":\n\n${text}`, citations: [] });
  },
};
