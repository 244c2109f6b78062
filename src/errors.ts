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
  /** A benchmark's --assert thresholds were not met, or its count of created tickets did not add up. */
  checkFailed: 10,
  cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Marks itbot's errors across copies of this module (the bundled `ask` and chat carry their own). */
const ITBOT_ERROR = Symbol.for('itbot.ItbotError');

export class ItbotError extends Error {
  readonly [ITBOT_ERROR] = true;

  /**
   * `x instanceof ItbotError` holds for an itbot error made by any copy of this module, so the one
   * place that reports errors never calls a user's mistake a bug; subclasses check as usual.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof, on purpose.
    if (this !== ItbotError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [ITBOT_ERROR]?: boolean })[ITBOT_ERROR] === true;
  }

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

/** Query parameters that carry secrets in connection URLs (libpq's password, tokens, keys). */
const SECRET_PARAMETER =
  /([?&](?:password|passwd|pass|pwd|sslpassword|secret|token|access_token|api_?key|key|auth)=)[^&#\s"']+/gi;
/** The password of scheme://user:password@host. */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"']*:)[^\s@/"']+@/gi;

/**
 * Text with the secrets of any URL in it replaced by ***: the password in user:pw@ and in
 * ?password=, tokens and keys. Every error message goes through here before anyone sees it.
 */
export function maskSecrets(text: string): string {
  return text.replace(URL_PASSWORD, '$1***@').replace(SECRET_PARAMETER, '$1***');
}

export function errorMessage(error: unknown): string {
  return maskSecrets(error instanceof Error ? error.message : String(error));
}

/**
 * Input the database cannot store (a NUL byte, an invalid character) reaches PostgreSQL from many
 * places; whichever one, it is bad input with a clear message, never "unexpected error, try again".
 */
export function asInputError(error: unknown): UsageError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : '';
  if (
    code === '22021' ||
    code === '22P05' ||
    /invalid byte sequence for encoding|unsupported Unicode escape sequence|\\u0000 cannot be converted/i.test(message)
  ) {
    return new UsageError(
      'The input contains a NUL byte or another character that cannot be stored.',
      'Remove control characters from the text and send it again.',
    );
  }
  return undefined;
}

/** A warning for the person at the terminal: one line on stderr, never a failure. */
export function warn(message: string): void {
  process.stderr.write(`itbot: ${message}\n`);
}
