import { describe, expect, it } from 'vitest';
import type { Message } from '../types.js';
import { mergeParts, toContents } from './contents.js';
import { toGeminiTools } from './function-declarations.js';

const tools = toGeminiTools([
  { name: 'get_article', description: '', inputSchema: { type: 'object' }, changesData: false },
]);
const article = { title: 'VPN', sections: [{ heading: 'Steps', content: 'x'.repeat(5_000) }] };

describe('conversation as Gemini contents', () => {
  it('sends earlier turns’ long tool results cut short, the current turn’s whole', () => {
    const call = { id: 'c1', name: 'get_article', args: { path: 'kb/vpn.md' } };
    const turn: Message[] = [
      { role: 'user', text: 'vpn?' },
      { role: 'model', text: '', toolCalls: [call] },
      { role: 'tool', results: [{ callId: 'c1', name: 'get_article', outcome: 'done', content: article }] },
    ];
    const contents = toContents([...turn, { role: 'model', text: 'Do this.', toolCalls: [] }, ...turn], tools);
    const earlier = contents[2]?.parts?.[0]?.functionResponse?.response as { output: string };
    const current = contents.at(-1)?.parts?.[0]?.functionResponse?.response as { output: typeof article };
    expect(typeof earlier.output).toBe('string');
    expect(earlier.output).toMatch(/… \(cut: a result from an earlier turn, \d+ characters/);
    expect(earlier.output.length).toBeLessThan(2_200);
    expect(current.output).toEqual(article);
  });

  it('joins streamed text pieces but keeps signed parts and calls apart, in order', () => {
    expect(
      mergeParts([
        { text: 'Let me ' },
        { text: 'look.' },
        { functionCall: { name: 'get_article', args: {} }, thoughtSignature: 'c2ln' },
        { text: '', thoughtSignature: 'ZW5k' },
      ]),
    ).toEqual([
      { text: 'Let me look.' },
      { functionCall: { name: 'get_article', args: {} }, thoughtSignature: 'c2ln' },
      { text: '', thoughtSignature: 'ZW5k' },
    ]);
  });
});
