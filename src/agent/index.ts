export type * from './types.js';
export { runAgentTurn, hasUnrecoveredToolFailure, TurnLimitError, type AgentTurnOptions } from './loop.js';
export { createOfflineProvider, classifyIntent, findTicketReference, type Intent, type IntentKind } from './offline/index.js';
export { createProvider } from './provider.js';
