import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../config/index.js';
import { ExitCode, ItbotError } from '../errors.js';
import type { ChatOptions } from '../tui/index.js';

type RunChat = (options: ChatOptions) => Promise<number>;

/**
 * The chat as one bundled file (dist/chat/, made by `npm run build`) when there is one: it loads
 * in a fraction of the time Ink's modules take one by one. From source (tests) it is the modules.
 */
async function loadChat(): Promise<RunChat> {
  const bundle = new URL('../../chat/index.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(bundle))) {
    return ((await import(bundle.href)) as { runChat: RunChat }).runChat;
  }
  return (await import('../tui/index.js')).runChat;
}

/** The bundle has its own copy of the error classes: give its errors back their class here. */
function asItbotError(error: unknown): unknown {
  if (error instanceof ItbotError || !(error instanceof Error)) return error;
  const { exitCode, hint } = error as Error & { exitCode?: unknown; hint?: unknown };
  if (typeof exitCode !== 'number') return error;
  return new ItbotError(error.message, exitCode as ExitCode, typeof hint === 'string' ? hint : undefined);
}

/**
 * `itbot` with no arguments: the chat. It needs a terminal on both ends; piped or redirected,
 * it says what to use instead rather than drawing escape codes into a file.
 */
export async function chatCommand(): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write(
      'itbot: the chat needs a terminal, and this is not one (output or input is redirected).\n' +
        '  Use `itbot ask "your question"` for scripts and pipes, or `itbot --help` for all commands.\n',
    );
    return ExitCode.usage;
  }
  const config = resolveConfig();
  const colors = !process.env.NO_COLOR;
  // chalk (used by Ink) ignores NO_COLOR but honours FORCE_COLOR=0; set it before Ink loads.
  if (!colors) process.env.FORCE_COLOR = '0';
  const runChat = await loadChat();
  try {
    return await runChat({ config, colors });
  } catch (error) {
    throw asItbotError(error);
  }
}
