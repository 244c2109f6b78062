export { classifyIntent, findTicketReference, type Intent, type IntentKind } from './intent-router.js';
export { createOfflineProvider } from './offline-provider.js';
export { draftTicketTitle, guessPriority } from './ticket-drafting.js';
