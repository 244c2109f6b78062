// The leaf module, not the knowledge index: `itbot ask` should not load the store to read a number.
import { ANSWER_CONFIDENCE } from '../../knowledge/answer-confidence.js';
import type { Citation, ToolResult } from '../types.js';

/** Shapes of the MCP tools' structured results that the offline provider reads. */
interface Hit {
  path: string;
  title: string;
  heading: string;
  content: string;
  similarity: number;
  keywordMatch: boolean;
  /** How likely the article answers the question (0–1), from search_knowledge. */
  confidence?: number;
  /** Share of the question's words (IDF-weighted) the article contains. */
  coverage?: number;
}
interface TicketView {
  number: string;
  title: string;
  status: string;
  priority: string;
  requester: string;
  assignee: string | null;
  group: string | null;
  sla: { resolutionDue: string | null };
  createdAt: string;
  updatedAt: string;
}
interface EventView {
  kind: string;
  author: string;
  body: string | null;
  createdAt: string;
}

export interface ComposedAnswer {
  text: string;
  citations: Citation[];
}

/**
 * For a server that predates answer confidences: below this cosine similarity, and with none of
 * the question's words in the article, a hit is a guess rather than an answer.
 */
const WEAK_MATCH = 0.25;
/** "See also" lists articles with nearly all the question's words, and a close wording. */
const RELATED_COVERAGE = 0.9;
const RELATED_SIMILARITY = 0.3;
/** "Might help" lists the closest articles with at least this share of the question's words. */
const MIGHT_HELP_COVERAGE = 0.3;
const MAX_STEPS_CHARS = 2000;

function day(iso: string): string {
  return iso.slice(0, 10);
}

function trimSection(content: string): string {
  if (content.length <= MAX_STEPS_CHARS) return content;
  const cut = content.slice(0, MAX_STEPS_CHARS);
  return `${cut.slice(0, cut.lastIndexOf('\n') > 0 ? cut.lastIndexOf('\n') : MAX_STEPS_CHARS)}\n…`;
}

interface ArticleView {
  title: string;
  summary: string;
  sections: { heading: string; content: string }[];
}

/** Whether a knowledge search found something worth answering with (else: offer a ticket). */
export function strongestHit(result: ToolResult): Hit | undefined {
  if (result.outcome !== 'done' || typeof result.content === 'string') return undefined;
  const best = ((result.content.results ?? []) as Hit[])[0];
  if (!best) return undefined;
  if (best.confidence !== undefined) return best.confidence >= ANSWER_CONFIDENCE ? best : undefined;
  return best.similarity >= WEAK_MATCH || best.keywordMatch ? best : undefined;
}

const ACTION_HEADING = /(?:^|› )(?:steps|how to|fix|solution|resolution|what to do|do this)/i;

function lastHeadingPart(heading: string): string {
  return heading.split(' › ').pop() ?? heading;
}

function parentHeading(heading: string): string {
  return heading.split(' › ').slice(0, -1).join(' › ');
}

/** Platforms articles keep separate steps for, and the words a question names them with. */
const PLATFORMS: [string, RegExp][] = [
  ['Windows', /\b(?:windows|pc)\b/i],
  ['Mac', /\b(?:mac|macs|macbook|macos|imac|os x)\b/i],
  ['iPhone', /\b(?:iphone|ipad|ios)\b/i],
  ['Android', /\bandroid\b/i],
  ['Linux', /\b(?:linux|ubuntu)\b/i],
];

function platformOf(text: string): string | undefined {
  return PLATFORMS.find(([, words]) => words.test(text))?.[0];
}

type Section = { heading: string; content: string };

/**
 * The steps a person should act on: the procedure the best match belongs to (it and its sibling
 * and child sections, in article order), with a platform's own steps only when the question
 * names that platform (those first). When every step is for one platform or another and the
 * question names none, the first platform's steps; `others` names the platforms left out.
 */
function stepsToShow(
  best: Hit,
  article: ArticleView | undefined,
  question: string,
): { sections: Section[]; others: string[] } {
  const sections = article?.sections.length ? article.sections : [best];
  const anchor = ACTION_HEADING.test(best.heading)
    ? best
    : (sections.find((section) => ACTION_HEADING.test(section.heading)) ?? best);
  const parent = parentHeading(anchor.heading);
  const group = ACTION_HEADING.test(anchor.heading)
    ? sections.filter(
        (section) =>
          ACTION_HEADING.test(section.heading) &&
          ((parent && parentHeading(section.heading) === parent) ||
            section.heading === anchor.heading ||
            section.heading.startsWith(`${anchor.heading} › `)),
      )
    : sections.filter((section) => section.heading === anchor.heading);
  const asked = platformOf(question);
  const platform = (section: Section) => platformOf(lastHeadingPart(section.heading));
  const general = group.filter((section) => !platform(section));
  const forAsked = asked ? group.filter((section) => platform(section) === asked) : [];
  let chosen = [...forAsked, ...general];
  if (!chosen.length) chosen = group.filter((section) => platform(section) === platform(group[0] as Section));
  if (!chosen.length) chosen = [anchor];
  const shown = new Set(chosen.map(platform));
  const others = [...new Set(group.map(platform))].filter((name): name is string => !!name && !shown.has(name));
  return { sections: chosen, others };
}

/** Sections as "Heading:" blocks (one heading for the pieces of a long section), cut to a readable length. */
function formatSteps(sections: Section[]): string {
  const blocks: string[] = [];
  let previous = '';
  for (const section of sections) {
    const part =
      section.heading === previous ? section.content : `${lastHeadingPart(section.heading)}:\n${section.content}`;
    blocks.push(part);
    previous = section.heading;
  }
  return trimSection(blocks.join('\n\n'));
}

function noGoodMatch(question: string, hits: Hit[]): ComposedAnswer {
  const shortQuestion = question.trim().split(/\r?\n/)[0]?.slice(0, 100) ?? '';
  const closest = hits.filter((hit) => (hit.coverage ?? 0) >= MIGHT_HELP_COVERAGE).slice(0, 2);
  const lines = ["I couldn't find a knowledge-base article that matches this well."];
  if (closest.length) lines.push(`These might help: ${closest.map((hit) => `${hit.title} — ${hit.path}`).join('; ')}`);
  lines.push(
    `If you want someone from IT to look at it, I can open a ticket: itbot ask --yes "open a ticket: ${shortQuestion.replace(/"/g, "'")}"`,
  );
  return { text: lines.join('\n'), citations: [] };
}

export function composeKnowledgeAnswer(
  question: string,
  search: ToolResult,
  articleResult?: ToolResult,
): ComposedAnswer {
  if (search.outcome !== 'done' || typeof search.content === 'string') {
    return { text: `I could not search the knowledge base: ${String(search.content)}`, citations: [] };
  }
  const hits = (search.content.results ?? []) as Hit[];
  const best = strongestHit(search);
  if (!best) return noGoodMatch(question, hits);
  const article =
    articleResult?.outcome === 'done' && typeof articleResult.content !== 'string'
      ? (articleResult.content as unknown as ArticleView)
      : undefined;
  const related = hits
    .slice(1)
    .filter((hit) =>
      hit.coverage !== undefined
        ? hit.coverage >= RELATED_COVERAGE && hit.similarity >= RELATED_SIMILARITY
        : hit.similarity >= WEAK_MATCH || hit.keywordMatch,
    )
    .slice(0, 2);
  const steps = stepsToShow(best, article, question);
  const lines = [article?.summary ? `${best.title}: ${article.summary}` : best.title, '', formatSteps(steps.sections)];
  if (steps.others.length)
    lines.push(
      `(The article also has steps for ${steps.others.join(' and ')}: name it in the question, e.g. "on ${steps.others[0] === 'Mac' ? 'my mac' : steps.others[0]}".)`,
    );
  lines.push('', `Source: ${best.title} — ${best.path}`);
  if (related.length) lines.push(`See also: ${related.map((hit) => `${hit.title} — ${hit.path}`).join('; ')}`);
  lines.push('If this does not solve it, ask me to open a ticket.');
  return {
    text: lines.join('\n'),
    citations: [best, ...related].map((hit) => ({ title: hit.title, path: hit.path, heading: hit.heading })),
  };
}

export function composeCreateAnswer(result: ToolResult, draft: { title: string; priority: string }): ComposedAnswer {
  if (result.outcome === 'not_allowed') {
    return {
      text: `I would open a ticket "${draft.title}" (priority ${draft.priority}), but did not: ${String(result.content)}`,
      citations: [],
    };
  }
  if (result.outcome === 'failed' || typeof result.content === 'string') {
    return { text: `The ticket could not be opened: ${String(result.content)}`, citations: [] };
  }
  const ticket = result.content.ticket as TicketView;
  const verb = result.content.created === false ? 'This request was already filed as' : 'Opened';
  return {
    text: `${verb} ${ticket.number}: "${ticket.title}" (priority ${ticket.priority}, status ${ticket.status}). Quote ${ticket.number} when you follow up.`,
    citations: [],
  };
}

export function composeStatusAnswer(result: ToolResult, ticketNumber: string): ComposedAnswer {
  if (result.outcome !== 'done' || typeof result.content === 'string') {
    return { text: `I couldn't look up ${ticketNumber}: ${String(result.content)}`, citations: [] };
  }
  const ticket = result.content.ticket as TicketView;
  const events = (result.content.events ?? []) as EventView[];
  const last = events[events.length - 1];
  const owner = ticket.assignee ?? (ticket.group ? `${ticket.group} (unassigned)` : 'unassigned');
  const lines = [
    `${ticket.number}: ${ticket.title}`,
    `Status: ${ticket.status} · Priority: ${ticket.priority} · With: ${owner} · Requester: ${ticket.requester} · Opened: ${day(ticket.createdAt)}`,
  ];
  if (ticket.sla.resolutionDue && ['new', 'open', 'pending'].includes(ticket.status)) {
    lines.push(`Resolution due: ${ticket.sla.resolutionDue.slice(0, 16).replace('T', ' ')} UTC`);
  }
  if (last)
    lines.push(
      `Last update (${day(last.createdAt)}, ${last.author}): ${last.kind}${last.body ? ` — ${last.body.slice(0, 200)}` : ''}`,
    );
  return { text: lines.join('\n'), citations: [] };
}

export function composeListAnswer(result: ToolResult): ComposedAnswer {
  if (result.outcome !== 'done' || typeof result.content === 'string') {
    return { text: `I couldn't list your tickets: ${String(result.content)}`, citations: [] };
  }
  const tickets = (result.content.tickets ?? []) as TicketView[];
  if (tickets.length === 0) return { text: 'You have no open tickets.', citations: [] };
  const more = result.content.has_more === true ? ' (the newest; there are more)' : '';
  const lines = [`You have ${tickets.length} open ticket${tickets.length === 1 ? '' : 's'}${more}:`];
  for (const ticket of tickets) {
    lines.push(
      `- ${ticket.number} [${ticket.status}, ${ticket.priority}] ${ticket.title} (opened ${day(ticket.createdAt)})`,
    );
  }
  return { text: lines.join('\n'), citations: [] };
}

interface LogAnalysisView {
  signatures: { kind: string; value: string; count: number }[];
  error_lines: string[];
  articles: { path: string; title: string; heading: string }[];
  past_tickets: { number: string; title: string; resolution: string | null }[];
}

function describeSignature(signature: LogAnalysisView['signatures'][number]): string {
  const times = signature.count > 1 ? ` (${signature.count}×)` : '';
  return signature.kind === 'host' ? `${signature.value} (failing host)${times}` : `${signature.value}${times}`;
}

/** What a pasted log says: its error signatures, the first failure, and where the fix is written down. */
export function composeLogAnswer(result: ToolResult): ComposedAnswer {
  if (result.outcome !== 'done' || typeof result.content === 'string') {
    return { text: `I could not analyse the log: ${String(result.content)}`, citations: [] };
  }
  const analysis = result.content as unknown as LogAnalysisView;
  if (analysis.signatures.length === 0 && analysis.error_lines.length === 0) {
    return {
      text: 'I found no error codes or failures in this log. Paste the lines around the failure, or ask me to open a ticket.',
      citations: [],
    };
  }
  const lines: string[] = [];
  if (analysis.signatures.length)
    lines.push(`The log shows: ${analysis.signatures.slice(0, 6).map(describeSignature).join(', ')}.`);
  if (analysis.error_lines[0]) lines.push(`First failure: ${analysis.error_lines[0]}`);
  const [best, ...others] = analysis.articles;
  lines.push('');
  if (best) {
    lines.push(`Most likely relevant: ${best.title} — ${best.path} (${lastHeadingPart(best.heading)})`);
    if (others.length)
      lines.push(
        `Also: ${others
          .slice(0, 2)
          .map((article) => `${article.title} — ${article.path}`)
          .join('; ')}`,
      );
  } else {
    lines.push('No knowledge-base article matches these errors.');
  }
  if (analysis.past_tickets.length) {
    lines.push('', 'Resolved tickets with the same errors:');
    for (const ticket of analysis.past_tickets.slice(0, 3)) {
      const fix = ticket.resolution ? ` — fixed: ${ticket.resolution.replace(/\s+/g, ' ').slice(0, 160)}` : '';
      lines.push(`- ${ticket.number} ${ticket.title}${fix}`);
    }
  }
  lines.push('If this does not solve it, ask me to open a ticket and paste the log into it.');
  const cited = best ? [best, ...others.slice(0, 2)] : [];
  return {
    text: lines.join('\n'),
    citations: cited.map((article) => ({ title: article.title, path: article.path, heading: article.heading })),
  };
}
