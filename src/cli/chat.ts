import { resolveConfig } from '../config/index.js';
import { ExitCode } from '../errors.js';

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
  const { runChat } = await import('../tui/index.js');
  return runChat({ config, colors });
}
