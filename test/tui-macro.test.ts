import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfflineProvider } from '../src/agent/index.js';
import { resolveConfig } from '../src/config/index.js';
import { App } from '../src/tui/App.js';
import { ChatSession } from '../src/tui/chat-session.js';
import { InputHistory } from '../src/tui/input-history.js';
import { TicketServerSupervisor } from '../src/tui/ticket-server.js';
import { makeSeededDataDir } from './helpers/data-dir.js';
import { waitForFrame } from './helpers/tui-wait.js';

// `/reply N macro` in the chat, with a real ticket server: asks first, then sends the filled-in reply.
describe('the chat and canned replies', () => {
  let dataDir: { dir: string; cleanup: () => void };
  beforeAll(() => {
    dataDir = makeSeededDataDir();
    process.env.ITBOT_DATA_DIR = dataDir.dir;
    process.env.ITBOT_USER = 'maria.lopez';
    process.env.ITBOT_ROUTING_THRESHOLD = 'off';
  });
  afterAll(() => dataDir.cleanup());

  it('asks before replying with a macro, then shows the reply as sent; a denial sends nothing', async () => {
    const config = resolveConfig();
    let session: ChatSession | undefined;
    const server = new TicketServerSupervisor(
      (health) => session?.setHealth(health),
      () => {},
    );
    session = new ChatSession({ config, provider: createOfflineProvider(), server, onQuit: () => {} });
    const ui = render(
      h(App, { session, history: InputHistory.load(config.dataDir), store: 'embedded', colors: false }),
    );
    const screen = (predicate: (f: string) => boolean, what: string) =>
      waitForFrame(ui.lastFrame, predicate, { what, timeoutMs: 30_000 });
    const type = async (text: string) => {
      ui.stdin.write(text);
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    try {
      const { connection } = await server.start();
      await connection.callTool('save_macro', {
        name: 'thanks',
        body: 'Thanks {requester.first_name}, {ticket.number} is fixed.',
      });
      await connection.callTool('create_ticket', { title: 'Monitor flickers', requester: 'james.whitfield' });
      await screen((f) => f.includes('Ask an IT question'), 'the prompt');

      await type('/reply 1 thanks');
      await type('\r');
      await screen((f) => f.includes('reply_with_macro wants to change data'), 'the consent prompt');
      await type('3');
      await screen((f) => f.includes('Not sent: the reply to 1 with thanks was denied.'), 'the denial');

      await type('/reply 1 thanks');
      await type('\r');
      await screen((f) => (f.match(/reply_with_macro wants to change data/g) ?? []).length >= 1, 'the prompt again');
      await type('1');
      await screen(
        (f) => f.includes('Replied to james.whitfield on IT-000001 with thanks: Thanks James, IT-000001 is fixed.'),
        'the reply as sent',
      );
      const got = await connection.callTool('get_ticket', { ticket: '1' });
      const events = (got.data?.events ?? []) as { kind: string }[];
      const replies = events.filter((e) => e.kind === 'reply');
      expect(replies).toHaveLength(1);
    } finally {
      ui.unmount();
      await server.close();
    }
  }, 90_000);
});
