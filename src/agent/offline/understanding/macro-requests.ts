import { formatTicketNumber } from '../../../tickets/index.js';
import type { TicketRef } from './ticket-references.js';

/** A request about canned replies (macros): which macro tool, with its arguments, or a question back. */
export type MacroRequest =
  | { tool: 'list_macros' | 'save_macro' | 'remove_macro' | 'reply_with_macro'; args: Record<string, unknown> }
  | { tool: 'clarify'; question: string };

const MACRO_WORD = /\b(?:macros?|canned (?:replies|reply|responses?|messages?)|reply templates?|saved replies)\b/i;
/** A macro's name: lower-case words joined by hyphens ("mailbox-full", "password-reset-done"). */
const NAME = `["'“]?([a-z0-9]+(?:[-_][a-z0-9]+)+|[a-z0-9]{3,})["'”]?`;
const NAME_BEFORE = new RegExp(
  String.raw`${NAME}\s+(?:macro|canned (?:reply|response|message)|template|saved reply)\b`,
  'i',
);
const NAME_AFTER = new RegExp(
  String.raw`\b(?:macro|canned (?:reply|response|message)|template|saved reply)\s+(?:called\s+|named\s+)?${NAME}`,
  'i',
);
const SAVE = /\b(?:save|add|create|make|new|set up|store|write)\b/i;
const REMOVE = /\b(?:delete|remove|get rid of|drop|bin|scrap|kill)\b/i;
/** "send password-reset-done on 1204": a hyphenated name sent to a ticket is a macro even unnamed as one. */
const SEND_NAMED = new RegExp(String.raw`\b(?:send|use|apply|fire)\s+(?:the\s+)?${NAME}\s+(?:on|to|for)\b`, 'i');
/** "reply to 2124 with pw-reset-done", "answer #1777 using toner-ordered": a reply that is only a macro's name. */
const REPLY_WITH_NAMED =
  /\b(?:reply|respond|answer)\b.*?\b(?:with|using)\s+(?:the\s+)?["'“]?([a-z0-9]+(?:[-_][a-z0-9]+)+)["'”]?(?:\s+(?:macro|on|to|for)\b|\s*[.!]*\s*$)/i;

const OFFICE_MACROS =
  /\b(?:excel|word|powerpoint|access|vba|office|spreadsheet|workbook|xlsm|docm|enable|enabled|disabled?|blocked|record|run(?:ning)?|trust(?:ed)?|security|stopped|broken|error|fails?|failing|working)\b/i;

const MACRO_ACTION =
  /\b(?:list|show|what|which|any|all|got|have we|save|add|create|new|make|delete|remove|get rid of|drop|bin|called|named)\b/i;

const NOT_A_NAME =
  /^(?:the|a|an|this|that|called|named|macro|macros|reply|with|using|to|on|for|of|what|which|new|say|says|said|do|does|is|are|read|reads|look|looks|text|body)$/i;

/** The macro's name: a hyphenated one wherever it stands, else the word after "macro", else before. */
function macroName(text: string): string | undefined {
  const names = [NAME_AFTER, NAME_BEFORE]
    .map((pattern) => pattern.exec(text)?.[1])
    .filter((name): name is string => name !== undefined && !NOT_A_NAME.test(name));
  return (names.find((name) => /[-_]/.test(name)) ?? names[0])?.toLowerCase();
}

/** Reads a message about macros; undefined when it is not about them. */
/** "fire the loaner-ready macro at 640": the ticket after a sending verb, where "at 640" is no time. */
const SENT_AT =
  /\b(?:send|use|apply|fire)\b.*?\b(?:at|on|to|for)\s+(?:ticket\s*)?(?:#|it-?)?\s?(\d{1,7})\s*[.!?]*\s*$/i;
const SEND_VERB = /^\s*(?:(?:please|pls|can you|could you)\s+)?(?:send|use|apply|fire)\b/i;

export function readMacroRequest(text: string, found: TicketRef[]): MacroRequest | undefined {
  const at = found.length ? undefined : SENT_AT.exec(text);
  const refs: TicketRef[] = at?.[1]
    ? [{ ticket: formatTicketNumber(Number(at[1])), start: at.index, end: at.index + at[0].length, bare: true }]
    : found;
  const named = refs.length ? (SEND_NAMED.exec(text)?.[1] ?? REPLY_WITH_NAMED.exec(text)?.[1]) : undefined;
  const sent = named && !NOT_A_NAME.test(named) ? named : undefined;
  if (!MACRO_WORD.test(text) && !sent?.includes('-')) return undefined;
  // Office macros ("excel macros are disabled") are an IT question, not our canned replies (a body after a colon aside).
  if (OFFICE_MACROS.test(text.split(':')[0] ?? text)) return undefined;
  // "send the canned reply": which one, and on which ticket, is not said.
  if (!refs.length && SEND_VERB.test(text) && !macroName(text))
    return { tool: 'clarify', question: 'Which macro, on which ticket? For example: send mailbox-full on IT-000042' };
  // Without a ticket or a macro's name, only a request about the list: "my macro stopped working" is not one.
  if (!refs.length && !/[-_]/.test(macroName(text) ?? '') && !MACRO_ACTION.test(text)) return undefined;
  const name = macroName(text) ?? sent?.toLowerCase();
  const ref = refs[0];
  if (ref) {
    if (!name) return { tool: 'clarify', question: `Which macro should I send on ${ref.ticket}?` };
    return { tool: 'reply_with_macro', args: { ticket: ref.ticket, macro: name } };
  }
  const colon = text.indexOf(':');
  if (colon >= 0 && SAVE.test(text.slice(0, colon))) {
    const body = text.slice(colon + 1).trim();
    const before = macroName(text.slice(0, colon));
    if (!before || !body)
      return { tool: 'clarify', question: 'What should the macro be called, and what should it say?' };
    return { tool: 'save_macro', args: { name: before, body } };
  }
  if (REMOVE.test(text)) {
    if (!name) return { tool: 'clarify', question: 'Which macro should I remove?' };
    return { tool: 'remove_macro', args: { name } };
  }
  return { tool: 'list_macros', args: name ? { name } : {} };
}
