import type { Content, Part } from '@google/genai';
import type { Message, ToolResult } from '../types.js';
import type { GeminiToolSet } from './function-declarations.js';

/** Ids itbot made up for calls Gemini sent without one; they are not sent back. */
export const LOCAL_CALL_ID_PREFIX = 'itbot-call-';

/**
 * Tool results of earlier turns are sent again with every request of a conversation. Past this
 * size they are cut to their beginning: the model answered from them already, and a day-long chat
 * would otherwise resend every article it ever read.
 */
const EARLIER_RESULT_MAX_CHARS = 2_000;

function shortened(content: ToolResult['content']): ToolResult['content'] {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  if (text.length <= EARLIER_RESULT_MAX_CHARS) return content;
  return `${text.slice(0, EARLIER_RESULT_MAX_CHARS)}… (cut: a result from an earlier turn, ${text.length} characters; call the tool again if it is needed)`;
}

function functionResponse(result: ToolResult, tools: GeminiToolSet, earlierTurn: boolean): Part {
  const content = earlierTurn ? shortened(result.content) : result.content;
  // Gemini reads "output" as the function's result and "error" as its failure.
  const response =
    result.outcome === 'done'
      ? { output: content }
      : { error: result.outcome === 'not_allowed' ? `Not allowed: ${String(content)}` : content };
  return {
    functionResponse: {
      name: tools.geminiName(result.name),
      response,
      ...(result.callId.startsWith(LOCAL_CALL_ID_PREFIX) ? {} : { id: result.callId }),
    },
  };
}

/**
 * The conversation as Gemini contents. A model turn Gemini produced goes back exactly as it came
 * (thought signatures included: the API refuses or degrades function calling without them).
 */
export function toContents(messages: Message[], tools: GeminiToolSet): Content[] {
  const currentTurnStart = messages.findLastIndex((message) => message.role === 'user');
  return messages.map((message, index): Content => {
    switch (message.role) {
      case 'user':
        return { role: 'user', parts: [{ text: message.text }] };
      case 'tool': {
        const earlierTurn = index < currentTurnStart;
        return { role: 'user', parts: message.results.map((result) => functionResponse(result, tools, earlierTurn)) };
      }
      default: {
        if (message.providerContent) return message.providerContent as Content;
        const parts: Part[] = message.text ? [{ text: message.text }] : [];
        for (const call of message.toolCalls) {
          parts.push({ functionCall: { name: tools.geminiName(call.name), args: call.args } });
        }
        return { role: 'model', parts };
      }
    }
  });
}

/**
 * Stream chunks carry a model turn in pieces. Adjacent plain text pieces are joined; anything with
 * a signature, a function call or a thought stays its own part, in order, as the API sent it.
 */
export function mergeParts(parts: Part[]): Part[] {
  const merged: Part[] = [];
  const plainText = (part: Part | undefined) =>
    part !== undefined &&
    typeof part.text === 'string' &&
    !part.thought &&
    !part.thoughtSignature &&
    Object.keys(part).length === 1;
  for (const part of parts) {
    const last = merged.at(-1);
    if (plainText(part) && plainText(last)) merged[merged.length - 1] = { text: `${last?.text}${part.text}` };
    else merged.push({ ...part });
  }
  return merged;
}
