import fs from 'node:fs';
import os from 'node:os';
import client from 'prom-client';
import type { Cache } from '../../src/cache/index.js';
import { type ModelCallReport, modelLabel } from '../../src/mcp/model-usage.js';
import type { ToolCallObserver } from '../instrument.js';

/**
 * Bucket edges in seconds. 0.5, 3 and 5 are the alerting thresholds (vector search, LLM and
 * request latency), so an alert reads an exact ratio of a bucket instead of an interpolation.
 */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30];

export interface PoolStats {
  inUse: number;
  idle: number;
  waiting: number;
  max: number;
}

/**
 * The memory this process may use: its cgroup's limit (a container's, v2 or v1), else the
 * machine's memory. The memory alert divides resident memory by it.
 */
function memoryLimitBytes(): number {
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const limit = Number(fs.readFileSync(file, 'utf8').trim());
      // v1 reports "no limit" as a huge number rather than "max".
      if (Number.isFinite(limit) && limit > 0 && limit < os.totalmem()) return limit;
    } catch {
      // Not in a cgroup with a limit.
    }
  }
  return os.totalmem();
}

/** The server's metrics, in a registry of its own (several servers can share a test process). */
export class ServerMetrics {
  readonly registry = new client.Registry();
  readonly httpRequests = new client.Counter({
    name: 'itbot_http_requests_total',
    help: 'HTTP requests by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new client.Histogram({
    name: 'itbot_http_request_duration_seconds',
    help: 'Time from a request arriving to its response finishing.',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly toolCalls = new client.Counter({
    name: 'itbot_tool_calls_total',
    help: 'MCP tool calls by tool and outcome (ok, error: a business failure, exception, rejected: refused before running).',
    labelNames: ['tool', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly toolDuration = new client.Histogram({
    name: 'itbot_tool_call_duration_seconds',
    help: 'Time one MCP tool call ran.',
    labelNames: ['tool'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly knowledgeSearchDuration = new client.Histogram({
    name: 'itbot_knowledge_search_duration_seconds',
    help: 'Time one knowledge search took (the search_knowledge tool: embedding the query, full text and vectors).',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly toolCallsInFlight = new client.Gauge({
    name: 'itbot_tool_calls_in_flight',
    help: 'MCP requests being handled now.',
    registers: [this.registry],
  });
  readonly rejected = new client.Counter({
    name: 'itbot_http_rejected_requests_total',
    help: 'Requests refused before they ran, by reason (unauthorized, forbidden_host, rate_limited, busy, too_large, malformed).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly cacheRequests = new client.Counter({
    name: 'itbot_cache_requests_total',
    help: 'Cache look-ups by result (hit or miss).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly llmDuration = new client.Histogram({
    name: 'itbot_llm_request_duration_seconds',
    help: 'Time one model call took, as the itbot clients using this server reported it (retries included).',
    labelNames: ['model', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly llmTokens = new client.Counter({
    name: 'itbot_llm_tokens_total',
    help: 'Model tokens used by the itbot clients using this server, by kind (input, output).',
    labelNames: ['model', 'kind'] as const,
    registers: [this.registry],
  });

  constructor(
    version: string,
    poolStats: () => PoolStats | undefined,
    readFallbacks: () => Record<string, number> | undefined = () => undefined,
  ) {
    client.collectDefaultMetrics({ register: this.registry });
    new client.Gauge({
      name: 'itbot_build_info',
      help: 'Always 1; the labels say which itbot runs.',
      labelNames: ['version'] as const,
      registers: [this.registry],
    }).set({ version }, 1);
    new client.Gauge({
      name: 'itbot_store_connections',
      help: 'Database connections of this server by state (in_use, idle, waiting: callers queued for one).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const stats = poolStats();
        if (!stats) return;
        this.set({ state: 'in_use' }, stats.inUse);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
    new client.Gauge({
      name: 'itbot_store_pool_max',
      help: 'The most database connections this server opens (ITBOT_DB_POOL_MAX); the pool alert divides by it.',
      registers: [this.registry],
      collect() {
        const stats = poolStats();
        if (stats) this.set(stats.max);
      },
    });
    new client.Gauge({
      name: 'itbot_memory_limit_bytes',
      help: "The memory this process may use: its container's limit, else the machine's memory.",
      registers: [this.registry],
    }).set(memoryLimitBytes());
    new client.Counter({
      name: 'itbot_store_read_fallbacks_total',
      help: 'Lag-tolerant reads (knowledge search) the primary answered because the read replica (DATABASE_READ_URL) could not: recovery_conflict, replica_unreachable, replica_down (skipped while it was recently unreachable).',
      labelNames: ['reason'] as const,
      registers: [this.registry],
      collect() {
        const counts = readFallbacks();
        if (!counts) return;
        // The store keeps the running totals; a counter can only move up, so it is re-set to them.
        this.reset();
        for (const [reason, count] of Object.entries(counts)) this.inc({ reason }, count);
      },
    });
  }

  readonly observeToolCall: ToolCallObserver = ({ tool, outcome, seconds }) => {
    this.toolCalls.inc({ tool, outcome });
    this.toolDuration.observe({ tool }, seconds);
    if (tool === 'search_knowledge') this.knowledgeSearchDuration.observe(seconds);
  };

  readonly observeModelCalls = (calls: ModelCallReport[]) => {
    for (const call of calls) {
      const model = modelLabel(call.model);
      this.llmDuration.observe({ model, outcome: call.outcome }, call.seconds);
      if (call.inputTokens) this.llmTokens.inc({ model, kind: 'input' }, call.inputTokens);
      if (call.outputTokens) this.llmTokens.inc({ model, kind: 'output' }, call.outputTokens);
    }
  };

  /** The same cache, counting hits and misses. */
  countingCache(cache: Cache): Cache {
    return {
      kind: cache.kind,
      get: async <T>(key: string) => {
        const value = await cache.get<T>(key);
        this.cacheRequests.inc({ result: value === undefined ? 'miss' : 'hit' });
        return value;
      },
      set: (key, value, ttlMs) => cache.set(key, value, ttlMs),
      close: () => cache.close(),
    };
  }
}
