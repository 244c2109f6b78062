export * from './model.js';
export { PRIORITY_MATRIX, priorityFor, SLA_TARGETS, slaDueTimes } from './priority.js';
export { TRANSITIONS, REOPEN_WINDOW_DAYS, describeAllowed, type TransitionRequirement } from './status-machine.js';
export {
  InvalidTransitionError,
  TicketConflictError,
  TicketNotFoundError,
  TicketValidationError,
} from './errors.js';
export { formatTicketNumber, normalizeTicketNumber } from './ticket-number.js';
export {
  getTicket,
  searchTickets,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type TicketDetails,
  type TicketPage,
  type TicketSearch,
} from './ticket-queries.js';
export {
  addInternalNote,
  assignTicket,
  createTicket,
  linkTickets,
  mergeTickets,
  replyToTicket,
  transitionTicket,
  updateTicket,
  type Assignment,
  type NewTicket,
  type ReplyResult,
  type TicketUpdate,
  type TransitionRequest,
} from './ticket-commands.js';
export { listCategories, listGroups, listUsers, type Category, type Group, type User } from './directory.js';
export { seedCompany, seedTickets, type CompanySeed, type TicketSeed } from './seed.js';
