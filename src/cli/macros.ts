import { UsageError } from '../errors.js';
import type { Macro, Ticket } from '../tickets/index.js';
import { withItbotServer } from './server-calls.js';
import { formatTable } from './table.js';
import { requireTicket } from './tickets-lookup.js';

/** `itbot macros list|show|add|remove` and `itbot tickets reply N --macro NAME`: canned replies. */

function print(json: boolean | undefined, value: unknown, text: string): number {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  return 0;
}

const firstLine = (body: string) => body.split('\n')[0]?.slice(0, 70) ?? '';

export function listMacrosCommand(options: { json?: boolean }): Promise<number> {
  return withItbotServer(async (server) => {
    const { macros } = await server.call<{ macros: Macro[] }>('list_macros', {});
    return print(
      options.json,
      { macros },
      macros.length
        ? formatTable(
            ['MACRO', 'PLACEHOLDERS', 'TEXT'],
            macros.map((m) => [m.name, m.placeholders.join(', ') || '-', firstLine(m.body)]),
          )
        : 'No macros yet: add one with `itbot macros add NAME "TEXT"`.',
    );
  });
}

export function showMacroCommand(name: string, options: { json?: boolean }): Promise<number> {
  return withItbotServer(async (server) => {
    const { macros } = await server.call<{ macros: Macro[] }>('list_macros', { name });
    const macro = macros[0] as Macro;
    return print(
      options.json,
      { macro },
      `${macro.name} (by ${macro.createdBy}, ${macro.updatedAt.slice(0, 16).replace('T', ' ')})\n\n${macro.body}`,
    );
  });
}

export function addMacroCommand(name: string, text: string, options: { replace?: boolean; json?: boolean }) {
  if (!text.trim())
    throw new UsageError(
      'The macro text is empty.',
      'For example: itbot macros add thanks "Thanks {requester.first_name}!"',
    );
  return withItbotServer(async (server) => {
    const result = await server.call<{ macro: Macro; replaced: boolean }>('save_macro', {
      name,
      body: text,
      replace: options.replace ?? false,
    });
    return print(
      options.json,
      result,
      `${result.replaced ? 'Replaced' : 'Saved'} macro ${result.macro.name}${result.macro.placeholders.length ? ` (fills in ${result.macro.placeholders.map((p) => `{${p}}`).join(', ')})` : ''}.`,
    );
  });
}

export function removeMacroCommand(name: string, options: { json?: boolean }): Promise<number> {
  return withItbotServer(async (server) => {
    const result = await server.call<{ removed: string }>('remove_macro', { name });
    return print(options.json, result, `Removed macro ${result.removed}.`);
  });
}

export function replyWithMacroCommand(
  reference: string,
  macro: string,
  options: { article?: string; json?: boolean },
): Promise<number> {
  return withItbotServer(async (server) => {
    const { ticket: current } = await requireTicket(server, reference);
    const result = await server.call<{ ticket: Ticket; text: string; follow_up: Ticket | null }>('reply_with_macro', {
      ticket: current.number,
      macro,
      article: options.article,
    });
    return print(
      options.json,
      result,
      `Replied to ${current.requester} on ${current.number} with ${macro}:\n${result.text
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n')}`,
    );
  });
}
