import fs from 'node:fs';
import path from 'node:path';

/** How many past inputs are kept across sessions. */
const KEEP = 500;

/**
 * Past inputs, newest last, kept in the data dir as JSON Lines (one JSON string per line, so
 * multi-line entries survive). A missing or damaged file just means no history.
 */
export class InputHistory {
  private constructor(
    private readonly file: string,
    readonly entries: string[],
  ) {}

  static load(dataDir: string): InputHistory {
    const file = path.join(dataDir, 'chat-history.jsonl');
    const entries: string[] = [];
    try {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const value: unknown = JSON.parse(line);
          if (typeof value === 'string') entries.push(value);
        } catch {
          // A torn last line from a crash: skip it.
        }
      }
    } catch {
      // First run: no history yet.
    }
    return new InputHistory(file, entries.slice(-KEEP));
  }

  /** Adds an input (not repeating the last one) and appends it to the file. */
  add(entry: string): void {
    if (!entry.trim() || this.entries.at(-1) === entry) return;
    this.entries.push(entry);
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      if (this.entries.length > KEEP * 2) {
        this.entries.splice(0, this.entries.length - KEEP);
        fs.writeFileSync(this.file, this.entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      } else {
        fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
      }
    } catch {
      // History is a convenience: a read-only data dir must not break the chat.
    }
  }
}

/** Walks the history with up/down, keeping what was being typed before the walk started. */
export class HistoryCursor {
  private index: number;
  private draft = '';

  constructor(private readonly history: InputHistory) {
    this.index = history.entries.length;
  }

  reset(): void {
    this.index = this.history.entries.length;
  }

  /** The entry to show after pressing up (-1) or down (1), or undefined when there is none. */
  step(direction: -1 | 1, current: string): string | undefined {
    const entries = this.history.entries;
    if (this.index === entries.length) this.draft = current;
    const next = this.index + direction;
    if (next < 0 || next > entries.length) return undefined;
    this.index = next;
    return next === entries.length ? this.draft : entries[next];
  }
}
