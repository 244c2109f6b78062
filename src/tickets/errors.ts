import { ExitCode, ItbotError } from '../errors.js';

/** Bad ticket input: what was wrong and how to fix it, safe to show a person or a model. */
export class TicketValidationError extends ItbotError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

export class TicketNotFoundError extends ItbotError {
  constructor(readonly reference: string) {
    super(`There is no ticket ${reference}.`, ExitCode.usage, 'Check the number, or search for the ticket to find it.');
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
      ExitCode.usage,
      'Get the ticket again, check what changed, and retry with the new expected_version.',
    );
  }
}

/** A status change the status machine does not allow; the message lists what is allowed. */
export class InvalidTransitionError extends ItbotError {
  constructor(message: string, hint: string) {
    super(message, ExitCode.usage, hint);
  }
}
