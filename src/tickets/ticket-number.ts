/** Tickets are quoted as IT-000123; people also write #123, it-123, IT 123 or plain 123. */
const TICKET_REFERENCE = /^\s*(?:#|it[-\s]?)?0*(\d{1,9})\s*$/i;

export function formatTicketNumber(sequence: number): string {
  return `IT-${String(sequence).padStart(6, '0')}`;
}

/** The canonical ticket number for a reference a person typed, or undefined if it is not one. */
export function normalizeTicketNumber(reference: string): string | undefined {
  const match = TICKET_REFERENCE.exec(reference);
  return match ? formatTicketNumber(Number(match[1])) : undefined;
}
