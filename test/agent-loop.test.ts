import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ModelProvider,
  type ModelStep,
  runAgentTurn,
  type ToolDeclaration,
  TurnCancelledError,
} from '../src/agent/index.js';
import { connectTicketServer, type TicketServerConnection } from '../src/mcp/index.js';
import { makeSeededDataDir } from './helpers/data-dir.js';

// The loop with a scripted model (our own provider interface) and the real ticket server over MCP.

let dataDir: string;
let cleanup: () => void;
let connection: TicketServerConnection;
let tools: ToolDeclaration[];

beforeAll(async () => {
  ({ dir: dataDir, cleanup } = makeSeededDataDir());
  connection = await connectTicketServer({ env: { ...process.env, ITBOT_DATA_DIR: dataDir }, stderr: 'ignore' });
  tools = await connection.listTools();
});
afterAll(async () => {
  await connection.close();
  cleanup();
});

function scripted(steps: ModelStep[]): ModelProvider {
  return {
    name: 'gemini',
    model: 'scripted',
    async generate() {
      return steps.shift() ?? { text: 'done', toolCalls: [] };
    },
  };
}

const call = (name: string, args: Record<string, unknown> = {}) => ({ id: name, name, args });

describe('the agent loop', () => {
  it('gives up on a tool that does not answer in time and tells the model', async () => {
    const result = await runAgentTurn('vpn', {
      provider: scripted([{ text: '', toolCalls: [call('search_knowledge', { query: 'vpn error 809' })] }]),
      connection,
      tools,
      consent: async () => true,
      toolTimeoutMs: 1,
    });
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        name: 'search_knowledge',
        outcome: 'failed',
        error: 'search_knowledge did not answer within 1 ms.',
      }),
    ]);
  });

  it('asks consent for writes only, and tells the model about a refusal', async () => {
    const asked: string[] = [];
    const result = await runAgentTurn('open one', {
      provider: scripted([
        { text: '', toolCalls: [call('list_groups'), call('create_ticket', { title: 'Never created' })] },
      ]),
      connection,
      tools,
      consent: async (toolCall) => {
        asked.push(toolCall.name);
        return false;
      },
      refusalReason: 'the user said no.',
    });
    expect(asked).toEqual(['create_ticket']);
    expect(result.toolCalls.map((record) => [record.name, record.outcome])).toEqual([
      ['list_groups', 'done'],
      ['create_ticket', 'not_allowed'],
    ]);
    const toolMessage = result.messages.findLast((message) => message.role === 'tool');
    expect(toolMessage).toMatchObject({ results: [{}, { outcome: 'not_allowed', content: 'the user said no.' }] });
  });

  it('stops when the turn is cancelled, before running the next tool', async () => {
    const cancel = new AbortController();
    const events: string[] = [];
    const turn = runAgentTurn('list', {
      provider: scripted([
        { text: '', toolCalls: [call('list_groups')] },
        { text: '', toolCalls: [call('list_users')] },
      ]),
      connection,
      tools,
      consent: async () => true,
      signal: cancel.signal,
      onEvent: (event) => {
        if (event.type === 'tool_result') {
          events.push(event.call.name);
          cancel.abort();
        }
      },
    });
    await expect(turn).rejects.toBeInstanceOf(TurnCancelledError);
    expect(events).toEqual(['list_groups']);
  });

  it('continues a conversation from the messages of the last turn', async () => {
    const first = await runAgentTurn('hello', {
      provider: scripted([{ text: 'hi', toolCalls: [] }]),
      connection,
      tools,
      consent: async () => true,
    });
    const second = await runAgentTurn('again', {
      provider: scripted([{ text: 'hi again', toolCalls: [] }]),
      connection,
      tools,
      consent: async () => true,
      history: first.messages,
    });
    expect(second.messages.map((message) => message.role)).toEqual(['user', 'model', 'user', 'model']);
  });
});
