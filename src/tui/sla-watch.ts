import { relativeTime, type TicketSummary, toTicketSummary } from './ticket-data.js';
import type { ReadyServer } from './ticket-server.js';

/**
 * Watches the SLA of the agent's own tickets and their groups' tickets, so the chat can say,
 * without being asked, when one becomes at risk or is breached. Each look is a few search_tickets
 * calls through the chat's ticket server; a failed look is skipped (the status line shows health).
 */

export type SlaAlert = 'at_risk' | 'breached';

export interface WatchedTicket {
  ticket: TicketSummary;
  state: SlaAlert;
  /** Assigned to the agent themselves (else one of their groups' tickets). */
  mine: boolean;
}

export interface SlaCounts {
  atRisk: number;
  breached: number;
}

/** Calls a read tool on the ticket server; rejects when the call fails. */
export type ReadCall = (tool: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** At most this many tickets get a line each when many cross at once (e.g. on the first look). */
export const MAX_NOTICE_LINES = 5;

const RANK: Record<SlaAlert, number> = { at_risk: 1, breached: 2 };

/** The tickets that got worse since the last look: newly at risk, or newly breached. */
export function slaCrossings(previous: ReadonlyMap<string, SlaAlert>, current: WatchedTicket[]): WatchedTicket[] {
  return current.filter((watched) => {
    const before = previous.get(watched.ticket.number);
    return before === undefined || RANK[watched.state] > RANK[before];
  });
}

/** One transcript line: which ticket, whose, how late or how soon, and its title. */
export function describeCrossing({ ticket, state, mine }: WatchedTicket, now: number): string {
  const whose = mine ? 'yours' : (ticket.group ?? 'your group');
  const due = ticket.resolutionDue ? relativeTime(ticket.resolutionDue, now) : '-';
  const what = state === 'breached' ? `SLA breached: resolution was due ${due}` : `SLA at risk: resolution due ${due}`;
  return `${what} · ${ticket.number} (${whose}, ${ticket.priority}) ${ticket.title}`;
}

export function countStates(watched: WatchedTicket[]): SlaCounts {
  return {
    atRisk: watched.filter((w) => w.state === 'at_risk').length,
    breached: watched.filter((w) => w.state === 'breached').length,
  };
}

export interface SlaWatchOptions {
  call: ReadCall;
  /** The agent (ITBOT_USER): their tickets, and their groups' tickets. */
  user: string;
  /** What "at risk" means, when set here; otherwise the server's setting. */
  atRiskMinutes?: number;
  now: () => number;
  /** New crossings, worst first. */
  onCrossings: (crossed: WatchedTicket[]) => void;
  onCounts: (counts: SlaCounts) => void;
}

export class SlaWatch {
  private known = new Map<string, SlaAlert>();
  private watched: Record<string, string>[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: SlaWatchOptions) {}

  /** The agent and their groups, read once; an unknown user or a requester watches nothing. */
  private async scopes(): Promise<Record<string, string>[]> {
    if (!this.watched) {
      const { users } = await this.options.call('list_users', { role: 'agent' });
      const me = (Array.isArray(users) ? users : []).find(
        (u) => (u as { username?: unknown }).username === this.options.user,
      ) as { groups?: unknown } | undefined;
      const groups = Array.isArray(me?.groups) ? me.groups.filter((g): g is string => typeof g === 'string') : [];
      this.watched = me ? [{ assignee: 'me' }, ...groups.map((group) => ({ group }))] : [];
    }
    return this.watched;
  }

  /** One look: reads the at-risk and breached tickets in scope and reports what changed. */
  check(): Promise<void> {
    this.running ??= this.look().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async look(): Promise<void> {
    const scopes = await this.scopes();
    const found = new Map<string, WatchedTicket>();
    for (const state of ['breached', 'at_risk'] as const) {
      for (const scope of scopes) {
        const data = await this.options.call('search_tickets', {
          ...scope,
          sla: state,
          ...(this.options.atRiskMinutes ? { at_risk_within_minutes: this.options.atRiskMinutes } : {}),
          limit: 100,
        });
        for (const raw of Array.isArray(data.tickets) ? data.tickets : []) {
          const ticket = toTicketSummary(raw);
          const mine = scope.assignee === 'me';
          const seen = found.get(ticket.number);
          if (!seen) found.set(ticket.number, { ticket, state, mine });
          else if (mine) seen.mine = true;
        }
      }
    }
    const current = [...found.values()];
    const crossed = slaCrossings(this.known, current).sort((a, b) => RANK[b.state] - RANK[a.state]);
    this.known = new Map(current.map((w) => [w.ticket.number, w.state]));
    if (crossed.length) this.options.onCrossings(crossed);
    this.options.onCounts(countStates(current));
  }

  /** Looks now and then every intervalMs; a look that fails waits for the next one. */
  start(intervalMs: number): void {
    this.stop();
    const tick = () => {
      this.check().catch(() => {});
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The chat's side: where crossings and counts go. */
export interface SlaListener {
  add(entry: { kind: 'notice'; tone: 'warning' | 'error'; text: string }): void;
  setSla(counts: SlaCounts): void;
}

/**
 * Starts watching for the chat once its ticket server is up, every pollSeconds; returns stop.
 * Many crossings at once (the first look) get a line each for the worst few and one line for the rest.
 */
export function startSlaWatch(
  listener: SlaListener,
  server: { get(): Promise<ReadyServer> },
  settings: { user: string; pollSeconds: number; atRiskMinutes?: number; now?: () => number },
): () => void {
  const now = settings.now ?? Date.now;
  const watch = new SlaWatch({
    user: settings.user,
    atRiskMinutes: settings.atRiskMinutes,
    now,
    async call(tool, args) {
      const { connection } = await server.get();
      const outcome = await connection.callTool(tool, args);
      if (!outcome.ok) throw new Error(outcome.text || `${tool} failed`);
      return outcome.data ?? {};
    },
    onCrossings(crossed) {
      for (const watched of crossed.slice(0, MAX_NOTICE_LINES)) {
        listener.add({
          kind: 'notice',
          tone: watched.state === 'breached' ? 'error' : 'warning',
          text: describeCrossing(watched, now()),
        });
      }
      const rest = crossed.length - MAX_NOTICE_LINES;
      if (rest > 0)
        listener.add({
          kind: 'notice',
          tone: 'warning',
          text: `…and ${rest} more at risk or breached: /dashboard, or \`itbot tickets list --sla breached\``,
        });
    },
    onCounts: (counts) => listener.setSla(counts),
  });
  let stopped = false;
  server.get().then(
    () => {
      if (!stopped) watch.start(settings.pollSeconds * 1000);
    },
    () => {
      // Not up yet: the next start of the server is the chat's business; look on the interval anyway.
      if (!stopped) watch.start(settings.pollSeconds * 1000);
    },
  );
  return () => {
    stopped = true;
    watch.stop();
  };
}
