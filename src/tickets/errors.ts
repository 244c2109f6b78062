import { ExitCode, ItbotError } from '../errors.js';

/** Bad ticket input: what was wrong and how to fix it, safe to show a person or a model. */
export class TicketValidationError extends ItbotError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

export class TicketNotFoundError extends ItbotError {
  constructor(readonly number: string) {
    super(`There is no ticket ${number}.`, ExitCode.usage, 'Check the number, or list your tickets to find it.');
  }
}
