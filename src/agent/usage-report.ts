import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelCallReport } from '../mcp/model-usage.js';
import { type AgentTurnOptions, runAgentTurn } from './loop.js';
import type { TurnResult } from './types.js';

/** Metrics must never hold up an answer: a server slow to take the report is not waited for. */
const REPORT_WAIT_MS = 2_000;

/**
 * Runs a turn and then tells the ticket server how its model calls went, so a shared server's
 * /metrics carries LLM latency and tokens. Only for a real model: the offline provider's "calls"
 * are local rules, and would drown the LLM latency alert's signal.
 */
export async function runAgentTurnReportingUsage(question: string, options: AgentTurnOptions): Promise<TurnResult> {
  if (options.provider.name === 'offline') return runAgentTurn(question, options);
  const calls: ModelCallReport[] = [];
  try {
    return await runAgentTurn(question, {
      ...options,
      onModelCall: (call) => {
        calls.push(call);
        options.onModelCall?.(call);
      },
    });
  } finally {
    const timeout = new AbortController();
    await Promise.race([
      options.connection.reportModelUsage(calls).catch(() => {}),
      sleep(REPORT_WAIT_MS, undefined, { signal: timeout.signal }).catch(() => {}),
    ]);
    timeout.abort();
  }
}
