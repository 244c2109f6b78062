import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A keyv store of one file per key in a directory: what a short-lived process (`itbot ask`) uses
 * when there is no Redis, so its cache outlives it. keyv keeps the expiry inside the value and
 * deletes stale entries when it reads them; the store also drops its oldest files past a bound.
 */
export class FileStore {
  readonly opts = {};

  constructor(
    private readonly directory: string,
    private readonly maxEntries = 2_000,
  ) {}

  private file(key: string): string {
    return path.join(this.directory, `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.file(key), 'utf8');
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<boolean> {
    await fs.mkdir(this.directory, { recursive: true });
    const target = this.file(key);
    // Written aside and renamed: a reader never sees half an entry, even with two writers.
    const temporary = `${target}.${process.pid}.tmp`;
    await fs.writeFile(temporary, value);
    await fs.rename(temporary, target);
    await this.prune();
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return fs.rm(this.file(key)).then(
      () => true,
      () => false,
    );
  }

  async clear(): Promise<void> {
    await fs.rm(this.directory, { recursive: true, force: true });
  }

  private async prune(): Promise<void> {
    const names = (await fs.readdir(this.directory)).filter((name) => name.endsWith('.json'));
    if (names.length <= this.maxEntries) return;
    const aged = await Promise.all(
      names.map(async (name) => ({ name, mtime: (await fs.stat(path.join(this.directory, name))).mtimeMs })),
    );
    aged.sort((a, b) => a.mtime - b.mtime);
    await Promise.all(
      aged
        .slice(0, names.length - this.maxEntries)
        .map(({ name }) => fs.rm(path.join(this.directory, name), { force: true })),
    );
  }
}
