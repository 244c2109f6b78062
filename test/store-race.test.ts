import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../src/store/index.js';
import { makeSeededDataDir, makeTempDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';

// PGlite lets two processes open one directory and silently drops the second one's commits.
// itbot's own lock must serialise them so that every committed row survives.
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('itbot processes racing for one embedded data dir', () => {
  it.each([
    ['an existing data dir', makeSeededDataDir],
    ['an empty data dir (both try to create it)', makeTempDir],
  ])(
    'lose no ticket on %s',
    async (_case, makeDataDir) => {
      const { dir, cleanup } = makeDataDir();
      cleanups.push(cleanup);
      const titles = ['Race ticket alpha', 'Race ticket bravo', 'Race ticket charlie', 'Race ticket delta'];
      const runs = await Promise.all(
        titles.map((title) =>
          // Each waits for the ones before it to finish whole turns: on a loaded machine the last
          // one can wait past the default 15 s. The property here is that none is lost, not how fast.
          runItbot(['ask', '--yes', '--json', `open a ticket: ${title}`], {
            env: { ITBOT_DATA_DIR: dir, ITBOT_LOCK_WAIT_MS: '100000' },
            timeoutMs: 120_000,
          }),
        ),
      );
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout).toolCalls[0].outcome).toBe('done');
      }
      const reported = runs.map((run) => /IT-\d{6}/.exec(JSON.parse(run.stdout).answer)?.[0]);
      expect(new Set(reported).size).toBe(titles.length);

      const store = await openEmbeddedStore({ dataDir: dir, lockWaitMs: 5_000, purpose: 'test' });
      try {
        const { rows } = await store.query<{ number: string; title: string }>(
          'SELECT number, title FROM tickets ORDER BY title',
        );
        expect(rows.map((row) => row.title)).toEqual(titles);
        expect(rows.map((row) => row.number).sort()).toEqual([...reported].sort());
      } finally {
        await store.close();
      }
    },
    150_000,
  );
});
