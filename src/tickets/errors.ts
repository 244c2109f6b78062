import { ExitCode, ItbotError } from '../errors.js';

/** Bad ticket input: what was wrong and how to fix it, safe to show a person or a model. */
export class TicketValidationError extends ItbotError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

export class TicketNotFoundError extends ItbotError {
  constructor(readonly reference: string) {
    super(
      `There is no ticket ${reference}.`,
      ExitCode.notFound,
      'Check the number, or search for the ticket to find it.',
    );
  }
}

/** A username nobody has: the same miss, with the same exit code, as a ticket number nobody has. */
export class UserNotFoundError extends ItbotError {
  constructor(
    readonly username: string,
    closest: readonly string[],
  ) {
    super(
      `There is no user "${username.slice(0, 80)}".`,
      ExitCode.notFound,
      closest.length ? `Closest usernames: ${closest.join(', ')}.` : 'No users are set up yet (run `itbot seed`).',
    );
  }
}

/** A write based on an old version of the ticket: applying it would silently undo someone's change. */
export class TicketConflictError extends ItbotError {
  constructor(
    readonly number: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      `${number} changed since you read it (you had version ${expectedVersion}, it is now at version ${currentVersion}).`,
      ExitCode.conflict,
      'Get the ticket again, check what changed, and retry with the new expected_version.',
    );
  }
}

/** An idempotency key already used by a write (a create, a reply, a note) that asked for something else. */
export class IdempotencyKeyReusedError extends ItbotError {
  constructor(
    readonly number: string,
    use = `open ${number}`,
  ) {
    super(
      `This idempotency key was already used to ${use}, with different details.`,
      ExitCode.conflict,
      'Use a new key for a new write; a retry must repeat the first request exactly.',
    );
  }
}

/** A status change the status machine does not allow; the message lists what is allowed. */
export class InvalidTransitionError extends ItbotError {
  constructor(message: string, hint: string) {
    super(message, ExitCode.usage, hint);
  }
}
