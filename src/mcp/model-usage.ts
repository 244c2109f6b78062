import { z } from 'zod';

/**
 * The agent runs in the terminals, but Prometheus scrapes only the servers. So each client tells
 * the server it already talks to (same connection, same token) how its model calls went, as an
 * MCP notification after each turn: no new component (a Pushgateway is for batch jobs, and would
 * keep every terminal's last value forever), no new port, nothing the model sees in tools/list.
 */
export const MODEL_USAGE_METHOD = 'notifications/itbot/model_usage';

export interface ModelCallReport {
  model: string;
  outcome: 'ok' | 'error';
  seconds: number;
  inputTokens: number;
  outputTokens: number;
}

const count = z.number().int().min(0).max(10_000_000);
export const modelUsageNotificationSchema = z.object({
  method: z.literal(MODEL_USAGE_METHOD),
  params: z.object({
    calls: z
      .array(
        z.object({
          model: z.string().max(200),
          outcome: z.enum(['ok', 'error']),
          seconds: z.number().min(0).max(3600),
          inputTokens: count,
          outputTokens: count,
        }),
      )
      .max(100),
  }),
});

/** A model name as a metric label: anything unexpected becomes "other", so labels stay few. */
export function modelLabel(model: string): string {
  return /^[\w.-]{1,64}$/.test(model) ? model : 'other';
}
