import { describe, expect, it } from 'vitest';
import type { ToolResult } from '../types.js';
import { composeKnowledgeAnswer } from './compose-answer.js';

const TITLE = 'Outlook keeps asking for my password';
const hit = (confidence: number, heading = `${TITLE} › Steps › Mac`) => ({
  path: 'kb/email/outlook-keeps-asking-for-password.md',
  title: TITLE,
  heading,
  content: '1. Quit Outlook.',
  similarity: 0.5,
  keywordMatch: true,
  confidence,
  coverage: 1,
});
const search = (...results: ReturnType<typeof hit>[]): ToolResult => ({
  callId: '1',
  name: 'search_knowledge',
  outcome: 'done',
  content: { results },
});
const article: ToolResult = {
  callId: '2',
  name: 'get_article',
  outcome: 'done',
  content: {
    title: TITLE,
    summary: 'Stop repeated credential prompts.',
    sections: [
      { heading: `${TITLE} › Symptoms`, content: 'Prompts again and again.' },
      { heading: `${TITLE} › Steps › Windows`, content: '1. Remove stored Office credentials.' },
      { heading: `${TITLE} › Steps › Mac`, content: '1. Delete the Keychain entries.' },
    ],
  },
};

describe('composeKnowledgeAnswer', () => {
  it("shows the first platform's steps for a question that names none, and says which others there are", () => {
    const { text } = composeKnowledgeAnswer('outlook keeps asking for my password', search(hit(0.9)), article);
    expect(text).toContain('Windows:\n1. Remove stored Office credentials.');
    expect(text).not.toContain('Keychain');
    expect(text).toMatch(/also has steps for Mac/);
  });

  it("shows a platform's steps when the question names it", () => {
    const { text } = composeKnowledgeAnswer(
      'outlook keeps asking for my password on my macbook',
      search(hit(0.9)),
      article,
    );
    expect(text).toContain('Mac:\n1. Delete the Keychain entries.');
    expect(text).not.toContain('Remove stored Office credentials');
  });

  it('says no article matches well below the confidence threshold, shows the closest and offers a ticket', () => {
    const answer = composeKnowledgeAnswer('excel crashes when I open a file', search(hit(0.2)), undefined);
    expect(answer.text).toMatch(/^I couldn't find a knowledge-base article that matches this well\./);
    expect(answer.text).toContain(`These might help: ${TITLE} — kb/email/outlook-keeps-asking-for-password.md`);
    expect(answer.text).toMatch(/open a ticket/);
    expect(answer.citations).toEqual([]);
  });
});
