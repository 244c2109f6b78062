import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A loopback fake of the Gemini Developer API (generativelanguage.googleapis.com) for tests that drive the
 * real `@google/genai` SDK: point the SDK at `baseUrl` (httpOptions.baseUrl, or GOOGLE_GEMINI_BASE_URL) and it
 * calls `${baseUrl}/v1beta/models/{model}:{method}` here exactly as it would call Google.
 *
 * Served endpoints (POST only; anything else gets a Google-style 404):
 *   :generateContent                  → GenerateContentResponse JSON
 *   :streamGenerateContent?alt=sse    → `data: <GenerateContentResponse JSON>\r\n\r\n` events
 *   :batchEmbedContents               → { embeddings: [{ values }] }, at most 100 requests per call like the real API
 *   :embedContent                     → { embedding: { values } } (the SDK itself always uses batchEmbedContents)
 *
 * Where an answer comes from, first match wins:
 *   1. `replayFrom`: the next exchange of a recording, in order;
 *   2. `upstream`: the request is forwarded (with its x-goog-api-key) and the answer relayed, to capture a session;
 *   3. the scripted queues (`enqueue`/`script` for generation, `enqueueEmbedding` for embeddings);
 *   4. defaults: the text "(fake) no scripted response", or `embedder` vectors.
 *
 * Recording format (JSON Lines, one exchange per line, in the order they were answered):
 *   {"v":1,"request":{"method":"POST","path":"/v1beta/models/m:generateContent","body":{…}},
 *    "response":{"type":"json","status":200,"body":{…}}}
 *   {"v":1,"request":{…},"response":{"type":"sse","status":200,"events":[{…},{…}],"end":"complete"}}
 *   {"v":1,"request":{…},"response":{"type":"drop"}}
 * `end` is "destroy" when the connection was cut after the events. Request headers are deliberately not
 * recorded, so the API key used to capture a session never lands in a file that gets committed.
 */

// ---------------------------------------------------------------------------------------------------------------
// Wire shapes: the REST JSON the API sends (camelCase), not the SDK's classes.

export interface WireFunctionCall {
  name: string;
  args?: Record<string, unknown>;
  id?: string;
}

export interface WirePart {
  text?: string;
  thought?: boolean;
  /** Opaque base64 the model attaches to (the first) function call part; clients must echo it back. */
  thoughtSignature?: string;
  functionCall?: WireFunctionCall;
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
}

export interface WireContent {
  role?: string;
  parts?: WirePart[];
}

export interface WireCandidate {
  content?: WireContent;
  finishReason?: string;
  finishMessage?: string;
  index?: number;
}

export interface WireUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  thoughtsTokenCount?: number;
}

export interface GenerateContentWire {
  candidates?: WireCandidate[];
  usageMetadata?: WireUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  promptFeedback?: { blockReason?: string };
}

// ---------------------------------------------------------------------------------------------------------------
// What a test can queue.

export interface FakeFunctionCall extends WireFunctionCall {
  thoughtSignature?: string;
}

/** How a scripted stream breaks after `afterChunks` events: an in-band error event (what Google sends once the
 * 200 headers are out) or a cut connection. */
export interface StreamFailure {
  afterChunks: number;
  mode: 'error-event' | 'destroy';
  /** HTTP-style code of the error event; default 503. */
  status?: number;
  message?: string;
}

interface Paced {
  /** Wait this long before answering (to exercise client timeouts and spinners). */
  delayMs?: number;
}

/** A google.rpc.QuotaFailure violation, as the API attaches to quota 429s. */
export interface FakeQuotaViolation {
  quotaMetric: string;
  quotaId: string;
  quotaValue?: string;
}

export type FakeErrorReply = Paced & {
  kind: 'error';
  status: number;
  message: string;
  retryDelaySeconds?: number;
  quota?: FakeQuotaViolation;
};
/** The connection is cut before any byte of the answer, like a network failure. */
export type FakeDropReply = Paced & { kind: 'drop' };

export type FakeReply =
  | (Paced & { kind: 'response'; body: GenerateContentWire })
  | (Paced & { kind: 'text'; text: string; finishReason?: string })
  | (Paced & { kind: 'functionCalls'; calls: FakeFunctionCall[]; text?: string })
  | (Paced & { kind: 'malformedFunctionCall'; finishMessage: string })
  | (Paced & {
      kind: 'stream';
      /** A string is a text delta (wrapped like the API does); an object is sent verbatim. */
      chunks: Array<string | GenerateContentWire>;
      failure?: StreamFailure;
      chunkDelayMs?: number;
    })
  | FakeErrorReply
  | FakeDropReply;

export type FakeEmbeddingReply = FakeErrorReply | FakeDropReply;

/** Builders so tests read as what the model does, not as JSON. */
export const fakeReply = {
  text: (text: string, finishReason = 'STOP'): FakeReply => ({ kind: 'text', text, finishReason }),
  functionCall: (
    name: string,
    args: Record<string, unknown> = {},
    extra: Partial<FakeFunctionCall> = {},
  ): FakeReply => ({
    kind: 'functionCalls',
    calls: [{ ...extra, name, args }],
  }),
  /** Several calls in one model turn (parallel function calling). */
  functionCalls: (calls: FakeFunctionCall[], text?: string): FakeReply => ({ kind: 'functionCalls', calls, text }),
  /** What Gemini sends when the model emits arguments that are not valid JSON for the declared schema. */
  malformedFunctionCall: (
    finishMessage = 'Malformed function call: print(default_api.search(query="vpn"',
  ): FakeReply => ({
    kind: 'malformedFunctionCall',
    finishMessage,
  }),
  textStream: (pieces: string[], options: { failure?: StreamFailure; chunkDelayMs?: number } = {}): FakeReply => ({
    kind: 'stream',
    chunks: pieces,
    ...options,
  }),
  response: (body: GenerateContentWire): FakeReply => ({ kind: 'response', body }),
  error: (status: number, message = defaultErrorMessage(status), retryDelaySeconds?: number): FakeErrorReply => ({
    kind: 'error',
    status,
    message,
    retryDelaySeconds,
  }),
  rateLimited: (retryDelaySeconds = 2): FakeErrorReply => ({
    kind: 'error',
    status: 429,
    message: `You exceeded your current quota. Please retry in ${retryDelaySeconds}s.`,
    retryDelaySeconds,
  }),
  /** A quota 429 with its QuotaFailure detail: `perDay` picks a daily quota id, else a per-minute one. */
  quotaExhausted: (
    options: { perDay?: boolean; tokens?: boolean; retryDelaySeconds?: number } = {},
  ): FakeErrorReply => {
    const what = options.tokens ? 'input_token_count' : 'requests';
    const id = `Generate${options.tokens ? 'ContentInputTokens' : 'Requests'}Per${options.perDay ? 'Day' : 'Minute'}PerProjectPerModel-FreeTier`;
    return {
      kind: 'error',
      status: 429,
      message: `You exceeded your current quota, please check your plan and billing details. Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_${what}`,
      retryDelaySeconds: options.retryDelaySeconds ?? (options.perDay ? 43_000 : 20),
      quota: {
        quotaMetric: `generativelanguage.googleapis.com/generate_content_free_tier_${what}`,
        quotaId: id,
        quotaValue: options.perDay ? '250' : '10',
      },
    };
  },
  unavailable: (): FakeErrorReply => ({ kind: 'error', status: 503, message: defaultErrorMessage(503) }),
  drop: (): FakeDropReply => ({ kind: 'drop' }),
};

// ---------------------------------------------------------------------------------------------------------------
// Options and handle.

/** Turns one text into an embedding; must be deterministic so assertions on similarity are stable. */
export type Embedder = (text: string, dimensions: number, taskType: string | undefined) => number[];

export interface FakeGeminiOptions {
  /** Serve the exchanges of this JSONL recording in order instead of scripted answers. */
  replayFrom?: string;
  /** Append every exchange to this JSONL file (same as calling `recordTo`). */
  recordTo?: string;
  /** Forward requests to this base URL (e.g. https://generativelanguage.googleapis.com) to capture a real session. */
  upstream?: string;
  /** Reject requests whose x-goog-api-key differs, with the errors Google returns. Unset: any key is accepted. */
  expectedApiKey?: string;
  embedder?: Embedder;
  /** Vector length when a request has no outputDimensionality (gemini-embedding-001 defaults to 3072). */
  defaultEmbeddingDimensions?: number;
  /** The API rejects larger batchEmbedContents calls with 400 INVALID_ARGUMENT. */
  maxEmbedBatch?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. /v1beta/models/gemini-2.5-flash:generateContent. */
  path: string;
  query: Record<string, string>;
  /** e.g. models/gemini-2.5-flash; undefined for unknown routes. */
  model: string | undefined;
  /** The RPC after the colon, e.g. generateContent, streamGenerateContent, batchEmbedContents. */
  endpoint: string | undefined;
  /** Lower-case header names, as sent (x-goog-api-key included). */
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
}

export interface FakeGemini {
  /** Origin to give the SDK, e.g. http://127.0.0.1:43123 (no trailing slash, no version). */
  baseUrl: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Append answers for the next generateContent/streamGenerateContent calls. A string is a text answer. */
  enqueue(...replies: Array<FakeReply | string>): void;
  /** Replace whatever is still queued for generation calls. */
  script(replies: Array<FakeReply | string>): void;
  /** Append answers (errors, drops) for the next embedding calls; when none is queued vectors are computed. */
  enqueueEmbedding(...replies: FakeEmbeddingReply[]): void;
  setEmbedder(embedder: Embedder): void;
  /** Start appending exchanges to a JSONL file (format in the header comment of this module). */
  recordTo(file: string): void;
  /** Generation answers still queued: lets a test assert its script was consumed. */
  pendingReplies(): number;
  /** Stops listening, cuts every open connection and abandons pending delays. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// What gets written to the socket; also the `response` of a recorded exchange.

export type ServedResponse =
  | { type: 'json'; status: number; body: unknown }
  | { type: 'sse'; status: number; events: unknown[]; end: 'complete' | 'destroy' }
  | { type: 'drop' };

interface Pacing {
  delayMs: number;
  chunkDelayMs: number;
}

export interface RecordedExchange {
  v: 1;
  request: { method: string; path: string; body: unknown };
  response: ServedResponse;
}

const NO_SCRIPT_TEXT = '(fake) no scripted response';
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
const NO_PACING: Pacing = { delayMs: 0, chunkDelayMs: 0 };

const GOOGLE_STATUS_BY_CODE: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function defaultErrorMessage(status: number): string {
  if (status === 429) return 'Resource has been exhausted (e.g. check quota).';
  if (status === 503) return 'The model is overloaded. Please try again later.';
  if (status === 500) return 'An internal error has occurred.';
  if (status === 400) return 'Request contains an invalid argument.';
  return `(fake) error ${status}`;
}

/** Google's error envelope (google.rpc.Status), with RetryInfo the way the API attaches it to 429s. */
export function googleErrorBody(
  status: number,
  message: string,
  retryDelaySeconds?: number,
  quota?: FakeQuotaViolation,
): unknown {
  const details: unknown[] = [];
  if (quota) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [quota] });
  }
  if (retryDelaySeconds !== undefined) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: formatDuration(retryDelaySeconds),
    });
  }
  return {
    error: {
      code: status,
      message,
      status: GOOGLE_STATUS_BY_CODE[status] ?? 'UNKNOWN',
      ...(details.length > 0 ? { details } : {}),
    },
  };
}

/** protobuf Duration JSON: seconds with an "s" suffix, fractions only when needed ("2s", "0.5s"). */
function formatDuration(seconds: number): string {
  return `${Number(seconds.toFixed(9))}s`;
}

function errorResponse(
  status: number,
  message: string,
  retryDelaySeconds?: number,
  quota?: FakeQuotaViolation,
): ServedResponse {
  return { type: 'json', status, body: googleErrorBody(status, message, retryDelaySeconds, quota) };
}

// ---------------------------------------------------------------------------------------------------------------
// Embeddings.

/**
 * Deterministic pseudo-random unit vector seeded by SHA-256 of the text: equal texts get equal vectors, different
 * texts get unrelated ones, and nothing depends on call order.
 */
export function hashEmbedding(text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  // xorshift128 seeded from the digest: far cheaper than one hash per component for 3072-dim vectors.
  let [a, b, c, d] = [seed.readUInt32LE(0), seed.readUInt32LE(4), seed.readUInt32LE(8), seed.readUInt32LE(12)];
  const values: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    const t = a ^ (a << 11);
    [a, b, c] = [b, c, d];
    d = (d ^ (d >>> 19) ^ t ^ (t >>> 8)) >>> 0;
    values.push((d / 0xffffffff) * 2 - 1);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => value / norm);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOfContent(content: unknown): string {
  if (!isRecord(content) || !Array.isArray(content.parts)) return '';
  return content.parts
    .map((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

interface EmbedRequestFields {
  text: string;
  dimensions: number | undefined;
  taskType: string | undefined;
}

function embedRequestFields(request: unknown): EmbedRequestFields {
  const fields = isRecord(request) ? request : {};
  return {
    text: textOfContent(fields.content),
    dimensions: typeof fields.outputDimensionality === 'number' ? fields.outputDimensionality : undefined,
    taskType: typeof fields.taskType === 'string' ? fields.taskType : undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Generation answers.

interface GenerationContext {
  /** Model id without the models/ prefix, as the API reports it in modelVersion. */
  modelVersion: string;
  responseId: string;
  promptTokens: number;
}

/** Roughly the 4-characters-per-token rule of thumb: only so usage accounting has plausible numbers. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function promptText(body: unknown): string {
  if (!isRecord(body)) return '';
  const contents = Array.isArray(body.contents) ? body.contents : [];
  return [body.systemInstruction, ...contents].map(textOfContent).join('\n');
}

function usage(context: GenerationContext, candidatesText: string): WireUsageMetadata {
  const candidatesTokenCount = estimateTokens(candidatesText);
  return {
    promptTokenCount: context.promptTokens,
    candidatesTokenCount,
    totalTokenCount: context.promptTokens + candidatesTokenCount,
  };
}

function modelTurn(
  parts: WirePart[],
  context: GenerationContext,
  finishReason: string | undefined,
): GenerateContentWire {
  const candidatesText = parts.map((part) => part.text ?? JSON.stringify(part.functionCall ?? '')).join('');
  const candidate: WireCandidate = { content: { role: 'model', parts }, index: 0 };
  if (finishReason) candidate.finishReason = finishReason;
  return {
    candidates: [candidate],
    usageMetadata: usage(context, candidatesText),
    modelVersion: context.modelVersion,
    responseId: context.responseId,
  };
}

function functionCallParts(calls: FakeFunctionCall[], text: string | undefined): WirePart[] {
  const parts: WirePart[] = text ? [{ text }] : [];
  for (const { thoughtSignature, ...functionCall } of calls) {
    parts.push(thoughtSignature ? { functionCall, thoughtSignature } : { functionCall });
  }
  return parts;
}

/** Real malformed calls come back with no content at all, only the finish reason and the raw model output. */
function malformedFunctionCall(finishMessage: string, context: GenerationContext): GenerateContentWire {
  return {
    candidates: [{ finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage, index: 0 }],
    usageMetadata: usage(context, ''),
    modelVersion: context.modelVersion,
    responseId: context.responseId,
  };
}

function streamChunks(chunks: Array<string | GenerateContentWire>, context: GenerationContext): GenerateContentWire[] {
  return chunks.map((chunk, index) => {
    if (typeof chunk !== 'string') return chunk;
    const isLast = index === chunks.length - 1;
    return modelTurn([{ text: chunk }], context, isLast ? 'STOP' : undefined);
  });
}

function streamFailureEvent(failure: StreamFailure): unknown {
  const status = failure.status ?? 503;
  return googleErrorBody(status, failure.message ?? defaultErrorMessage(status));
}

/** The answer body of a non-error reply, as one GenerateContentResponse. */
function singleResponseBody(
  reply: Exclude<FakeReply, { kind: 'stream' | 'error' | 'drop' }>,
  context: GenerationContext,
): GenerateContentWire {
  switch (reply.kind) {
    case 'response':
      return reply.body;
    case 'text':
      return modelTurn([{ text: reply.text }], context, reply.finishReason ?? 'STOP');
    case 'functionCalls':
      return modelTurn(functionCallParts(reply.calls, reply.text), context, 'STOP');
    case 'malformedFunctionCall':
      return malformedFunctionCall(reply.finishMessage, context);
  }
}

/** A stream served to a unary call: the API would have produced the same content in one response. */
function mergeChunks(chunks: GenerateContentWire[]): GenerateContentWire {
  const parts: WirePart[] = [];
  let merged: GenerateContentWire = {};
  for (const chunk of chunks) {
    parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
    merged = { ...merged, ...chunk };
  }
  const last = merged.candidates?.[0];
  return { ...merged, candidates: [{ ...last, content: { role: 'model', parts }, index: 0 }] };
}

function planStreamReply(
  reply: Extract<FakeReply, { kind: 'stream' }>,
  context: GenerationContext,
  wantsSse: boolean,
): ServedResponse {
  const chunks = streamChunks(reply.chunks, context);
  const failure = reply.failure;
  const delivered = failure ? chunks.slice(0, failure.afterChunks) : chunks;
  if (!wantsSse) {
    if (failure?.mode === 'destroy') return { type: 'drop' };
    if (failure) {
      const status = failure.status ?? 503;
      return errorResponse(status, failure.message ?? defaultErrorMessage(status));
    }
    return { type: 'json', status: 200, body: mergeChunks(chunks) };
  }
  const events: unknown[] = [...delivered];
  if (failure?.mode === 'error-event') events.push(streamFailureEvent(failure));
  return { type: 'sse', status: 200, events, end: failure?.mode === 'destroy' ? 'destroy' : 'complete' };
}

/** Turns a scripted reply into exactly what goes on the wire for a unary or streaming call. */
function planGenerationReply(reply: FakeReply, context: GenerationContext, wantsSse: boolean): ServedResponse {
  switch (reply.kind) {
    case 'error':
      // Errors known before the first byte are HTTP errors even on the streaming endpoint, as with the real API.
      return errorResponse(reply.status, reply.message, reply.retryDelaySeconds, reply.quota);
    case 'drop':
      return { type: 'drop' };
    case 'stream':
      return planStreamReply(reply, context, wantsSse);
    default: {
      const body = singleResponseBody(reply, context);
      return wantsSse
        ? { type: 'sse', status: 200, events: [body], end: 'complete' }
        : { type: 'json', status: 200, body };
    }
  }
}

function pacingOf(reply: FakeReply): Pacing {
  return {
    delayMs: reply.delayMs ?? 0,
    chunkDelayMs: reply.kind === 'stream' ? (reply.chunkDelayMs ?? 0) : 0,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Recording and replay.

function readRecording(file: string): RecordedExchange[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed: unknown = JSON.parse(line);
      if (!isRecord(parsed) || parsed.v !== 1 || !isRecord(parsed.request) || !isRecord(parsed.response)) {
        throw new Error(`${file}:${index + 1}: not a v1 fake-gemini exchange`);
      }
      return parsed as unknown as RecordedExchange;
    });
}

function appendExchange(file: string, exchange: RecordedExchange): void {
  // Synchronous on purpose: the line is on disk before the client sees the answer, so a test can replay the file
  // as soon as its SDK call returns.
  fs.appendFileSync(file, `${JSON.stringify(exchange)}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Upstream relay (capturing a real session).

/** Splits an SSE body into the JSON of its `data:` events, tolerating \n\n, \r\r and \r\n\r\n framing. */
function parseSseEvents(text: string): { events: unknown[]; complete: boolean } {
  const blocks = text.split(/\r\n\r\n|\n\n|\r\r/);
  const trailing = blocks.pop() ?? '';
  const events = blocks
    .map((block) => block.trim())
    .filter((block) => block.startsWith('data:'))
    .map((block): unknown => JSON.parse(block.slice('data:'.length).trim()));
  return { events, complete: trailing.trim() === '' };
}

/** Reads a whole body, keeping what arrived when the connection is cut midway (a failed stream is data too). */
async function readUntilEndOrCut(response: Response): Promise<{ text: string; cut: boolean }> {
  const reader = response.body?.getReader();
  if (!reader) return { text: '', cut: false };
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), cut: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, cut: true };
  }
}

/** Forwards one request to the real API and turns its answer into a replayable ServedResponse. */
async function relayUpstream(upstream: string, request: RecordedRequest, rawBody: string): Promise<ServedResponse> {
  const search = new URLSearchParams(request.query).toString();
  const url = `${upstream.replace(/\/$/, '')}${request.path}${search ? `?${search}` : ''}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const apiKey = request.headers['x-goog-api-key'];
  if (apiKey) headers['x-goog-api-key'] = apiKey;
  let response: Response;
  try {
    response = await fetch(url, { method: request.method, headers, body: rawBody || undefined });
  } catch {
    return { type: 'drop' };
  }
  const { text, cut } = await readUntilEndOrCut(response);
  const isSse = response.headers.get('content-type')?.includes('text/event-stream') ?? false;
  if (isSse && response.ok) {
    const { events, complete } = parseSseEvents(text);
    return { type: 'sse', status: response.status, events, end: complete && !cut ? 'complete' : 'destroy' };
  }
  if (cut) return { type: 'drop' };
  const parsed = parseJson(text);
  // Non-JSON error pages are relayed as text.
  return { type: 'json', status: response.status, body: parsed.ok ? parsed.value : text };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP plumbing.

const ROUTE = /^\/(v1beta|v1|v1alpha)\/((?:models|tunedModels)\/[^/:]+):([A-Za-z]+)$/;

function headerRecord(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function writeChunk(res: http.ServerResponse, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    res.write(data, (error) => (error ? reject(error) : resolve()));
  });
}

async function writeServed(
  res: http.ServerResponse,
  served: ServedResponse,
  pacing: Pacing,
  signal: AbortSignal,
): Promise<void> {
  if (pacing.delayMs > 0) await sleep(pacing.delayMs, undefined, { signal, ref: false });
  if (served.type === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (served.type === 'json') {
    const payload = typeof served.body === 'string' ? served.body : JSON.stringify(served.body);
    res.writeHead(served.status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(payload);
    return;
  }
  res.writeHead(served.status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [index, event] of served.events.entries()) {
    if (index > 0 && pacing.chunkDelayMs > 0) await sleep(pacing.chunkDelayMs, undefined, { signal, ref: false });
    // Awaiting the write callback flushes each event, so events before a cut connection do reach the client.
    await writeChunk(res, `data: ${JSON.stringify(event)}\r\n\r\n`);
  }
  if (served.end === 'destroy') res.socket?.destroy();
  else res.end();
}

function parseQuery(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}

/** The errors Google returns for a missing or wrong key, so auth handling can be tested too. */
function apiKeyRejection(expected: string | undefined, sent: string | undefined): ServedResponse | undefined {
  if (expected === undefined || sent === expected) return undefined;
  if (!sent) {
    return errorResponse(
      403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
  }
  return {
    type: 'json',
    status: 400,
    body: {
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
        ],
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The server.

interface Answer {
  served: ServedResponse;
  pacing: Pacing;
}

function immediately(served: ServedResponse): Answer {
  return { served, pacing: NO_PACING };
}

/** streamGenerateContent without alt=sse answers one JSON array of the chunks (the SDK always asks for SSE). */
function asJsonArray(served: ServedResponse): ServedResponse {
  if (served.type !== 'sse') return served;
  return served.end === 'destroy' ? { type: 'drop' } : { type: 'json', status: served.status, body: served.events };
}

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const requests: RecordedRequest[] = [];
  let generationQueue: FakeReply[] = [];
  const embeddingQueue: FakeEmbeddingReply[] = [];
  let embedder: Embedder = options.embedder ?? ((text, dimensions) => hashEmbedding(text, dimensions));
  let recordFile = options.recordTo;
  const replay = options.replayFrom ? readRecording(options.replayFrom) : undefined;
  const maxEmbedBatch = options.maxEmbedBatch ?? 100;
  const defaultDimensions = options.defaultEmbeddingDimensions ?? 3072;
  const closing = new AbortController();
  let responseCounter = 0;

  const toReply = (reply: FakeReply | string): FakeReply => (typeof reply === 'string' ? fakeReply.text(reply) : reply);

  function generationContext(request: RecordedRequest): GenerationContext {
    responseCounter += 1;
    return {
      modelVersion: (request.model ?? '').replace(/^models\//, ''),
      responseId: `fake-response-${responseCounter}`,
      promptTokens: estimateTokens(promptText(request.body)),
    };
  }

  function answerGeneration(request: RecordedRequest, wantsSse: boolean): Answer {
    const reply = generationQueue.shift() ?? fakeReply.text(NO_SCRIPT_TEXT);
    return { served: planGenerationReply(reply, generationContext(request), wantsSse), pacing: pacingOf(reply) };
  }

  function embedOne(fields: EmbedRequestFields): { values: number[] } {
    return { values: embedder(fields.text, fields.dimensions ?? defaultDimensions, fields.taskType) };
  }

  function embedBatch(body: Record<string, unknown>): ServedResponse {
    const batch: unknown[] = Array.isArray(body.requests) ? body.requests : [];
    if (batch.length === 0) {
      return errorResponse(400, '* BatchEmbedContentsRequest.requests: contents is not specified\n');
    }
    if (batch.length > maxEmbedBatch) {
      return errorResponse(
        400,
        `* BatchEmbedContentsRequest.requests: at most ${maxEmbedBatch} requests can be in one batch\n`,
      );
    }
    const embeddings = batch.map((item) => embedOne(embedRequestFields(item)));
    return { type: 'json', status: 200, body: { embeddings } };
  }

  function answerEmbedding(request: RecordedRequest, batched: boolean): Answer {
    const scripted = embeddingQueue.shift();
    if (scripted) {
      return { served: planGenerationReply(scripted, generationContext(request), false), pacing: pacingOf(scripted) };
    }
    const body = isRecord(request.body) ? request.body : {};
    if (batched) return immediately(embedBatch(body));
    return immediately({ type: 'json', status: 200, body: { embedding: embedOne(embedRequestFields(body)) } });
  }

  function answerFromReplay(request: RecordedRequest, recording: RecordedExchange[]): ServedResponse {
    const next = recording.shift();
    const got = `${request.method} ${request.path}`;
    if (!next) return errorResponse(500, `(fake) replay exhausted: no recorded answer for ${got}`);
    const expected = `${next.request.method} ${next.request.path}`;
    if (expected !== got) {
      return errorResponse(500, `(fake) replay mismatch: recording expects ${expected}, got ${got}`);
    }
    return next.response;
  }

  async function answer(request: RecordedRequest, rawBody: string): Promise<Answer> {
    const rejection = apiKeyRejection(options.expectedApiKey, request.headers['x-goog-api-key']);
    if (rejection) return immediately(rejection);
    if (replay) return immediately(answerFromReplay(request, replay));
    if (options.upstream) return immediately(await relayUpstream(options.upstream, request, rawBody));
    switch (request.endpoint) {
      case 'generateContent':
        return answerGeneration(request, false);
      case 'streamGenerateContent': {
        const streamed = answerGeneration(request, true);
        return request.query.alt === 'sse' ? streamed : { ...streamed, served: asJsonArray(streamed.served) };
      }
      case 'batchEmbedContents':
        return answerEmbedding(request, true);
      case 'embedContent':
        return answerEmbedding(request, false);
      default:
        return immediately(errorResponse(404, `(fake) unsupported method ${request.method} ${request.path}`));
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(req);
    if (rawBody === undefined) {
      await writeServed(res, errorResponse(413, 'Request payload size exceeds the limit.'), NO_PACING, closing.signal);
      return;
    }
    const parsed = parseJson(rawBody);
    const route = ROUTE.exec(url.pathname);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: parseQuery(url),
      model: route?.[2],
      endpoint: req.method === 'POST' ? route?.[3] : undefined,
      headers: headerRecord(req),
      body: parsed.ok ? parsed.value : rawBody,
    };
    requests.push(request);
    const { served, pacing } = parsed.ok
      ? await answer(request, rawBody)
      : immediately(errorResponse(400, 'Invalid JSON payload received.'));
    if (recordFile) {
      appendExchange(recordFile, {
        v: 1,
        request: { method: request.method, path: request.path, body: request.body },
        response: served,
      });
    }
    await writeServed(res, served, pacing, closing.signal);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (closing.signal.aborted) return; // close() already cut the connection
      if (res.headersSent) {
        res.socket?.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(500, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(googleErrorBody(500, `(fake) handler failed: ${message}`)));
    });
  });
  // Neither the listener nor idle keep-alive sockets may hold the test process open if a test forgets close().
  server.on('connection', (socket) => socket.unref());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => {
      generationQueue.push(...replies.map(toReply));
    },
    script: (replies) => {
      generationQueue = replies.map(toReply);
    },
    enqueueEmbedding: (...replies) => {
      embeddingQueue.push(...replies);
    },
    setEmbedder: (next) => {
      embedder = next;
    },
    recordTo: (file) => {
      recordFile = file;
    },
    pendingReplies: () => generationQueue.length,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
