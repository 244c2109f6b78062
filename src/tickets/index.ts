export { type AttachmentFile, readAttachmentFile } from './attachment-file.js';
export {
  type Attachment,
  AttachmentNotFoundError,
  addAttachment,
  checkAttachmentSize,
  cleanFilename,
  formatBytes,
  getAttachment,
  listAttachments,
  type NewAttachment,
} from './attachments.js';
export { categoryForTopic, categoryNamedIn } from './category-words.js';
export { guessContentType, isTextLog } from './content-type.js';
export {
  type Category,
  findUser,
  type Group,
  listCategories,
  listGroups,
  listUsers,
  type User,
} from './directory.js';
export {
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  TicketConflictError,
  TicketNotFoundError,
  TicketValidationError,
  UserNotFoundError,
} from './errors.js';
export {
  getMacro,
  listMacros,
  MACRO_PLACEHOLDERS,
  type Macro,
  MacroNotFoundError,
  placeholdersIn,
  removeMacro,
  renderMacro,
  saveMacro,
} from './macros.js';
export * from './model.js';
export { PRIORITY_MATRIX, priorityFor, SLA_TARGETS, slaDueTimes } from './priority.js';
export { type PriorityFromWords, priorityFromWords } from './priority-cues.js';
export { requestIdempotencyKey } from './request-key.js';
export {
  DEFAULT_ROUTING_THRESHOLD,
  decideRouting,
  NEEDS_ROUTING_TAG,
  ROUTER,
  type RoutingDecision,
  routeNewTicket,
} from './routing.js';
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
  SLA_FILTERS,
  type SlaFilter,
  searchTickets,
  type TicketDetails,
  type TicketPage,
  type TicketSearch,
} from './ticket-queries.js';
export {
  evaluateRouting,
  evaluateTriage,
  type RoutingReport,
  splitForEvaluation,
  type TriageReport,
} from './triage-evaluation.js';
