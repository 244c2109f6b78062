/**
 * Pulls the searchable facts out of pasted log text: error codes, HRESULTs, event ids, exception
 * names and the hosts that failed. Those, not the timestamps and noise around them, are what a
 * knowledge base and past tickets can be searched with.
 */

export type SignatureKind = 'hresult' | 'event_id' | 'error_code' | 'aad_error' | 'exception' | 'http_status' | 'host';

export interface LogSignature {
  kind: SignatureKind;
  /** Normalised: 0x800CCC0E, event 4625, error 809, AADSTS50126, System.Net.WebException, vpn.example.com. */
  value: string;
  count: number;
}

export interface LogAnalysis {
  signatures: LogSignature[];
  /** Lines that report a failure, trimmed: what a person would read first. */
  errorLines: string[];
  /** Signatures and the words of the error lines, for the knowledge base and ticket search. */
  query: string;
}

interface Pattern {
  kind: SignatureKind;
  regex: RegExp;
  normalise: (match: RegExpExecArray) => string | undefined;
}

const FAILURE_WORDS =
  /\b(?:error|err|fail(?:ed|ure|s)?|fatal|critical|exception|unreachable|timed?\s?out|refused|denied|could ?not|cannot|can't|unable|invalid|rejected|disconnected|traceback)\b/i;

/** Endings that make a dotted word a file or a class, not a host. */
const NOT_A_HOST =
  /\.(?:dll|exe|sys|log|txt|json|xml|ini|cfg|conf|js|ts|py|java|cs|cpp|h|msi|ps1|bat|cmd|png|jpg|html?)$/i;
const TOP_LEVEL =
  /\.(?:com|net|org|local|lan|corp|internal|intra|io|cloud|de|uk|fr|nl|eu|us|ca|au|ch|se|no|dk|fi|be|at|it|es|pl|int|edu|gov|microsoft|windows)$/i;

const PATTERNS: Pattern[] = [
  {
    kind: 'hresult',
    // HRESULTs and NTSTATUS codes: eight hex digits with the failure or severity bits set.
    regex: /\b0x([89a-fA-F][0-9a-fA-F]{7})\b/g,
    normalise: (m) => `0x${(m[1] as string).toUpperCase()}`,
  },
  {
    kind: 'event_id',
    regex: /\bEvent\s*ID\s*[:=#]?\s*(\d{1,5})\b|\bEventID\s*[:=]?\s*(\d{1,5})\b|\bEvent\s+(\d{3,5})\b/gi,
    normalise: (m) => `event ${m[1] ?? m[2] ?? m[3]}`,
  },
  {
    kind: 'aad_error',
    regex: /\b(AADSTS\d{5,6})\b/g,
    normalise: (m) => m[1],
  },
  {
    kind: 'error_code',
    regex: /\b(?:error|err|error\s+code|code)\s*[:#=]?\s*(\d{3,5})\b/gi,
    normalise: (m) => `error ${m[1]}`,
  },
  {
    kind: 'error_code',
    // Windows' own phrasing: "The error code returned on failure is 809."
    regex: /\berror code\b[\w ]{0,30}?\b(?:is|was|of)\s+(\d{3,5})\b/gi,
    normalise: (m) => `error ${m[1]}`,
  },
  {
    kind: 'exception',
    // Dotted .NET / Java names (System.Net.WebException) and bare ones a colon follows (ValueError:).
    regex: /\b((?:[A-Za-z_]\w*\.)+[A-Z]\w*(?:Exception|Error|Fault))\b|(?:^|\s)([A-Z]\w*(?:Exception|Error)):/gm,
    normalise: (m) => (m[1] ?? m[2])?.trim(),
  },
  {
    kind: 'http_status',
    regex:
      /\bHTTP(?:\/\d(?:\.\d)?)?\s*(?:status\s*)?[: ]\s*([45]\d\d)\b|\b(?:status(?:\s*code)?|returned)\s*[:=]?\s*([45]\d\d)\b/gi,
    normalise: (m) => `HTTP ${m[1] ?? m[2]}`,
  },
];

const HOST =
  /\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b|\b((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})\b/gi;

function hostsIn(line: string): string[] {
  const hosts: string[] = [];
  for (const match of line.matchAll(HOST)) {
    const name = match[1];
    if (name && !NOT_A_HOST.test(name) && TOP_LEVEL.test(name) && !/[A-Z]/.test(name)) hosts.push(name.toLowerCase());
    if (match[2]) hosts.push(match[2]);
  }
  return hosts;
}

/** Timestamps, levels, GUIDs and long numbers: present in every line, so they say nothing. */
function withoutNoise(line: string): string {
  return line
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, ' ')
    .replace(/\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?/gi, ' ')
    .replace(/\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, ' ')
    .replace(/\{?\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b\}?/gi, '')
    .replace(/^\s*(?:\[[^\]]*\]\s*)+/, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Codes no sentence of a question carries by accident. */
const STRONG_SIGNAL = /\b0x[89a-fA-F][0-9a-fA-F]{7}\b|\bEvent\s*ID\b|\bAADSTS\d{5,6}\b|\b[A-Z]\w*(?:Exception|Error)\b/;
const STACK_FRAME = /^\s*(?:at\s+[\w$.<>]+[.(]|File ".*", line \d+|\.\.\. \d+ more)/;
const TIMESTAMPED = /^\s*\[?(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{2}:\d{2}:\d{2})/;
const LEVEL = /\b(?:ERROR|WARN(?:ING)?|INFO|DEBUG|TRACE|FATAL|CRITICAL|Information|Warning|Error)\b/;

/**
 * Whether a message is pasted log output rather than a question: several lines that carry
 * timestamps, log levels or stack frames, or several lines around an unmistakable code (an
 * HRESULT, an event id, an exception). One line with a code in it is a question about it.
 */
export function looksLikeLog(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((line) => line.trim());
  if (lines.length < 2) return false;
  const logLike = lines.filter((line) => STACK_FRAME.test(line) || TIMESTAMPED.test(line) || LEVEL.test(line)).length;
  if (lines.length >= 3 && logLike >= Math.max(2, lines.length * 0.4)) return true;
  if (/^Traceback \(most recent call last\):/m.test(text)) return true;
  return STRONG_SIGNAL.test(text);
}

const MAX_SIGNATURES = 12;
const MAX_ERROR_LINES = 5;

export function analyzeLog(text: string): LogAnalysis {
  const counts = new Map<string, LogSignature>();
  const add = (kind: SignatureKind, value: string | undefined) => {
    if (!value) return;
    const key = `${kind}:${value}`;
    const existing = counts.get(key);
    if (existing) existing.count += 1;
    else counts.set(key, { kind, value, count: 1 });
  };
  const errorLines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    for (const pattern of PATTERNS) {
      for (const match of line.matchAll(pattern.regex)) add(pattern.kind, pattern.normalise(match));
    }
    const failing = FAILURE_WORDS.test(line) && !STACK_FRAME.test(line);
    if (failing) {
      for (const host of hostsIn(line)) add('host', host);
      const clean = withoutNoise(line).slice(0, 200);
      if (clean && !errorLines.includes(clean) && errorLines.length < MAX_ERROR_LINES) errorLines.push(clean);
    }
  }
  // An error code that is also the number of an event id said on the same line is the event id.
  const signatures = [...counts.values()]
    .filter(
      (signature) => !(signature.kind === 'error_code' && counts.has(`event_id:event ${signature.value.slice(6)}`)),
    )
    .sort((a, b) => b.count - a.count)
    .slice(0, MAX_SIGNATURES);
  const signatureWords = signatures
    .filter((signature) => signature.kind !== 'host')
    .map((signature) => signature.value);
  const query = [...signatureWords, ...errorLines.slice(0, 2)].join(' ').slice(0, 500);
  return { signatures, errorLines, query };
}
