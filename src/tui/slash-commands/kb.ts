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
        const title = String(hit.title ?? '');
        // The heading path starts with the title; show only the section under it.
        const section = String(hit.heading ?? '')
          .split(/\s+[›>]\s+/)
          .filter((part) => part && part !== title)
          .join(' › ');
        // Quoted and stripped of Markdown, so a snippet starting "1." does not become a list.
        const snippet = oneLine(String(hit.content ?? '').replace(/[*_`#|]/g, ''), 200);
        return `${i + 1}. **${title}**${section ? ` › ${section}` : ''} — \`${String(hit.path ?? '')}\`\n   “${snippet}”`;
      })
      .join('\n');
    context.add({ kind: 'assistant', text: `Knowledge base results for "${query}":\n\n${text}`, citations: [] });
  },
};
