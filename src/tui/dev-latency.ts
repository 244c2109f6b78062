import type { ModelProvider } from '../agent/index.js';

/**
 * Makes a fast provider behave like a slow, streaming one: waits `latencyMs` before each answer
 * (cancellable, like a network call) and then streams the text in pieces. Switched on with
 * ITBOT_DEV_MODEL_LATENCY_MS, for trying the chat's streaming, spinner and Ctrl+C with the
 * offline provider, and for the end-to-end test that cancels a running turn.
 */
export function withModelLatency(provider: ModelProvider, latencyMs: number): ModelProvider {
  return {
    name: provider.name,
    model: provider.model,
    close: () => provider.close?.() ?? Promise.resolve(),
    async generate(request) {
      await sleep(latencyMs, request.signal);
      const step = await provider.generate({ ...request, onTextDelta: undefined });
      const pieces = step.text.match(/\S+\s*|\s+/g) ?? [];
      const pause = Math.min(30, latencyMs / Math.max(1, pieces.length));
      for (const piece of pieces) {
        request.onTextDelta?.(piece);
        await sleep(pause, request.signal);
      }
      return step;
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function latencyFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = Number(env.ITBOT_DEV_MODEL_LATENCY_MS);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
