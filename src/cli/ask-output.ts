import { stripVTControlCharacters } from 'node:util';
import type { AgentEvent, ToolCallRecord, TurnResult } from '../agent/index.js';
import { waitPhrase } from '../agent/retry-notice.js';
import { errorMessage, type ItbotError } from '../errors.js';
import { describeWrites } from './write-consent.js';

export const OUTPUT_FORMATS = ['text', 'json', 'stream-json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What `ask` adds to a turn's result in JSON: exit code, full timings, whether it came from the cache. */
export interface AskSummary {
  result: TurnResult;
  exitCode: number;
  cached: boolean;
  timings: Record<string, number>;
  /** Every change the turn attempted (done, refused or failed), listed so none goes unseen. */
  writes?: ToolCallRecord[];
}

/** How one `itbot ask` reports itself: as it goes (events), when done, or when it fails. */
export interface AskOutput {
  start(info: { provider: string; model: string; question: string }): void;
  event(event: AgentEvent): void;
  finish(summary: AskSummary): void;
  fail(error: ItbotError | Error, exitCode: number): void;
}

interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

function retryLine({ notice }: Extract<AgentEvent, { type: 'retry' }>): string {
  return `${waitPhrase(notice, Math.max(1, Math.round(notice.delayMs / 1000)))} (${notice.reason})`;
}

/** Scripts and pipes get plain text: colour codes from a model or an article are dropped there. */
function forTerminal(stream: Streams['stdout'], text: string): string {
  return stream.isTTY ? text : stripVTControlCharacters(text);
}

function jsonSummary({ result, exitCode, cached, timings, writes }: AskSummary) {
  const { messages: _conversation, ...rest } = result;
  return { ...rest, timings, exitCode, cached, writes: writes ?? [] };
}

/**
 * Text: the answer as it streams (or whole, from a provider that does not stream), then its
 * sources. Progress and retries go to stderr so stdout is only the answer.
 */
function textOutput({ stdout, stderr }: Streams): AskOutput {
  /** Text of the current model step that has been printed as it streamed. */
  let streamed = '';
  /** Whether the last complete step streamed: then the answer is on screen already. */
  let lastStepStreamed = false;
  return {
    start() {},
    event(event) {
      if (event.type === 'text_delta') {
        stdout.write(forTerminal(stdout, event.text));
        streamed += event.text;
      } else if (event.type === 'model_text') {
        lastStepStreamed = streamed !== '';
        // Keep whatever the next step prints on its own line.
        if (streamed && !streamed.endsWith('\n')) stdout.write('\n');
        streamed = '';
      } else if (event.type === 'text_restart') {
        // Printed text cannot be taken back: say that what follows replaces it.
        stdout.write(forTerminal(stdout, '\n\n(The connection dropped and the answer starts again.)\n\n'));
        streamed = '';
      } else if (event.type === 'retry') {
        stderr.write(`itbot: ${retryLine(event)}\n`);
      } else if (event.type === 'tool_result' && event.record.notice) {
        stderr.write(`itbot: ${event.call.name}: ${event.record.notice}\n`);
      }
    },
    finish({ result, writes }) {
      for (const line of describeWrites(writes ?? [])) stderr.write(`${forTerminal(stderr, line)}\n`);
      const unmentioned = result.citations.filter((citation) => !result.answer.includes(citation.path));
      const sources = unmentioned.map((citation) => `- ${citation.title} — ${citation.path}`);
      let text = lastStepStreamed ? '' : `${result.answer}\n`;
      if (sources.length) text += `\nSources:\n${sources.join('\n')}\n`;
      stdout.write(forTerminal(stdout, text));
    },
    fail() {
      if (streamed && !streamed.endsWith('\n')) stdout.write('\n');
    },
  };
}

function jsonOutput({ stdout }: Streams): AskOutput {
  return {
    start() {},
    event() {},
    finish(summary) {
      stdout.write(`${JSON.stringify(jsonSummary(summary))}\n`);
    },
    fail(error, exitCode) {
      const hint = (error as ItbotError).hint;
      stdout.write(
        `${JSON.stringify({ exitCode, error: { message: errorMessage(error), ...(hint ? { hint } : {}) } })}\n`,
      );
    },
  };
}

/** JSON Lines, one event per line, flushed as they happen: for CI logs and programs that watch progress. */
function streamJsonOutput({ stdout }: Streams): AskOutput {
  const emit = (event: Record<string, unknown>) => stdout.write(`${JSON.stringify(event)}\n`);
  let stepStreamed = false;
  return {
    start(info) {
      emit({ type: 'start', ...info });
    },
    event(event) {
      switch (event.type) {
        case 'text_delta':
          stepStreamed = true;
          emit({ type: 'text_delta', text: event.text });
          break;
        case 'model_text':
          // A provider that does not stream still gives its text as one delta, so readers need one path.
          if (!stepStreamed) emit({ type: 'text_delta', text: event.text });
          stepStreamed = false;
          break;
        case 'text_restart':
          emit({ type: 'text_restart' });
          break;
        case 'status':
          emit({ type: 'status', text: event.text });
          break;
        case 'retry':
          emit({ type: 'retry', ...event.notice, message: retryLine(event) });
          break;
        case 'tool_call':
          emit({
            type: 'tool_call',
            id: event.call.id,
            name: event.call.name,
            arguments: event.call.args,
            changesData: event.changesData,
          });
          break;
        case 'tool_result':
          emit({
            type: 'tool_result',
            id: event.call.id,
            name: event.call.name,
            outcome: event.record.outcome,
            ms: event.record.ms,
            ...(event.record.error ? { error: event.record.error } : {}),
            ...(event.record.notice ? { notice: event.record.notice } : {}),
          });
          break;
      }
    },
    finish(summary) {
      emit({ type: 'result', ...jsonSummary(summary) });
    },
    fail(error, exitCode) {
      const hint = (error as ItbotError).hint;
      emit({ type: 'error', message: errorMessage(error), ...(hint ? { hint } : {}), exitCode });
    },
  };
}

export function createAskOutput(format: OutputFormat, streams: Streams): AskOutput {
  if (format === 'json') return jsonOutput(streams);
  if (format === 'stream-json') return streamJsonOutput(streams);
  return textOutput(streams);
}
