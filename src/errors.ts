/**
 * The failures a user can meet, each with the exit code scripts rely on and the message a person
 * needs. `src/cli/run-command.ts` is the one place that turns them into output.
 */
export const ExitCode = {
  ok: 0,
  /** Unexpected internal failure (a bug): the only case that prints a stack trace, and only with ITBOT_DEBUG. */
  internal: 1,
  usage: 2,
  config: 3,
  store: 4,
  modelUnavailable: 5,
  turnLimit: 6,
  toolFailed: 7,
  /** What was asked for does not exist (a ticket number, a user): the same from `tickets` and `ask`. */
  notFound: 8,
  /** A write based on a stale version (someone changed it meanwhile): read again and retry. */
  conflict: 9,
  cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class ItbotError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** What the user can do about it, printed on its own line. */
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UsageError extends ItbotError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

export class ConfigError extends ItbotError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.config, hint);
  }
}

export class StoreError extends ItbotError {
  constructor(message: string, hint?: string, options?: ErrorOptions) {
    super(message, ExitCode.store, hint, options);
  }
}

/** Another process holds the embedded store and did not let go in time. */
export class StoreBusyError extends StoreError {}

/** An applied migration file was edited afterwards: continuing would leave schemas diverged. */
export class MigrationChecksumError extends StoreError {}

/** The knowledge index was built by another embedder; mixing vectors would make search meaningless. */
export class EmbedderMismatchError extends StoreError {}

export class ToolFailedError extends ItbotError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.toolFailed, hint);
  }
}

/** The model could not be reached or would not answer, even after retries. */
export class ModelUnavailableError extends ItbotError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.modelUnavailable, hint);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A warning for the person at the terminal: one line on stderr, never a failure. */
export function warn(message: string): void {
  process.stderr.write(`itbot: ${message}\n`);
}
