import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, ToolFailedError } from '../../errors.js';
import type { TicketServerConnection } from '../../mcp/index.js';
import { TICKET_STATUSES } from '../../tickets/model.js';

/**
 * Every ticket a load run tries to create, so the run can prove afterwards that none was lost and
 * none was made twice. Each create carries its own idempotency key and the run's tag; a create
 * whose answer never came (a timeout, a dropped connection, a killed replica) is "in doubt" until
 * it is sent again with the same key after the run, which applies it at most once.
 */
export class TicketLedger {
  readonly tag: string;
  private readonly acknowledged = new Map<string, string>();
  private readonly inDoubt = new Map<string, Record<string, unknown>>();
  private next = 0;

  constructor(readonly runId: string) {
    this.tag = `load-${runId}`;
  }

  newCreate(): { key: string; args: Record<string, unknown> } {
    this.next += 1;
    const n = this.next;
    const key = `${this.runId}-${n}`;
    return {
      key,
      args: {
        title: `Load test ${this.runId} ticket ${n}`,
        description: 'Created by `itbot bench load`; safe to close.',
        tags: [this.tag],
        idempotency_key: key,
      },
    };
  }

  acknowledge(key: string, number: string): void {
    this.inDoubt.delete(key);
    this.acknowledged.set(key, number);
  }

  doubt(key: string, args: Record<string, unknown>): void {
    if (!this.acknowledged.has(key)) this.inDoubt.set(key, args);
  }

  /** A ticket this run created, for reads and notes (undefined before the first one lands). */
  anyTicket(): string | undefined {
    if (this.acknowledged.size === 0) return undefined;
    const numbers = [...this.acknowledged.values()];
    return numbers[Math.floor(Math.random() * numbers.length)];
  }

  private async countOnServer(connection: TicketServerConnection): Promise<number> {
    let failure = '';
    for (let attempt = 0; attempt < COUNT_ATTEMPTS; attempt += 1) {
      if (attempt > 0) await sleep(1_000);
      try {
        const counted = await connection.callTool('search_tickets', {
          tags: [this.tag],
          status: [...TICKET_STATUSES],
          count: true,
          limit: 1,
        });
        if (counted.ok) return Number(counted.data?.total ?? 0);
        failure = counted.error?.message ?? counted.text;
      } catch (error) {
        failure = errorMessage(error);
      }
    }
    throw new ToolFailedError(
      `Could not count the run's tickets (tag ${this.tag}) on the server: ${failure}`,
      `Count them later with \`itbot tickets list --tag ${this.tag} --json\`.`,
    );
  }

  get attempted(): number {
    return this.next;
  }

  /**
   * Settles the creates in doubt (sent again with their key), then counts the run's tickets on
   * the server. Lost: a create that was acknowledged or settled but is not there. Duplicated:
   * more tickets than keys.
   */
  async verify(connection: TicketServerConnection): Promise<TicketVerification> {
    let unsettled = 0;
    for (const [key, args] of this.inDoubt) {
      const outcome = await connection.callTool('create_ticket', args).catch(() => undefined);
      const number = (outcome?.data?.ticket as { number?: string } | undefined)?.number;
      if (outcome?.ok && number) this.acknowledge(key, number);
      else unsettled += 1;
    }
    const present = await this.countOnServer(connection);
    const confirmed = this.acknowledged.size;
    return {
      attempted: this.attempted,
      confirmed,
      unsettled,
      present,
      lost: Math.max(0, confirmed - present),
      // Keys in doubt that could not be settled may or may not have landed: they can explain
      // tickets beyond the confirmed ones, never more than one each.
      duplicated: Math.max(0, present - confirmed - unsettled),
      distinctNumbers: new Set(this.acknowledged.values()).size,
    };
  }
}

/** The count is the run's verdict: asked a few times, a second apart, before giving up. */
const COUNT_ATTEMPTS = 5;

export interface TicketVerification {
  /** Creates sent (distinct idempotency keys). */
  attempted: number;
  /** Creates the server acknowledged, during the run or when settled afterwards. */
  confirmed: number;
  /** Creates still in doubt after one more try (the server unreachable at the end). */
  unsettled: number;
  /** The run's tickets found on the server. */
  present: number;
  lost: number;
  duplicated: number;
  /** Distinct ticket numbers among the acknowledged creates (equal to confirmed unless two keys got one number). */
  distinctNumbers: number;
}
