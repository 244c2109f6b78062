import type { Citation, ToolCall, ToolCallRecord } from '../agent/index.js';
import type { TableColumn } from './components/Table.js';
import type { DashboardData } from './dashboard-data.js';
import type { RequesterContact, TicketAttachment, TicketEvent, TicketSummary } from './ticket-data.js';

/** One finished piece of the conversation: printed once (Ink <Static>) and never redrawn. */
export type TranscriptEntry =
  | { kind: 'welcome' }
  | { kind: 'user'; text: string }
  | { kind: 'assistant'; text: string; citations: Citation[]; footer?: string }
  | { kind: 'tool'; call: ToolCall; record: ToolCallRecord; changesData: boolean; summary: string }
  | {
      kind: 'ticket';
      ticket: TicketSummary;
      events: TicketEvent[];
      now: number;
      contact?: RequesterContact | null;
      atRiskMinutes?: number;
      attachments?: TicketAttachment[];
    }
  | { kind: 'table'; title: string; columns: TableColumn[]; rows: string[][]; footer?: string }
  | { kind: 'dashboard'; data: DashboardData }
  | { kind: 'notice'; tone: 'info' | 'warning' | 'error'; text: string };

export type TranscriptItem = TranscriptEntry & { id: number };
