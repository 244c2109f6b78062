import { asInputError, ExitCode, errorMessage, ItbotError, maskSecrets } from '../errors.js';

/** The one place errors become output: a clear message and hint on stderr, and the exit code. */
export function reportError(caught: unknown): number {
  const error = asInputError(caught) ?? caught;
  if (error instanceof ItbotError) {
    process.stderr.write(`itbot: ${maskSecrets(error.message)}\n`);
    if (error.hint) process.stderr.write(`  ${maskSecrets(error.hint)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`itbot: internal error: ${errorMessage(error)}\n`);
  if (process.env.ITBOT_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('  This is a bug in itbot. Run again with ITBOT_DEBUG=1 for details, and report it.\n');
  return ExitCode.internal;
}

/** Wraps a command's action: its resolved value is the exit code. */
export function runCommand<Args extends unknown[]>(action: (...args: Args) => Promise<number | undefined>) {
  return async (...args: Args): Promise<void> => {
    try {
      process.exitCode = (await action(...args)) ?? ExitCode.ok;
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}
