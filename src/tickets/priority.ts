import type { Level, TicketPriority } from './model.js';

/** Priority from impact (rows) × urgency (columns), 1 = highest; the ITIL-style lookup. */
export const PRIORITY_MATRIX: Record<Level, Record<Level, TicketPriority>> = {
  1: { 1: 'P1', 2: 'P2', 3: 'P3' },
  2: { 1: 'P2', 2: 'P3', 3: 'P4' },
  3: { 1: 'P3', 2: 'P3', 3: 'P4' },
};

export function priorityFor(impact: Level, urgency: Level): TicketPriority {
  return PRIORITY_MATRIX[impact][urgency];
}

const HOUR_MS = 3_600_000;

/** Service-level targets per priority, in hours of wall-clock time (pending time excluded). */
export const SLA_TARGETS: Record<TicketPriority, { firstResponseHours: number; resolutionHours: number }> = {
  P1: { firstResponseHours: 1, resolutionHours: 4 },
  P2: { firstResponseHours: 4, resolutionHours: 24 },
  P3: { firstResponseHours: 8, resolutionHours: 72 },
  P4: { firstResponseHours: 24, resolutionHours: 120 },
};

/** Due times for a ticket opened at `createdAt` that has spent `pendingSeconds` pending. */
export function slaDueTimes(priority: TicketPriority, createdAt: Date, pendingSeconds: number) {
  const target = SLA_TARGETS[priority];
  const start = createdAt.getTime() + pendingSeconds * 1000;
  return {
    firstResponseDue: new Date(start + target.firstResponseHours * HOUR_MS),
    resolutionDue: new Date(start + target.resolutionHours * HOUR_MS),
  };
}
