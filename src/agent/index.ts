export {
  type AgentTurnOptions,
  describeToolActivity,
  hasUnrecoveredToolFailure,
  runAgentTurn,
  TurnCancelledError,
  TurnLimitError,
  turnExitCode,
} from './loop.js';
export {
  classifyIntent,
  createOfflineProvider,
  findTicketReference,
  type Intent,
  type IntentKind,
} from './offline/index.js';
export { createProvider } from './provider.js';
export { withRequestKeys } from './request-keys.js';
export type * from './types.js';
export { runAgentTurnReportingUsage } from './usage-report.js';
