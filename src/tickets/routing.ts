import type { Store } from '../store/index.js';
import { listCategories } from './directory.js';
import type { Actor, Ticket } from './model.js';
import { type SimilarityOptions, suggestTriage } from './similar.js';
import { addInternalNote, assignTicket, updateTicket } from './ticket-commands.js';
import { getTicket } from './ticket-queries.js';

/**
 * Auto-routing of new tickets: the triage suggestion (the nearest resolved tickets' vote on the
 * category) is applied when its confidence reaches the threshold, and the ticket goes to that
 * category's group; below it the ticket is tagged for a person. Either way the timeline says so.
 * With nothing to go by (no resolved ticket like it) the router leaves no trace.
 */

/** Who routing writes appear as on the timeline. */
export const ROUTER: Actor = { name: 'router', kind: 'system' };
/** The tag on a ticket the router would not decide. */
export const NEEDS_ROUTING_TAG = 'needs-routing';
/** The share of the neighbours' votes the category needs: triage's own "confident" line. */
export const DEFAULT_ROUTING_THRESHOLD = 0.5;

export interface RoutingDecision {
  applied: boolean;
  category: string | null;
  group: string | null;
  /** The share of the neighbours' votes for the category (0–1). */
  confidence: number;
  threshold: number;
}

/** What the router would do with a suggestion: apply it (with the category's group) or abstain. */
export async function decideRouting(
  store: Store,
  about: { ticket?: string; text?: string },
  threshold: number,
  options: SimilarityOptions = {},
): Promise<RoutingDecision> {
  const suggestion = await suggestTriage(store, about, options);
  const categories = await listCategories(store);
  const category = categories.find((c) => c.path === suggestion.category);
  const confidence = suggestion.confidence.category;
  return {
    applied: category !== undefined && confidence >= threshold,
    category: category?.path ?? null,
    group: category?.defaultGroup ?? null,
    confidence,
    threshold,
  };
}

const pct = (share: number) => `${Math.round(share * 100)} %`;

/** Routes a ticket just opened without category, group or assignee; returns the ticket as it is now. */
export async function routeNewTicket(
  store: Store,
  number: string,
  threshold: number,
  options: SimilarityOptions = {},
): Promise<{ ticket: Ticket; routing: RoutingDecision }> {
  const routing = await decideRouting(store, { ticket: number }, threshold, options);
  // No resolved tickets like it at all (a new install, say): there is no guess to record, and a
  // tag and a note on every new ticket would only be noise on its timeline.
  if (!routing.category) return { ticket: (await getTicket(store, number, { eventsLimit: 1 })).ticket, routing };
  const version = (await getTicket(store, number, { eventsLimit: 1 })).ticket.version;
  if (routing.applied && routing.category) {
    await updateTicket(store, number, { category: routing.category }, version, ROUTER);
    if (routing.group) await assignTicket(store, number, { group: routing.group }, ROUTER);
    await addInternalNote(
      store,
      number,
      `Routed by the router to ${routing.category}${routing.group ? ` (${routing.group})` : ''}: confidence ${pct(routing.confidence)} (threshold ${pct(threshold)}).`,
      ROUTER,
    );
  } else {
    await updateTicket(store, number, { addTags: [NEEDS_ROUTING_TAG] }, version, ROUTER);
    await addInternalNote(
      store,
      number,
      `Left for a person: the router's best guess, ${routing.category}, has confidence ${pct(routing.confidence)} (below the ${pct(threshold)} threshold).`,
      ROUTER,
    );
  }
  return { ticket: (await getTicket(store, number, { eventsLimit: 1 })).ticket, routing };
}
