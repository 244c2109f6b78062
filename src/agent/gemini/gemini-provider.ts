import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type Content, type GoogleGenAI, type Part } from '@google/genai';
import { ConfigError, errorMessage, ItbotError, ModelUnavailableError } from '../../errors.js';
import { estimateTokens, type RateLimiter, type RetryOptions, withRetry } from '../../gemini/index.js';
import type { GenerateRequest, ModelProvider, ModelStep, ToolCall, ToolDeclaration } from '../types.js';
import { LOCAL_CALL_ID_PREFIX, mergeParts, toContents } from './contents.js';
import { type GeminiToolSet, toGeminiTools } from './function-declarations.js';
import { SYSTEM_PROMPT } from './system-prompt.js';

export interface GeminiProviderOptions {
  client: GoogleGenAI;
  model: string;
  /** Requests per minute, shared between processes when it is a Redis limiter. */
  limiter: RateLimiter;
  retry?: Pick<RetryOptions, 'retries' | 'minTimeoutMs' | 'maxTimeoutMs'>;
  systemPrompt?: string;
}

/** One streamed model turn, put back together. */
interface StreamedTurn {
  parts: Part[];
  finishReason: string | undefined;
  finishMessage: string | undefined;
  usage: { inputTokens: number; outputTokens: number };
}

const MALFORMED_CALL = 'MALFORMED_FUNCTION_CALL';

function visibleText(parts: Part[]): string {
  return parts
    .filter((part) => typeof part.text === 'string' && !part.thought)
    .map((part) => part.text)
    .join('');
}

/** Turns SDK failures into errors that say what to do, with itbot's exit codes. */
function explain(error: unknown, model: string): ItbotError {
  if (error instanceof ItbotError) return error;
  if (!(error instanceof ApiError)) {
    return new ModelUnavailableError(
      `Could not reach Gemini: ${errorMessage(error)}.`,
      'Check the network, or answer offline with --provider offline.',
    );
  }
  if (error.status === 401 || error.status === 403) {
    return new ConfigError('Gemini refused the API key.', 'Check GEMINI_API_KEY (https://aistudio.google.com/apikey).');
  }
  if (error.status === 404) {
    return new ConfigError(
      `Gemini has no model called "${model}".`,
      'Set ITBOT_MODEL to an available model, e.g. gemini-2.5-flash.',
    );
  }
  if (error.status === 429) {
    return new ModelUnavailableError(
      'Gemini is still rate limiting after several retries.',
      'Wait a minute, or lower ITBOT_GEMINI_RPM.',
    );
  }
  if (error.status >= 500) {
    return new ModelUnavailableError(
      `Gemini is unavailable (HTTP ${error.status}) after several retries.`,
      'Try again shortly, or use --provider offline.',
    );
  }
  return new ModelUnavailableError(`Gemini rejected the request (HTTP ${error.status}): ${error.message}`);
}

/**
 * Passes on the part of `text` not shown yet. A stream retried after a failure starts from the
 * beginning again: while it repeats what was shown, nothing is passed on. A model does not always
 * say the same thing twice, though; when the new text parts ways with the shown one, the listener
 * is told the text starts over (so it can clear it or say so) rather than getting a garbled mix.
 */
function passOnNewText(text: string, emitted: { text: string }, request: GenerateRequest): void {
  const shown = emitted.text;
  const agrees = text.length <= shown.length ? shown.startsWith(text) : text.startsWith(shown);
  if (!agrees) {
    request.onTextRestart?.();
    emitted.text = '';
  }
  if (text.length > emitted.text.length) {
    request.onTextDelta?.(text.slice(emitted.text.length));
    emitted.text = text;
  }
}

/**
 * Gemini behind the ModelProvider interface: the conversation and MCP tools go out as contents
 * and function declarations, the answer streams back. itbot runs the tools itself (the SDK's
 * automatic function calling is off) so consent, timeouts and MCP stay in the agent loop.
 */
export function createGeminiProvider(options: GeminiProviderOptions): ModelProvider {
  const { client, model, limiter } = options;
  // Ids for calls Gemini sent without one: unique across the provider's life, so the calls of
  // different steps (and turns) stay apart in stream-json.
  let localCallIds = 0;
  const toolSets = new WeakMap<ToolDeclaration[], GeminiToolSet>();
  const toolSetFor = (tools: ToolDeclaration[]) => {
    let set = toolSets.get(tools);
    if (!set) {
      set = toGeminiTools(tools);
      toolSets.set(tools, set);
    }
    return set;
  };

  /**
   * Waits for the shared budget (a request and the tokens it sends), saying so: a wait the user is
   * not told about looks like a hang. Ctrl+C ends the wait.
   */
  async function takeRequestToken(request: GenerateRequest, tokens: number): Promise<void> {
    for (;;) {
      const waitMs = await limiter.tryAcquire(tokens);
      if (waitMs === 0) return;
      request.onRetry?.({ attempt: 0, delayMs: waitMs, reason: 'request budget, ITBOT_GEMINI_RPM/TPM' });
      await sleep(waitMs, undefined, { signal: request.signal });
    }
  }

  /**
   * Streams one response. `emitted` is the text already shown: after a mid-stream failure the
   * retried stream repeats it, and only what goes beyond it is passed on.
   */
  async function streamOnce(
    contents: Content[],
    tools: GeminiToolSet,
    request: GenerateRequest,
    emitted: { text: string },
  ): Promise<StreamedTurn> {
    await takeRequestToken(request, estimateTokens(JSON.stringify(contents)));
    const stream = await client.models.generateContentStream({
      model,
      contents,
      config: {
        systemInstruction: options.systemPrompt ?? SYSTEM_PROMPT,
        ...(tools.declarations.length ? { tools: [{ functionDeclarations: tools.declarations }] } : {}),
        automaticFunctionCalling: { disable: true },
        ...(request.signal ? { abortSignal: request.signal } : {}),
      },
    });
    const parts: Part[] = [];
    let text = '';
    let finishReason: string | undefined;
    let finishMessage: string | undefined;
    const usage = { inputTokens: 0, outputTokens: 0 };
    for await (const chunk of stream) {
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        parts.push(part);
        if (typeof part.text === 'string' && !part.thought) text += part.text;
      }
      passOnNewText(text, emitted, request);
      finishReason = candidate?.finishReason ?? finishReason;
      finishMessage = candidate?.finishMessage ?? finishMessage;
      if (chunk.usageMetadata) {
        usage.inputTokens = chunk.usageMetadata.promptTokenCount ?? usage.inputTokens;
        usage.outputTokens =
          (chunk.usageMetadata.candidatesTokenCount ?? 0) + (chunk.usageMetadata.thoughtsTokenCount ?? 0);
      }
    }
    return { parts: mergeParts(parts), finishReason, finishMessage, usage };
  }

  function streamWithRetry(
    contents: Content[],
    tools: GeminiToolSet,
    request: GenerateRequest,
    emitted: { text: string },
  ) {
    return withRetry(() => streamOnce(contents, tools, request, emitted), {
      ...options.retry,
      signal: request.signal,
      onRetry: ({ attempt, waitMs, reason }) => request.onRetry?.({ attempt, delayMs: waitMs, reason }),
    }).catch((error: unknown) => {
      if (request.signal?.aborted) throw error;
      throw explain(error, model);
    });
  }

  return {
    name: 'gemini',
    model,
    close: () => limiter.close(),
    async generate(request): Promise<ModelStep> {
      const tools = toolSetFor(request.tools);
      const contents = toContents(request.messages, tools);
      const emitted = { text: '' };
      let turn = await streamWithRetry(contents, tools, request, emitted);
      if (turn.finishReason === MALFORMED_CALL) {
        // The model wrote arguments that are not valid JSON for the schema. Tell it once and let it
        // try again; the correction is not kept in the conversation.
        const correction: Content = {
          role: 'user',
          parts: [
            {
              text: `Your last function call could not be parsed (${turn.finishMessage ?? 'malformed arguments'}). Call the function again with arguments that are valid JSON matching its declared parameters, or answer in text.`,
            },
          ],
        };
        turn = await streamWithRetry([...contents, correction], tools, request, emitted);
        if (turn.finishReason === MALFORMED_CALL) {
          throw new ModelUnavailableError(
            'Gemini twice produced a tool call that could not be parsed.',
            'Rephrase the request, or use --provider offline.',
          );
        }
      }

      const toolCalls: ToolCall[] = [];
      turn.parts.forEach((part) => {
        const call = part.functionCall;
        if (!call?.name) return;
        toolCalls.push({
          id: call.id ?? `${LOCAL_CALL_ID_PREFIX}${localCallIds++}`,
          // A name Gemini invented is passed on as is: the loop tells the model it does not exist.
          name: tools.mcpName(call.name) ?? call.name,
          args: (call.args ?? {}) as Record<string, unknown>,
        });
      });
      let text = visibleText(turn.parts);
      if (!text && toolCalls.length === 0) {
        text =
          turn.finishReason && turn.finishReason !== 'STOP'
            ? `Gemini returned no answer (finish reason ${turn.finishReason}${turn.finishMessage ? `: ${turn.finishMessage}` : ''}).`
            : 'Gemini returned an empty answer.';
      } else if (turn.finishReason === 'MAX_TOKENS') {
        text += '\n\n(The answer was cut off at the model’s output limit.)';
      }
      return {
        text,
        toolCalls,
        usage: turn.usage,
        providerContent: { role: 'model', parts: turn.parts } satisfies Content,
      };
    },
  };
}
