import { render } from 'ink';
import { createProvider } from '../agent/index.js';
import type { ItbotConfig } from '../config/index.js';
import { ExitCode } from '../errors.js';
import { App } from './App.js';
import { ChatSession } from './chat-session.js';
import { latencyFromEnv, withModelLatency } from './dev-latency.js';
import { InputHistory } from './input-history.js';
import { startSlaWatch } from './sla-watch.js';
import { TicketServerSupervisor } from './ticket-server.js';

const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';

export interface ChatOptions {
  config: ItbotConfig;
  /** False under NO_COLOR: the caller has already told chalk (FORCE_COLOR=0). */
  colors: boolean;
}

/** The full-screen chat: runs until the user quits; resolves to the exit code. */
export async function runChat({ config, colors }: ChatOptions): Promise<number> {
  const history = InputHistory.load(config.dataDir);
  let session: ChatSession | undefined;
  const server = new TicketServerSupervisor(
    (health) => {
      session?.setHealth(health);
      // The status line says "MCP down"; the transcript says why, once per failure.
      if (health.state === 'down')
        session?.add({ kind: 'notice', tone: 'error', text: `Ticket server: ${health.reason}` });
    },
    (line) => session?.add({ kind: 'notice', tone: /error|fail/i.test(line) ? 'error' : 'info', text: line }),
    config,
  );
  const latency = latencyFromEnv();
  const baseProvider = createProvider(config);
  const provider = latency ? withModelLatency(baseProvider, latency) : baseProvider;
  session = new ChatSession({ config, provider, server, onQuit: () => {} });

  process.stdout.write(BRACKETED_PASTE_ON);
  const restoreTerminal = () => process.stdout.write(BRACKETED_PASTE_OFF);
  const onSignal = () => instance.unmount();
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  const instance = render(
    <App session={session} history={history} store={config.databaseUrl ? 'server' : 'embedded'} colors={colors} />,
    { exitOnCtrlC: false },
  );
  // The ticket server (and with it the store) starts once the prompt is drawn, in the background:
  // spawning it first would have it compete with the first frame for the CPU.
  setImmediate(() => server.start().catch(() => {}));
  // Only a setting made here overrides the server's own idea of "at risk".
  const stopSlaWatch = startSlaWatch(session, server, {
    user: config.user,
    pollSeconds: config.slaPollSeconds,
    atRiskMinutes: process.env.ITBOT_SLA_AT_RISK ? config.slaAtRiskMinutes : undefined,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    stopSlaWatch();
    restoreTerminal();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    // The Gemini provider holds a Redis client (the shared rate limit) that would keep the process alive.
    await Promise.all([server.close(), baseProvider.close?.()]);
  }
  return ExitCode.ok;
}
