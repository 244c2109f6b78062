import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledPaths } from '../src/paths.js';
import { consoleExamples, linesMatch } from './helpers/console-examples.js';
import { makeSeededDataDir, makeTempDir } from './helpers/data-dir.js';

// The README's console examples cannot drift: each command is run as shown, on a data dir like
// the reader's, and what it prints must be what the README shows. What legitimately differs from
// run to run (dates, times, durations, pids, ports, the data dir's path) is normalised first.
const README = fs.readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
const SHOWN_DATA_DIR = '/home/ana/.local/share/itbot';

function normalise(line: string, dataDir: string): string {
  return line
    .replaceAll(dataDir, '<data dir>')
    .replaceAll(SHOWN_DATA_DIR, '<data dir>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?/g, '<date>')
    .replace(/\b\d+(\.\d+)? (s|ms)\b/g, '<duration>')
    .replace(/\bpid \d+/g, 'pid <pid>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .trimEnd();
}

const bin = makeTempDir('itbot-readme-bin-');
// `itbot` on PATH, as after `npm link` or a global install.
fs.writeFileSync(
  path.join(bin.dir, 'itbot'),
  `#!/bin/sh\nexec "${process.execPath}" "${bundledPaths.cliEntry()}" "$@"\n`,
  { mode: 0o755 },
);
const dirs: { dir: string; cleanup: () => void }[] = [];
afterAll(() => {
  for (const { dir, cleanup } of dirs) {
    spawnSync(path.join(bin.dir, 'itbot'), ['server', 'stop'], { env: { ...process.env, ITBOT_DATA_DIR: dir } });
    cleanup();
  }
  bin.cleanup();
});

describe('the README’s console examples', () => {
  const examples = consoleExamples(README);
  it('has examples to check', () => {
    expect(examples.filter((example) => !example.skip).length).toBeGreaterThanOrEqual(3);
  });

  let current: { dir: string; cleanup: () => void } | undefined;
  let exported: Record<string, string> = {};
  for (const example of examples) {
    it.skipIf(example.skip)(
      `README.md line ${example.line} prints what it shows`,
      () => {
        if (example.dataDir !== 'continue' || !current) {
          current = example.dataDir === 'fresh' ? makeTempDir() : makeSeededDataDir();
          dirs.push(current);
          exported = {};
        }
        const dataDir = current.dir;
        for (const step of example.steps) {
          const assignment = /^export (\w+)=(\S+)$/.exec(step.command);
          if (assignment) {
            exported[assignment[1] as string] = assignment[2] as string;
            continue;
          }
          const run = spawnSync('bash', ['-c', example.stdoutOnly ? step.command : `{ ${step.command}; } 2>&1`], {
            encoding: 'utf8',
            timeout: 90_000,
            env: {
              PATH: `${bin.dir}:${process.env.PATH ?? ''}`,
              HOME: dataDir,
              ITBOT_DATA_DIR: dataDir,
              ITBOT_USER: 'ana',
              ITBOT_BACKGROUND_SERVER: 'on',
              ...exported,
            },
          });
          const printed = run.stdout.split('\n').map((line) => normalise(line, dataDir));
          while (printed.at(-1) === '') printed.pop();
          const shown = step.expected.map((line) => normalise(line, dataDir));
          if (!linesMatch(shown, printed)) {
            expect
              .soft(printed.join('\n'), `$ ${step.command}  (README.md line ${example.line})`)
              .toBe(shown.join('\n'));
          }
        }
      },
      300_000,
    );
  }
});
