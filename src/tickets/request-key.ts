import { createHash } from 'node:crypto';

/**
 * An idempotency key for a write the user asked for, derived from who asked, what they asked and
 * the day (UTC): a retry after a crash or a kill sends the same key, so it returns the ticket the
 * first try opened instead of a duplicate. The same request on another day is a new ticket.
 */
export function requestIdempotencyKey(origin: string, parts: unknown[], now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  const digest = createHash('sha256')
    .update(JSON.stringify([origin, day, ...parts]))
    .digest('hex')
    .slice(0, 40);
  return `${origin}-${day}-${digest}`;
}
