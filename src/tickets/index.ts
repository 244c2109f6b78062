export { type Category, type Group, listCategories, listGroups, listUsers, type User } from './directory.js';
export {
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  TicketConflictError,
  TicketNotFoundError,
  TicketValidationError,
  UserNotFoundError,
} from './errors.js';
export * from './model.js';
export { PRIORITY_MATRIX, priorityFor, SLA_TARGETS, slaDueTimes } from './priority.js';
export { type PriorityFromWords, priorityFromWords } from './priority-cues.js';
export { requestIdempotencyKey } from './request-key.js';
export {
  type CompanySeed,
  readCompanySeed,
  readTicketSeeds,
  seedCompany,
  seedTickets,
  type TicketSeed,
} from './seed.js';
export {
  findSimilarTickets,
  SIMILARITY_WEIGHTS,
  type SimilarityOptions,
  type SimilarTicket,
  type SimilarTickets,
  suggestTriage,
  type TriageSuggestion,
} from './similar.js';
export { describeAllowed, REOPEN_WINDOW_DAYS, TRANSITIONS, type TransitionRequirement } from './status-machine.js';
export {
  type Assignment,
  addInternalNote,
  assignTicket,
  createTicket,
  linkTickets,
  type MessageOptions,
  mergeTickets,
  type NewTicket,
  type ReplyResult,
  replyToTicket,
  type TicketUpdate,
  type TransitionRequest,
  transitionTicket,
  updateTicket,
} from './ticket-commands.js';
export { embedTicketAfterWrite, embedTickets, ticketEmbeddingsAvailable } from './ticket-embeddings.js';
export { formatTicketNumber, normalizeTicketNumber } from './ticket-number.js';
export {
  countTickets,
  DEFAULT_PAGE_SIZE,
  getTicket,
  MAX_PAGE_SIZE,
  searchTickets,
  type TicketDetails,
  type TicketPage,
  type TicketSearch,
} from './ticket-queries.js';
export { evaluateTriage, splitForEvaluation, type TriageReport } from './triage-evaluation.js';
