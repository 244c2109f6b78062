import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Gemini API for load tests of the agent: it speaks the REST calls the SDK
 * makes (generateContent, streamGenerateContent?alt=sse), answers after a set latency, and turns
 * away a share of calls with 429 and a one-second RetryInfo, so whole Gemini turns (tool call,
 * tool result, answer) can be loaded without a key, a quota or a bill. It never reads the answers'
 * quality: a turn asks it for one knowledge search, then gets a one-line answer.
 */
export interface FakeModelOptions {
  latencyMs: number;
  /** Share of calls answered 429 (0–1). */
  rateLimitedShare: number;
}

export interface FakeModel {
  baseUrl: string;
  stats: { calls: number; rateLimited: number };
  close(): Promise<void>;
}

interface WireContent {
  role?: string;
  parts?: { text?: string; functionResponse?: unknown }[];
}

function reply(contents: WireContent[]): Record<string, unknown> {
  const last = contents.at(-1);
  const question =
    last?.parts
      ?.map((part) => part.text ?? '')
      .join(' ')
      .trim() ?? '';
  const answered = last?.parts?.some((part) => part.functionResponse !== undefined) ?? false;
  const parts = answered
    ? [{ text: 'Here is what the knowledge base says, with its source above.' }]
    : [{ functionCall: { name: 'search_knowledge', args: { query: question.slice(0, 200) || 'help' } } }];
  const promptTokens = Math.ceil(JSON.stringify(contents).length / 4);
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: promptTokens, candidatesTokenCount: 12, totalTokenCount: promptTokens + 12 },
    modelVersion: 'fake-model',
  };
}

const RATE_LIMITED = JSON.stringify({
  error: {
    code: 429,
    message: 'Resource has been exhausted (the load test’s fake model).',
    status: 'RESOURCE_EXHAUSTED',
    details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }],
  },
});

export async function startFakeModel(options: FakeModelOptions): Promise<FakeModel> {
  const stats = { calls: 0, rateLimited: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      stats.calls += 1;
      // Jitter of ±20 % so calls do not march in step.
      const delay = options.latencyMs * (0.8 + Math.random() * 0.4);
      setTimeout(() => {
        if (Math.random() < options.rateLimitedShare) {
          stats.rateLimited += 1;
          res.writeHead(429, { 'content-type': 'application/json' }).end(RATE_LIMITED);
          return;
        }
        let contents: WireContent[] = [];
        try {
          contents = (JSON.parse(body) as { contents?: WireContent[] }).contents ?? [];
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":400,"message":"bad JSON"}}');
          return;
        }
        const answer = JSON.stringify(reply(contents));
        if (req.url?.includes(':streamGenerateContent')) {
          res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`data: ${answer}\r\n\r\n`);
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
        }
      }, delay);
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
