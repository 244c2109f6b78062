import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOfflineProvider, type ModelProvider, type ModelStep } from '../src/agent/index.js';
import { resolveConfig } from '../src/config/index.js';
import { App } from '../src/tui/App.js';
import { ChatSession } from '../src/tui/chat-session.js';
import { InputHistory } from '../src/tui/input-history.js';
import { PASTE_END, PASTE_START } from '../src/tui/key-decoder.js';
import { TicketServerSupervisor } from '../src/tui/ticket-server.js';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { waitForFrame } from './helpers/tui-wait.js';

// The chat's App with a real session, the offline provider and a real MCP ticket server (a child
// process on a fresh copy of the prepared store), driven through Ink's stdin.
let dataDir: { dir: string; cleanup: () => void };

beforeAll(() => {
  dataDir = makeSeededDataDir();
  // The ticket server child inherits this environment.
  process.env.ITBOT_DATA_DIR = dataDir.dir;
  process.env.ITBOT_USER = 'test.user';
});
afterAll(() => dataDir.cleanup());

async function startChat(provider: ModelProvider = createOfflineProvider()) {
  const config = resolveConfig();
  let session: ChatSession | undefined;
  const server = new TicketServerSupervisor(
    (health) => session?.setHealth(health),
    () => {},
  );
  const onQuit = vi.fn();
  session = new ChatSession({ config, provider, server, onQuit });
  server.start().catch(() => {});
  const history = InputHistory.load(config.dataDir);
  const ui = render(h(App, { session, history, store: 'embedded', colors: false }));
  const screen = (predicate: (frame: string) => boolean, what: string) =>
    waitForFrame(ui.lastFrame, predicate, { what });
  // Ink starts reading stdin once the first frame has mounted its input hook.
  await screen((f) => f.includes('Ask an IT question'), 'the prompt');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { ui, session, server, onQuit, screen };
}

async function type(ui: ReturnType<typeof render>, text: string) {
  ui.stdin.write(text);
  await new Promise((resolve) => setTimeout(resolve, 30));
}

describe('the chat window', () => {
  it('answers with a citation, asks before opening a ticket, and remembers "allow for this session"', async () => {
    const { ui, server, screen } = await startChat();
    try {
      await screen((f) => f.includes('MCP ready'), 'the ticket server to be ready');
      await type(ui, 'my print job is stuck in the queue');
      await type(ui, '\r');
      await screen((f) => f.includes('kb/printing/print-job-stuck-in-queue.md'), 'a cited answer');

      await type(ui, 'open a ticket: the projector in room 4.01 shows no picture');
      await type(ui, '\r');
      await screen((f) => f.includes('create_ticket wants to change data'), 'the consent prompt');
      await type(ui, '3'); // deny
      let frame = await screen((f) => f.includes('not allowed'), 'the denied call');
      expect(frame).not.toContain('Opened IT-');

      await type(ui, 'open a ticket: the projector in room 4.01 shows no picture');
      await type(ui, '\r');
      await screen((f) => f.includes('❯ 1. Allow once'), 'the consent prompt again');
      await type(ui, '\x1b[B'); // down to "allow for the session"
      await type(ui, '\r');
      frame = await screen((f) => /Opened IT-\d{6}/.test(f), 'the new ticket number');

      await type(ui, 'open a ticket: the docking station at desk 12 is dead');
      await type(ui, '\r');
      frame = await screen((f) => (f.match(/Opened IT-\d{6}/g) ?? []).length === 2, 'a second ticket, without asking');
      expect(frame.match(/wants to change data/g) ?? []).toHaveLength(0);

      await type(ui, '/ticket 2');
      await type(ui, '\r');
      frame = await screen((f) => f.includes('IT-000002 The docking station at desk 12 is dead'), 'the ticket card');
      expect(frame).toContain('status new · priority');
      expect(frame).toContain('resolution due in');

      // The turn's search and this one ask the server the same thing: the second comes from its cache.
      await type(ui, '/kb my print job is stuck in the queue');
      await type(ui, '\r');
      await screen((f) => f.includes('Knowledge base results for "my print job is stuck in the queue"'), '/kb results');
      await type(ui, '/stats');
      await type(ui, '\r');
      frame = await screen((f) => f.includes('knowledge cache hits'), '/stats');
      expect(frame).toMatch(/knowledge cache hits\s+1 of 2 searches/);
      expect(frame).toMatch(/turns answered\s+4/);
    } finally {
      ui.unmount();
      await server.close();
    }
  });

  it('keeps a pasted 30-line log as one entry, and quits on a second Ctrl+C or Ctrl+D', async () => {
    const { ui, server, session, onQuit, screen } = await startChat();
    try {
      const log = Array.from({ length: 30 }, (_, i) => `    at handler (/srv/app.js:${i + 1}:7)`).join('\r');
      await type(ui, PASTE_START + log.slice(0, 400));
      await type(ui, `${log.slice(400)}\r${PASTE_END}`);
      const frame = await screen((f) => f.includes('30 lines'), 'the pasted entry');
      expect(frame).toContain('Enter sends it all');
      expect(session.getState().items.some((item) => item.kind === 'user')).toBe(false);

      await type(ui, '\x03'); // clears the entry
      await screen((f) => f.includes('input cleared'), 'the cleared input');
      expect(onQuit).not.toHaveBeenCalled();
      await type(ui, '\x03'); // a second Ctrl+C within 2 s quits
      expect(onQuit).toHaveBeenCalledTimes(1);
    } finally {
      ui.unmount();
      await server.close();
    }
  });

  it('quits on Ctrl+D only when the line is empty', async () => {
    const { ui, server, onQuit } = await startChat();
    try {
      await type(ui, 'abc');
      await type(ui, '\x1b[D\x1b[D'); // left twice: a|bc
      await type(ui, '\x04'); // Ctrl+D deletes the character under the cursor
      expect(ui.lastFrame()).toContain('› ac');
      await type(ui, '\x15'); // Ctrl+U: deletes "a", keeps "c"
      expect(ui.lastFrame()).toContain('› c');
      await type(ui, '\x04');
      expect(onQuit).not.toHaveBeenCalled();
      await type(ui, '\x04'); // now the line is empty
      expect(onQuit).toHaveBeenCalledTimes(1);
    } finally {
      ui.unmount();
      await server.close();
    }
  });

  it("streams a provider's text, shows its retries, prints a preamble before the tool card, and cancels mid-stream", async () => {
    // A provider that behaves like a streaming model (what the Gemini provider emits): a preamble
    // and a knowledge search, a rate-limit retry, then the answer word by word.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const provider: ModelProvider = {
      name: 'gemini',
      model: 'fake-streaming-model',
      async generate({ onTextDelta, onRetry, signal }): Promise<ModelStep> {
        calls++;
        if (calls === 1) {
          onTextDelta?.('Let me look that up.');
          return {
            text: 'Let me look that up.',
            toolCalls: [{ id: 't1', name: 'search_knowledge', args: { query: 'vpn drops' } }],
          };
        }
        if (calls === 2) {
          onRetry?.({ attempt: 1, delayMs: 3000, reason: 'rate limited' });
          await gate;
          for (const word of ['Reconnect ', 'the ', 'VPN ', 'client.']) onTextDelta?.(word);
          return {
            text: 'Reconnect the VPN client.',
            toolCalls: [],
            citations: [{ title: 'VPN keeps disconnecting', path: 'kb/network/vpn-keeps-disconnecting.md' }],
            usage: { inputTokens: 120, outputTokens: 8 },
          };
        }
        // Third turn: streams half a sentence, then waits until cancelled.
        onTextDelta?.('Half an answer');
        await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));
        throw new Error('unreachable');
      },
    };
    const { ui, server, screen } = await startChat(provider);
    try {
      await screen((f) => f.includes('MCP ready'), 'the ticket server to be ready');
      await type(ui, 'my vpn drops');
      await type(ui, '\r');
      let frame = await screen((f) => f.includes('retrying in 3 s: rate limited (attempt 1)'), 'the retry notice');
      expect(frame.indexOf('Let me look that up.')).toBeLessThan(frame.indexOf('✓ search_knowledge'));
      release();
      frame = await screen((f) => /fake-streaming-model · \d+\.\d s · 128 tokens/.test(f), 'the answer and its footer');
      expect(frame).toContain('Reconnect the VPN client.');
      expect(frame).toMatch(/Sources:\n\s+• VPN keeps disconnecting — kb\/network\/vpn-keeps-disconnecting\.md/);
      expect(frame).toContain('tokens 120 in / 8 out');

      await type(ui, 'and then?');
      await type(ui, '\r');
      await screen((f) => f.includes('Half an answer') && f.includes('Ctrl+C to cancel'), 'the streaming answer');
      await type(ui, '\x03');
      frame = await screen((f) => f.includes('Cancelled.'), 'the cancelled turn');
      expect(frame).toContain('Half an answer'); // what was streamed stays in the transcript
      expect(frame).toContain('Ask an IT question');
    } finally {
      ui.unmount();
      await server.close();
    }
  });
});
