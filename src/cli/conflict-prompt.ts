import { createInterface } from 'node:readline/promises';

/** Asks a yes/no question; true only for an explicit yes. */
export type ConfirmRetry = (question: string) => Promise<boolean>;

/**
 * The person at the terminal, when there is one: stdin and stdout both a TTY and not CI. Scripts,
 * pipes and CI get undefined, so a conflict there fails with its exit code instead of waiting.
 */
export function terminalConfirm(
  streams: { stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream; stdout: NodeJS.WriteStream } = process,
  env: NodeJS.ProcessEnv = process.env,
): ConfirmRetry | undefined {
  const ci = env.CI && env.CI !== 'false' && env.CI !== '0';
  if (!streams.stdin.isTTY || !streams.stdout.isTTY || ci) return undefined;
  return async (question) => {
    // The question goes to stderr, so --json output on stdout stays clean.
    const prompt = createInterface({ input: streams.stdin, output: streams.stderr });
    try {
      return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
    } finally {
      prompt.close();
    }
  };
}
