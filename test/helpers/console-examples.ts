/**
 * The `console` blocks of a Markdown file as runnable examples: each `$ ` line is a command, the
 * lines up to the next command are what it printed. A comment before a block says how to run it:
 * `<!-- example: fresh|seeded|continue[, stdout][, skip] -->` (default: seeded; output is stdout
 * and stderr together unless `stdout` is given).
 */
export interface ConsoleStep {
  command: string;
  expected: string[];
}

export interface ConsoleExample {
  /** Line in the file where the block starts (1-based), for messages. */
  line: number;
  dataDir: 'fresh' | 'seeded' | 'continue';
  stdoutOnly: boolean;
  skip: boolean;
  steps: ConsoleStep[];
}

export function consoleExamples(markdown: string): ConsoleExample[] {
  const lines = markdown.split('\n');
  const examples: ConsoleExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```console') continue;
    const directive = /<!--\s*example:\s*([^>]*?)\s*-->/.exec(lines[i - 1] ?? '')?.[1] ?? '';
    const words = directive.split(/[\s,]+/).filter(Boolean);
    const example: ConsoleExample = {
      line: i + 1,
      dataDir: words.includes('fresh') ? 'fresh' : words.includes('continue') ? 'continue' : 'seeded',
      stdoutOnly: words.includes('stdout'),
      skip: words.includes('skip'),
      steps: [],
    };
    for (i += 1; i < lines.length && lines[i]?.trim() !== '```'; i++) {
      const line = lines[i] ?? '';
      if (line.startsWith('$ ')) example.steps.push({ command: line.slice(2), expected: [] });
      else example.steps.at(-1)?.expected.push(line);
    }
    // A blank line between two commands separates them; it is not output.
    for (const step of example.steps) while (step.expected.at(-1) === '') step.expected.pop();
    examples.push(example);
  }
  return examples;
}

/**
 * Whether printed lines match the shown ones. A shown line that is only `…` stands for any number
 * of lines; one ending in ` …` or `…` matches a line that starts with what comes before it.
 */
export function linesMatch(shown: string[], printed: string[]): boolean {
  const memo = new Map<string, boolean>();
  const match = (s: number, p: number): boolean => {
    const key = `${s}:${p}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (s === shown.length) result = p === printed.length;
    else {
      const want = shown[s] as string;
      if (want.trim() === '…') result = match(s + 1, p) || (p < printed.length && match(s, p + 1));
      else if (p === printed.length) result = false;
      else {
        const got = printed[p] as string;
        const same = want.endsWith('…') ? got.startsWith(want.slice(0, -1).trimEnd()) : got === want;
        result = same && match(s + 1, p + 1);
      }
    }
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}
