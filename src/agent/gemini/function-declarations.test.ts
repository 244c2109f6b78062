import { describe, expect, it } from 'vitest';
import { toGeminiSchema, toGeminiTools } from './function-declarations.js';

describe('MCP tool schemas as Gemini function declarations', () => {
  it('rewrites what Gemini rejects and keeps what it understands', () => {
    const schema = toGeminiSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      properties: {
        ticket: { type: 'string', minLength: 1, maxLength: 40, description: 'The ticket number' },
        version: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        impact: {
          anyOf: [
            { type: 'number', const: 1 },
            { type: 'number', const: 2 },
            { type: 'number', const: 3 },
          ],
          description: 'How many are affected',
        },
        priority: { anyOf: [{ type: 'string', enum: ['P1', 'P2'] }, { type: 'null' }] },
        kind: { type: 'string', const: 'duplicate' },
        note: { type: ['string', 'null'] },
        fields: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'string' } },
        tags: { type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 20 },
      },
      required: ['ticket', 'missing'],
    });
    expect(schema).toEqual({
      type: 'OBJECT',
      properties: {
        ticket: { type: 'STRING', minLength: 1, maxLength: 40, description: 'The ticket number' },
        version: { type: 'INTEGER', minimum: 1 },
        impact: { type: 'INTEGER', minimum: 1, maximum: 3, description: 'How many are affected (one of 1, 2, 3)' },
        priority: { type: 'STRING', enum: ['P1', 'P2'], nullable: true },
        kind: { type: 'STRING', enum: ['duplicate'] },
        note: { type: 'STRING', nullable: true },
        fields: { type: 'OBJECT' },
        tags: { type: 'ARRAY', items: { type: 'STRING', maxLength: 50 }, maxItems: 20 },
      },
      required: ['ticket'],
    });
  });

  it('keeps a real union as anyOf', () => {
    expect(toGeminiSchema({ anyOf: [{ type: 'string' }, { type: 'integer' }] })).toEqual({
      anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }],
    });
  });

  it('maps names Gemini would refuse and maps them back', () => {
    const tools = toGeminiTools([
      { name: 'search_knowledge', description: '', inputSchema: { type: 'object' }, changesData: false },
      { name: 'tickets/create new', description: '', inputSchema: { type: 'object' }, changesData: true },
      { name: '1st-tool', description: '', inputSchema: { type: 'object' }, changesData: false },
    ]);
    expect(tools.declarations.map((d) => d.name)).toEqual(['search_knowledge', 'tickets_create_new', '_1st-tool']);
    expect(tools.mcpName('tickets_create_new')).toBe('tickets/create new');
    expect(tools.geminiName('1st-tool')).toBe('_1st-tool');
    expect(tools.mcpName('made_up')).toBeUndefined();
  });
});
