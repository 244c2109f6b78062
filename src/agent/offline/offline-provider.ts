import type { Message, ModelProvider, ModelStep, ToolResult } from '../types.js';
import { composeKnowledgeAnswer, composeLogAnswer, strongestHit } from './compose-answer.js';
import { planTicketWork } from './ticket-work-plan.js';
import { type Understanding, understand } from './understanding/index.js';

function lastUserMessage(messages: Message[]): { text: string; index: number } {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return { text: message.text, index: i };
  }
  return { text: '', index: -1 };
}

const say = (text: string): ModelStep => ({ text, toolCalls: [] });

function knowledgeStep(question: string, results: ToolResult[]): ModelStep {
  const first = results[0];
  if (!first)
    return {
      text: '',
      toolCalls: [
        { id: 'offline-1', name: 'search_knowledge', args: { query: question.trim().slice(0, 2000), limit: 5 } },
      ],
    };
  // A good search hit is worth reading whole: the answer should be the article's steps.
  const best = results.length === 1 ? strongestHit(first) : undefined;
  if (best) return { text: '', toolCalls: [{ id: 'offline-2', name: 'get_article', args: { path: best.path } }] };
  const composed = composeKnowledgeAnswer(question, first, results[1]);
  return { text: composed.text, toolCalls: [], citations: composed.citations };
}

function logStep(question: string, results: ToolResult[]): ModelStep {
  const first = results[0];
  if (!first)
    return { text: '', toolCalls: [{ id: 'offline-1', name: 'analyze_log', args: { log: question, limit: 3 } }] };
  const composed = composeLogAnswer(first);
  return { text: composed.text, toolCalls: [], citations: composed.citations };
}

function nothingStep(understanding: Understanding, question: string): ModelStep {
  if (understanding.intent === 'not_language')
    return say(
      'That does not look like a question or a request (it is not text I can read), so I did nothing with it.',
    );
  if (question.trim().split(/\s+/).length <= 3)
    return say('Ask me an IT question, or for ticket work: "my tickets", "add a note to 42: …", "assign 42 to maria".');
  const shortQuestion = question.trim().split(/\r?\n/)[0]?.slice(0, 100) ?? '';
  return say(
    `I couldn't find anything about that: I answer IT questions from the knowledge base and work tickets.\nIf you want someone from IT to look at it, I can open a ticket: itbot ask --yes "open a ticket: ${shortQuestion}"`,
  );
}

/**
 * The model used when no Gemini key is set: a classifier learned from labelled sentences, the
 * company directory and a date parser read the message into one tool call (or a question back),
 * and the answer is composed from the results. It speaks the same protocol as a real model, so
 * the agent loop, consent and MCP path are exactly the ones Gemini uses.
 */
export function createOfflineProvider(options: { speaker?: string } = {}): ModelProvider {
  // A turn asks the provider several times (after each tool result): read the message once.
  let last: { question: string; understanding: Promise<Understanding> } | undefined;
  const understandOnce = (question: string) => {
    if (last?.question !== question)
      last = { question, understanding: understand(question, { speaker: options.speaker }) };
    return last.understanding;
  };
  return {
    name: 'offline',
    model: 'nlu+retrieval',
    async generate({ messages }) {
      const { text: question, index } = lastUserMessage(messages);
      const results = messages.slice(index + 1).flatMap((message) => (message.role === 'tool' ? message.results : []));
      const understanding = await understandOnce(question);
      switch (understanding.tool) {
        case 'knowledge':
          return knowledgeStep(question, results);
        case 'analyze_log':
          return logStep(question, results);
        case 'none':
          return nothingStep(understanding, question);
        case 'clarify':
          return say('question' in understanding ? understanding.question : 'Could you say that another way?');
        default:
          return 'args' in understanding ? planTicketWork(understanding, question, results) : say('');
      }
    },
  };
}
