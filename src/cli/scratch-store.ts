import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openReadyStore } from '../bootstrap.js';
import { type ItbotConfig, resolveConfig } from '../config/index.js';
import type { Store } from '../store/index.js';

/**
 * Runs `work` on a throwaway embedded store in a temporary directory, removed afterwards: the
 * evaluations load sample data and must never touch the user's own store or database.
 */
export async function withScratchStore<T>(
  purpose: string,
  work: (store: Store, config: ItbotConfig) => Promise<T>,
): Promise<T> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'itbot-eval-'));
  try {
    const config = { ...resolveConfig(), databaseUrl: undefined, dataDir: scratch };
    const store = await openReadyStore(config, { purpose, log: () => {} });
    try {
      return await work(store, config);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
