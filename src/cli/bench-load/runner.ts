import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../errors.js';
import { LatencyRecord } from './latency.js';
import type { Operation, OperationContext } from './scenarios.js';

/**
 * Two ways to apply load:
 * - closed: `concurrency` workers, each starting its next call when the last one ends. Simple, but
 *   a stalled server slows the workers down, and the stall hides in a lower call count.
 * - open: calls start at a fixed rate whatever happens to earlier ones, and each call's latency
 *   is counted from when it was due, not when it was sent, so a stall shows in the latency.
 */
export interface LoadPlan {
  durationMs: number;
  /** closed: the workers; open: the most calls in flight before new ones are counted as not sent. */
  concurrency: number;
  /** Calls per second, all operations together; set for the open model. */
  ratePerSecond?: number;
  pickOperation: () => Operation;
  context: OperationContext;
  /** Once a second, for the live progress line. */
  onProgress?: (progress: LoadProgress) => void;
  /** Ends the run early (Ctrl+C): the report covers what ran. */
  signal?: AbortSignal;
}

export interface LoadProgress {
  elapsedMs: number;
  calls: number;
  errors: number;
  inFlight: number;
}

export interface LoadResult {
  byOperation: Map<string, LatencyRecord>;
  elapsedMs: number;
  /** Calls still unanswered when the drain bound ran out (counted as failures). */
  abandoned: number;
}

// After the duration, calls still running get this long to finish before they count as failed.
const DRAIN_MS = 30_000;

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const byOperation = new Map<string, LatencyRecord>();
  const recordFor = (name: string) => {
    const record = byOperation.get(name) ?? new LatencyRecord();
    byOperation.set(name, record);
    return record;
  };
  const inFlight = new Set<Promise<void>>();
  let calls = 0;
  let errors = 0;
  const started = performance.now();
  const endsAt = started + plan.durationMs;
  const running = () => performance.now() < endsAt && !plan.signal?.aborted;

  const launch = (operation: Operation, dueAt: number): Promise<void> => {
    const record = recordFor(operation.name);
    const call = operation.run(plan.context).then(
      () => record.recordSuccess(performance.now() - dueAt),
      (error: unknown) => {
        errors += 1;
        record.recordFailure(performance.now() - dueAt, errorMessage(error).slice(0, 200));
      },
    );
    calls += 1;
    const tracked = call.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    return tracked;
  };

  const progress = setInterval(() => {
    plan.onProgress?.({ elapsedMs: performance.now() - started, calls, errors, inFlight: inFlight.size });
  }, 1000);
  try {
    if (plan.ratePerSecond) {
      const interval = 1000 / plan.ratePerSecond;
      for (let n = 0; running(); n += 1) {
        const dueAt = started + n * interval;
        const wait = dueAt - performance.now();
        if (wait > 0) await sleep(wait);
        if (!running()) break;
        const operation = plan.pickOperation();
        if (inFlight.size >= plan.concurrency) {
          calls += 1;
          errors += 1;
          recordFor(operation.name).recordFailure(
            performance.now() - dueAt,
            `not sent: ${inFlight.size} calls already in flight (raise --concurrency)`,
          );
          continue;
        }
        void launch(operation, dueAt);
      }
    } else {
      const worker = async () => {
        while (running()) await launch(plan.pickOperation(), performance.now());
      };
      await Promise.all(Array.from({ length: plan.concurrency }, worker));
    }
    const abandoned = await drain(inFlight);
    for (let i = 0; i < abandoned; i += 1) {
      recordFor('unfinished').recordFailure(DRAIN_MS, `still unanswered ${DRAIN_MS / 1000} s after the run ended`);
    }
    return { byOperation, elapsedMs: performance.now() - started, abandoned };
  } finally {
    clearInterval(progress);
  }
}

/** Waits for the calls still running, at most DRAIN_MS; returns how many never finished. */
async function drain(inFlight: Set<Promise<void>>): Promise<number> {
  if (inFlight.size === 0) return 0;
  const timeout = new AbortController();
  const settled = Promise.all([...inFlight]).then(() => true);
  const timedOut = sleep(DRAIN_MS, false, { signal: timeout.signal }).catch(() => false);
  await Promise.race([settled, timedOut]);
  timeout.abort();
  return inFlight.size;
}
