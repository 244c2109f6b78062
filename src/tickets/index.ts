export { TicketNotFoundError, TicketValidationError } from './errors.js';
export { formatTicketNumber, normalizeTicketNumber } from './ticket-number.js';
export * from './ticket-repository.js';
