import type { Level, TicketPriority } from '../../tickets/index.js';
import type { Message, ModelProvider, ModelStep, ToolResult } from '../types.js';
import {
  composeCreateAnswer,
  composeKnowledgeAnswer,
  composeListAnswer,
  composeLogAnswer,
  composeStatusAnswer,
  strongestHit,
} from './compose-answer.js';
import { classifyIntent, type Intent, type TicketOperation } from './intent-router.js';
import { draftTicketTitle, guessPriority } from './ticket-drafting.js';
import { planTicketOperation } from './ticket-operation-plan.js';

function lastUserMessage(messages: Message[]): { text: string; index: number } {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return { text: message.text, index: i };
  }
  return { text: '', index: -1 };
}

function firstCall(intent: BasicIntent, question: string): ModelStep['toolCalls'][number] {
  switch (intent.kind) {
    case 'create_ticket':
      return {
        id: 'offline-1',
        name: 'create_ticket',
        // Impact and urgency, not a priority: the ticket system derives the priority from them.
        args: {
          title: draftTicketTitle(question),
          description: question.trim(),
          ...IMPACT_AND_URGENCY[guessPriority(question)],
        },
      };
    case 'ticket_status':
      return { id: 'offline-1', name: 'get_ticket', args: { ticket: intent.ticket } };
    case 'list_tickets':
      return { id: 'offline-1', name: 'search_tickets', args: { requester: 'me' } };
    case 'kb_question':
      return { id: 'offline-1', name: 'search_knowledge', args: { query: question.trim().slice(0, 2000), limit: 5 } };
    case 'analyze_log':
      return { id: 'offline-1', name: 'analyze_log', args: { log: question, limit: 3 } };
  }
}

/** The impact × urgency that yields each guessed priority (see PRIORITY_MATRIX). */
const IMPACT_AND_URGENCY: Record<TicketPriority, { impact: Level; urgency: Level }> = {
  P1: { impact: 1, urgency: 1 },
  P2: { impact: 2, urgency: 1 },
  P3: { impact: 3, urgency: 2 },
  P4: { impact: 3, urgency: 3 },
};

type BasicIntent = Exclude<Intent, TicketOperation>;

function isBasic(intent: Intent): intent is BasicIntent {
  return ['kb_question', 'analyze_log', 'create_ticket', 'ticket_status', 'list_tickets'].includes(intent.kind);
}

function answer(intent: BasicIntent, question: string, results: ToolResult[]): ModelStep {
  const result = results[0] as ToolResult;
  const composed = (() => {
    switch (intent.kind) {
      case 'create_ticket':
        return composeCreateAnswer(result, { title: draftTicketTitle(question), priority: guessPriority(question) });
      case 'ticket_status':
        return composeStatusAnswer(result, intent.ticket);
      case 'list_tickets':
        return composeListAnswer(result);
      case 'kb_question':
        return composeKnowledgeAnswer(question, result, results[1]);
      case 'analyze_log':
        return composeLogAnswer(result);
    }
  })();
  return { text: composed.text, toolCalls: [], citations: composed.citations };
}

/**
 * The model used when no Gemini key is set: rules pick the tools for the message, and the answer
 * is composed from their results. It speaks the same protocol as a real model, so the agent
 * loop, consent and MCP path are exactly the ones Gemini uses.
 */
export function createOfflineProvider(): ModelProvider {
  return {
    name: 'offline',
    model: 'rules+retrieval',
    async generate({ messages }) {
      const { text: question, index } = lastUserMessage(messages);
      const intent = classifyIntent(question);
      const results = messages.slice(index + 1).flatMap((message) => (message.role === 'tool' ? message.results : []));
      if (!isBasic(intent)) return planTicketOperation(intent, results);
      const first = results[0];
      if (!first) return { text: '', toolCalls: [firstCall(intent, question)] };
      // A good search hit is worth reading whole: the answer should be the article's steps.
      const best = intent.kind === 'kb_question' && results.length === 1 ? strongestHit(first) : undefined;
      if (best) return { text: '', toolCalls: [{ id: 'offline-2', name: 'get_article', args: { path: best.path } }] };
      return answer(intent, question, results);
    },
  };
}
