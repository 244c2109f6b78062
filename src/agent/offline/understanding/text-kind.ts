/**
 * What kind of text a message is before anything reads it as a request: language at all, a pasted
 * log line, pasted records. Binary, random bytes and keyboard mashing never become a write.
 */

/** Text that is not language (binary, random bytes, base64, emoji alone) is never read as a request. */
export function looksLikeLanguage(text: string): boolean {
  if (!text.trim()) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what binary looks like
  const control = (text.match(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\ufffd]/g) ?? []).length;
  if (control / text.length > 0.02) return false;
  const sample = text.slice(0, 2000);
  const words = sample.match(/[A-Za-z]{2,}/g) ?? [];
  if (!/\p{L}/u.test(sample) || (words.length === 0 && !/\d/.test(sample))) return false;
  const letters = words.join('').length;
  if (sample.length > 40 && letters / sample.length < 0.35) return false;
  const tokens = sample.split(/\s+/).filter(Boolean);
  if (tokens.every(mashed)) return false;
  const encoded = tokens.filter(
    (token) =>
      /^[A-Za-z0-9+/]{6,}={0,2}$/.test(token) &&
      token.length >= 8 &&
      /[a-z]/.test(token) &&
      /[A-Z]/.test(token) &&
      /[\d=+/]/.test(token) &&
      !/^0x[0-9a-f]+$/i.test(token),
  );
  if (encoded.length === tokens.length) return false;
  // Random letters: most longer words have no vowels ("kjdshf lkjsdf zzx"); "vpn help" is fine.
  const long = words.filter((word) => word.length >= 4);
  const vowelless = long.filter((word) => !/[aeiouy]/i.test(word) || /[^aeiouy\W\d]{6,}/i.test(word)).length;
  return !(long.length >= 2 && vowelless / long.length >= 0.5);
}

/** One pasted log line: a timestamp first, then a level or a host and process ("Mar  3 08:01:17 fw-01 kernel: …"). */
export const LOG_LINE =
  /^\s*(?:\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?\S*|[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2})\s+(?:\[?(?:ERROR|ERR|WARN(?:ING)?|INFO|DEBUG|FATAL|CRIT(?:ICAL)?|NOTICE)\]?|[\w.-]+\s+[\w./-]+(?:\[\d+\])?:|[A-Z][\w.-]+(?:\[\d+\])?:\s)/;

/** Keys pressed along one row, or one key held down: "asdfgh", "qwertyuiop", "jjjjjjjj". */
function mashed(token: string): boolean {
  const word = token.toLowerCase().replace(/[;'#,./[\]]+$/, '');
  if (word.length < 5) return false;
  return (
    /^(.)\1+$/.test(word) || /^[qwertyuiop]+$/.test(word) || /^[asdfghjkl]+$/.test(word) || /^[zxcvbnm]+$/.test(word)
  );
}

/**
 * What a machine writes and a person does not: hex codes (0x8004010F), SYMBOL_NAMES, coded ids
 * (AADSTS50158, F5155, KB5046617), syslog mnemonics (%LINK-3-UPDOWN), SMTP replies (550 5.7.60),
 * stack frames, "Message no.", "Key: value" fields, HTTP status lines and server banners (nginx/1.24.0).
 */
const MACHINE_MARK =
  /\b0x[0-9a-f]{4,}\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]{3,}\b|\b[A-Z]{1,8}\d{3,}\b|%[A-Z]+-\d-[A-Z]+|\b[245]\d\d[ -]\d\.\d{1,3}\.\d{1,3}\b|^\s*at\s+[\w.$]+\(|\bMessage no\.|^\s*[A-Z][\w ()/-]{1,30}:\s*\S|\b(?:Exception|Traceback|Segmentation fault|Runtime error)\b|^\s*[1-5]\d\d\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\s*$|^\s*[a-z][\w-]*\/\d+(?:\.\d+)+\s*$/;
/** An opening line that asks for ticket work: what follows it is the request's text, not a log to read. */
const TICKET_WORK_OPENING =
  /\b(?:ticket|note|reply|respond|assign|resolve|close|reopen|escalate|it-?\d+|#\d+)\b|^\s*\d{1,6}\s*[:-]/i;

/** Error output pasted as it came, perhaps under a line of the speaker's own: most lines machine-made. */
function looksLikePastedErrors(lines: string[]): boolean {
  if (lines.length < 2 || TICKET_WORK_OPENING.test(lines[0] ?? '')) return false;
  const marked = lines.filter((line) => MACHINE_MARK.test(line)).length;
  // Two lines, one a hex error code: a dialog copied whole ("OneDrive error code 0x8004de40" + its text).
  const copiedDialog = lines.length === 2 && lines.some((line) => /\b0x[0-9a-f]{4,}\b/i.test(line));
  return copiedDialog || (marked >= 2 && marked >= lines.length * 0.5);
}

/** Pasted records that the log reader's line rules miss: "Key: value" event dumps, CSV exports, error output. */
export function looksLikeRecords(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((line) => line.trim());
  if (looksLikePastedErrors(lines)) return true;
  // Two or more lines that each start with a date and time: a log, whatever follows the stamp.
  const stamped = lines.filter((line) => /^\s*\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(line)).length;
  if (lines.length >= 2 && stamped >= lines.length * 0.6) return true;
  if (lines.length < 3) return false;
  const keyValue = lines.filter((line) => /^\s*[+]?\s*[A-Z][\w ()-]{1,30}\s*:\s*\S/.test(line)).length;
  if (keyValue >= 3 && keyValue >= lines.length * 0.4) return true;
  const commas = lines.map((line) => (line.match(/,/g) ?? []).length);
  return (commas[0] ?? 0) >= 3 && commas.filter((count) => count >= 3).length >= lines.length * 0.7;
}
