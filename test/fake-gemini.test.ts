import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError, type GenerateContentResponse, GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { type FakeGemini, type FakeGeminiOptions, fakeReply, startFakeGemini } from './helpers/fake-gemini-server.js';

/**
 * These tests drive the real @google/genai SDK against the loopback fake, so they pin down both the fake's wire
 * format and what the SDK does with it (URLs, batching, how errors surface) without reaching Google.
 */

const MODEL = 'gemini-2.5-flash';
const EMBEDDING_MODEL = 'gemini-embedding-001';
const TEST_TIMEOUT_MS = 15_000;

async function withFake<T>(options: FakeGeminiOptions, run: (fake: FakeGemini) => Promise<T>): Promise<T> {
  const fake = await startFakeGemini(options);
  try {
    return await run(fake);
  } finally {
    await fake.close();
  }
}

/** A client as itbot would build one, except that the base URL points at the fake; the timeout bounds every call. */
function clientFor(fake: FakeGemini): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.baseUrl, timeout: 5_000 } });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * How a caller reads RetryInfo: ApiError only has `status` and `message`, and the message is Google's JSON error
 * body (for an HTTP error) or "got status: X. <json>" (for an error event inside a stream).
 */
function retryDelayMsOf(error: unknown): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const jsonStart = error.message.indexOf('{');
  if (jsonStart < 0) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(error.message.slice(jsonStart));
  } catch {
    return undefined;
  }
  const details = isRecord(body) && isRecord(body.error) && Array.isArray(body.error.details) ? body.error.details : [];
  for (const detail of details) {
    if (isRecord(detail) && detail['@type'] === 'type.googleapis.com/google.rpc.RetryInfo') {
      const delay = typeof detail.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay) : null;
      if (delay?.[1]) return Number(delay[1]) * 1000;
    }
  }
  return undefined;
}

/** The SDK sends every content of one embedContent call in one request, so callers must cut batches themselves. */
async function embedInBatches(ai: GoogleGenAI, texts: string[], batchSize: number): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const response = await ai.models.embedContent({
      model: EMBEDDING_MODEL,
      contents: texts.slice(start, start + batchSize),
      config: { taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 768 },
    });
    for (const embedding of response.embeddings ?? []) vectors.push(embedding.values ?? []);
  }
  return vectors;
}

function bodyOf(fake: FakeGemini, index: number): Record<string, unknown> {
  const body = fake.requests[index]?.body;
  if (!isRecord(body)) throw new Error(`request ${index} has no JSON body`);
  return body;
}

describe('fake Gemini server driven by the real SDK', () => {
  it(
    'answers generateContent with scripted text, and a placeholder when nothing is scripted',
    async () => {
      await withFake({}, async (fake) => {
        const ai = clientFor(fake);
        fake.enqueue('Restart the print spooler service.');

        const answer = await ai.models.generateContent({ model: MODEL, contents: 'My printer is stuck' });
        const unscripted = await ai.models.generateContent({ model: MODEL, contents: 'Anything else?' });

        expect(answer.text).toBe('Restart the print spooler service.');
        expect(answer.candidates?.[0]?.finishReason).toBe('STOP');
        expect(answer.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
        expect(answer.modelVersion).toBe(MODEL);
        expect(unscripted.text).toBe('(fake) no scripted response');
        const [first] = fake.requests;
        expect(first?.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
        expect(first?.headers['x-goog-api-key']).toBe('test-key');
        expect(bodyOf(fake, 0).contents).toEqual([{ role: 'user', parts: [{ text: 'My printer is stuck' }] }]);
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'is reachable through GOOGLE_GEMINI_BASE_URL as well as httpOptions.baseUrl',
    async () => {
      await withFake({}, async (fake) => {
        const previous = process.env.GOOGLE_GEMINI_BASE_URL;
        process.env.GOOGLE_GEMINI_BASE_URL = fake.baseUrl;
        try {
          // The SDK reads the variable in its constructor, so the client must be built while it is set.
          const ai = new GoogleGenAI({ apiKey: 'test-key' });
          fake.enqueue('via env');
          expect((await ai.models.generateContent({ model: MODEL, contents: 'hi' })).text).toBe('via env');
        } finally {
          if (previous === undefined) delete process.env.GOOGLE_GEMINI_BASE_URL;
          else process.env.GOOGLE_GEMINI_BASE_URL = previous;
        }
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs a function-call round: the model asks for a tool, the caller answers, the model concludes',
    async () => {
      await withFake({}, async (fake) => {
        const ai = clientFor(fake);
        const tools = [
          {
            functionDeclarations: [
              {
                name: 'search_kb',
                description: 'Search the IT knowledge base',
                parametersJsonSchema: {
                  type: 'object',
                  properties: { query: { type: 'string' } },
                  required: ['query'],
                },
              },
            ],
          },
        ];
        fake.enqueue(
          fakeReply.functionCall('search_kb', { query: 'vpn drops' }, { id: 'call-1', thoughtSignature: 'c2lnLTE=' }),
          'Reinstall the VPN profile (KB-12).',
        );
        const question = { role: 'user', parts: [{ text: 'VPN keeps dropping' }] };

        const toolTurn = await ai.models.generateContent({ model: MODEL, contents: [question], config: { tools } });
        expect(toolTurn.functionCalls).toEqual([{ id: 'call-1', name: 'search_kb', args: { query: 'vpn drops' } }]);
        const modelContent = toolTurn.candidates?.[0]?.content;
        expect(modelContent?.parts?.[0]?.thoughtSignature).toBe('c2lnLTE=');

        const toolResult = {
          role: 'user',
          parts: [{ functionResponse: { id: 'call-1', name: 'search_kb', response: { hits: ['KB-12'] } } }],
        };
        const finalTurn = await ai.models.generateContent({
          model: MODEL,
          contents: [question, modelContent ?? {}, toolResult],
          config: { tools },
        });

        expect(finalTurn.text).toBe('Reinstall the VPN profile (KB-12).');
        const followUp = bodyOf(fake, 1);
        expect(followUp.contents).toEqual([question, modelContent, toolResult]);
        expect(JSON.stringify(bodyOf(fake, 0).tools)).toContain('search_kb');
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'returns several function calls in one turn, and a malformed call as MALFORMED_FUNCTION_CALL',
    async () => {
      await withFake({}, async (fake) => {
        const ai = clientFor(fake);
        fake.enqueue(
          fakeReply.functionCalls([
            { name: 'get_ticket', args: { id: 7 } },
            { name: 'get_ticket', args: { id: 8 } },
          ]),
          fakeReply.malformedFunctionCall(),
        );

        const parallel = await ai.models.generateContent({ model: MODEL, contents: 'compare tickets 7 and 8' });
        const malformed = await ai.models.generateContent({ model: MODEL, contents: 'search the kb' });

        expect(parallel.functionCalls?.map((call) => call.args)).toEqual([{ id: 7 }, { id: 8 }]);
        expect(malformed.candidates?.[0]?.finishReason).toBe('MALFORMED_FUNCTION_CALL');
        // The fake sends finishMessage ("Malformed function call: …") like the API, but SDK 2.x drops that field
        // when mapping Gemini API candidates, so callers can only go by finishReason.
        expect(fake.requests).toHaveLength(2);
        expect(malformed.functionCalls).toBeUndefined();
        expect(malformed.text).toBeUndefined();
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'streams scripted chunks in order through generateContentStream',
    async () => {
      await withFake({}, async (fake) => {
        const ai = clientFor(fake);
        fake.enqueue(fakeReply.textStream(['Open ', 'Settings, ', 'then Wi-Fi.'], { chunkDelayMs: 5 }));

        const chunks: GenerateContentResponse[] = [];
        for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents: 'wifi?' })) {
          chunks.push(chunk);
        }

        expect(chunks.map((chunk) => chunk.text)).toEqual(['Open ', 'Settings, ', 'then Wi-Fi.']);
        expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
        expect(fake.requests[0]?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent`);
        expect(fake.requests[0]?.query).toEqual({ alt: 'sse' });
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'embeds 250 texts in batches of at most 100, with 768-dim deterministic vectors',
    async () => {
      await withFake({}, async (fake) => {
        const ai = clientFor(fake);
        const texts = Array.from({ length: 250 }, (_, index) => `kb chunk ${index}`);

        // The SDK does not split: all 250 go into one :batchEmbedContents call, which the API refuses.
        const oversized = await rejectionOf(ai.models.embedContent({ model: EMBEDDING_MODEL, contents: texts }));
        expect(oversized).toBeInstanceOf(ApiError);
        expect((oversized as ApiError).status).toBe(400);
        expect((oversized as ApiError).message).toContain('at most 100 requests can be in one batch');
        const oversizedBody = bodyOf(fake, 0);
        expect(Array.isArray(oversizedBody.requests) && oversizedBody.requests.length).toBe(250);

        const vectors = await embedInBatches(ai, texts, 100);

        const batches = fake.requests.slice(1);
        expect(batches.map((request) => request.path)).toEqual(
          Array(3).fill(`/v1beta/models/${EMBEDDING_MODEL}:batchEmbedContents`),
        );
        const batchSizes = batches.map((request) =>
          isRecord(request.body) && Array.isArray(request.body.requests) ? request.body.requests.length : -1,
        );
        expect(batchSizes).toEqual([100, 100, 50]);
        expect(JSON.stringify(bodyOf(fake, 1).requests)).toContain('"taskType":"RETRIEVAL_DOCUMENT"');
        expect(vectors).toHaveLength(250);
        expect(vectors.every((vector) => vector.length === 768)).toBe(true);
        expect(new Set(vectors.map((vector) => vector.join(','))).size).toBe(250);
        const [again] = await embedInBatches(ai, [texts[0] ?? ''], 100);
        expect(again).toEqual(vectors[0]);
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'lets a test replace the embedder',
    async () => {
      await withFake({}, async (fake) => {
        fake.setEmbedder((text, dimensions) => Array.from({ length: dimensions }, () => text.length));
        const response = await clientFor(fake).models.embedContent({
          model: EMBEDDING_MODEL,
          contents: ['abc'],
          config: { outputDimensionality: 4 },
        });
        expect(response.embeddings?.[0]?.values).toEqual([3, 3, 3, 3]);
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'surfaces a 429 as ApiError with status 429 and the RetryInfo delay in its message',
    async () => {
      await withFake({}, async (fake) => {
        const ai = clientFor(fake);
        fake.enqueue(fakeReply.rateLimited(2));
        fake.enqueueEmbedding(fakeReply.rateLimited(0.5));

        const generation = await rejectionOf(ai.models.generateContent({ model: MODEL, contents: 'hi' }));
        const embedding = await rejectionOf(ai.models.embedContent({ model: EMBEDDING_MODEL, contents: ['x'] }));

        expect(generation).toBeInstanceOf(ApiError);
        expect((generation as ApiError).status).toBe(429);
        expect((generation as ApiError).message).toContain('RESOURCE_EXHAUSTED');
        expect(retryDelayMsOf(generation)).toBe(2_000);
        expect(retryDelayMsOf(embedding)).toBe(500);
        // Without httpOptions.retryOptions the SDK does not retry: one request per call.
        expect(fake.requests).toHaveLength(2);
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'surfaces a 503 mid-stream as an error after the chunks already delivered',
    async () => {
      await withFake({}, async (fake) => {
        const ai = clientFor(fake);
        const pieces = ['Step 1: unplug. ', 'Step 2: wait. ', 'Step 3: replug.'];
        fake.enqueue(
          fakeReply.textStream(pieces, { failure: { afterChunks: 2, mode: 'error-event' } }),
          fakeReply.textStream(pieces, { failure: { afterChunks: 1, mode: 'destroy' } }),
          fakeReply.unavailable(),
        );

        const consume = async (): Promise<{ texts: string[]; error: unknown }> => {
          const texts: string[] = [];
          const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'reboot?' });
          const error = await rejectionOf(
            (async () => {
              for await (const chunk of stream) texts.push(chunk.text ?? '');
            })(),
          );
          return { texts, error };
        };

        const inBand = await consume();
        expect(inBand.texts).toEqual(pieces.slice(0, 2));
        expect(inBand.error).toBeInstanceOf(ApiError);
        expect((inBand.error as ApiError).status).toBe(503);
        expect((inBand.error as ApiError).message).toContain('UNAVAILABLE');

        const cut = await consume();
        expect(cut.texts).toEqual(pieces.slice(0, 1));
        expect(cut.error).toBeInstanceOf(Error);
        expect(cut.error).not.toBeInstanceOf(ApiError); // a transport failure, not an API answer

        // Before any chunk, a 503 is a plain HTTP error raised by generateContentStream itself.
        const upfront = await rejectionOf(ai.models.generateContentStream({ model: MODEL, contents: 'again' }));
        expect((upfront as ApiError).status).toBe(503);

        // A connection cut before any byte is a transport error too.
        fake.enqueue(fakeReply.drop());
        const dropped = await rejectionOf(ai.models.generateContent({ model: MODEL, contents: 'again' }));
        expect(dropped).toBeInstanceOf(Error);
        expect(dropped).not.toBeInstanceOf(ApiError);
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'replays a recorded session with identical answers, including one captured through an upstream',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-gemini-'));
      try {
        const scriptSession = (fake: FakeGemini) =>
          fake.enqueue(
            fakeReply.functionCall('search_kb', { query: 'printer' }, { thoughtSignature: 'c2ln' }),
            fakeReply.textStream(['Use ', 'KB-3.']),
            fakeReply.rateLimited(1),
          );
        const runSession = async (fake: FakeGemini): Promise<unknown[]> => {
          const ai = clientFor(fake);
          const results: unknown[] = [];
          const toolTurn = await ai.models.generateContent({ model: MODEL, contents: 'printer offline' });
          results.push(toolTurn.candidates, toolTurn.usageMetadata);
          for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents: 'and?' })) {
            results.push(chunk.candidates);
          }
          const limited = await rejectionOf(ai.models.generateContent({ model: MODEL, contents: 'more' }));
          results.push((limited as ApiError).status, (limited as ApiError).message);
          const embedded = await ai.models.embedContent({
            model: EMBEDDING_MODEL,
            contents: ['printer'],
            config: { outputDimensionality: 8 },
          });
          results.push(embedded.embeddings);
          return results;
        };

        const scriptedFile = path.join(dir, 'scripted.jsonl');
        const scripted = await withFake({}, async (fake) => {
          fake.recordTo(scriptedFile);
          scriptSession(fake);
          return runSession(fake);
        });
        const replayed = await withFake({ replayFrom: scriptedFile }, runSession);
        expect(replayed).toEqual(scripted);
        expect(fs.readFileSync(scriptedFile, 'utf8').trim().split('\n')).toHaveLength(4);

        // Capturing a real session: a recorder relays to an upstream (here another fake standing in for Google).
        const capturedFile = path.join(dir, 'captured.jsonl');
        const captured = await withFake({}, async (upstream) => {
          scriptSession(upstream);
          const result = await withFake({ upstream: upstream.baseUrl, recordTo: capturedFile }, runSession);
          expect(upstream.requests[0]?.headers['x-goog-api-key']).toBe('test-key');
          return result;
        });
        expect(await withFake({ replayFrom: capturedFile }, runSession)).toEqual(captured);
        expect(fs.readFileSync(capturedFile, 'utf8')).not.toContain('test-key');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rejects bad keys like Google does, and a replay that drifts from the recording',
    async () => {
      await withFake({ expectedApiKey: 'right-key' }, async (fake) => {
        const error = await rejectionOf(clientFor(fake).models.generateContent({ model: MODEL, contents: 'hi' }));
        expect((error as ApiError).status).toBe(400);
        expect((error as ApiError).message).toContain('API_KEY_INVALID');
      });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-gemini-'));
      try {
        const file = path.join(dir, 'one.jsonl');
        await withFake({ recordTo: file }, (fake) =>
          clientFor(fake).models.generateContent({ model: MODEL, contents: 'x' }),
        );
        await withFake({ replayFrom: file }, async (fake) => {
          const drift = await rejectionOf(
            clientFor(fake).models.embedContent({ model: EMBEDDING_MODEL, contents: ['x'] }),
          );
          expect((drift as ApiError).message).toContain('replay mismatch');
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'close() cuts a pending slow answer instead of waiting for it',
    async () => {
      const fake = await startFakeGemini();
      fake.enqueue({ kind: 'text', text: 'too late', delayMs: 60_000 });
      const pending = rejectionOf(clientFor(fake).models.generateContent({ model: MODEL, contents: 'hi' }));
      while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

      const started = Date.now();
      await fake.close();

      expect(await pending).toBeInstanceOf(Error);
      expect(Date.now() - started).toBeLessThan(2_000);
    },
    TEST_TIMEOUT_MS,
  );
});
