import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPaths } from '../src/paths.js';
import { makeSeededDataDir, makeTempDir } from './helpers/data-dir.js';
import { runItbot } from './helpers/run-itbot.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

// The completion scripts in real shells, with `itbot` on PATH as a user has it.
describe('shell completion', () => {
  let data: { dir: string; cleanup: () => void };
  let bin: { dir: string; cleanup: () => void };
  let script: string;
  const env = (extra: Record<string, string> = {}) => ({
    PATH: `${bin.dir}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '/tmp',
    ITBOT_DATA_DIR: data.dir,
    ITBOT_USER: 'maria.lopez',
    ITBOT_BACKGROUND_SERVER: 'off',
    // The first Tab press starts a private ticket server: generous for a loaded machine.
    ITBOT_COMPLETE_TIMEOUT_MS: '30000',
    ...extra,
  });
  /** Sets COMP_WORDS/COMP_CWORD as bash does on Tab, calls the completion function, prints COMPREPLY. */
  const complete = (words: string[], extra: Record<string, string> = {}) => {
    const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    const run = spawnSync(
      'bash',
      [
        '--norc',
        '-c',
        `source "${script}"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _itbot; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { env: env(extra), encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).toBe(0);
    return run.stdout.split('\n').filter(Boolean);
  };

  beforeAll(async () => {
    data = makeSeededDataDir();
    bin = makeTempDir('itbot-bin-');
    fs.writeFileSync(
      path.join(bin.dir, 'itbot'),
      `#!/bin/sh\nexec "${process.execPath}" "${bundledPaths.cliEntry()}" "$@"\n`,
      { mode: 0o755 },
    );
    script = path.join(bin.dir, 'itbot.bash');
    const printed = await runItbot(['completion', 'bash'], { env: env() });
    expect(printed.code).toBe(0);
    fs.writeFileSync(script, printed.stdout);
    const created = await runItbot(['tickets', 'create', '--title', 'Printer jammed on 3rd floor'], { env: env() });
    expect(created.stdout).toMatch(/Created IT-000001/);
  });
  afterAll(() => {
    data?.cleanup();
    bin?.cleanup();
  });

  it('completes commands, options and their values in bash', () => {
    const registered = spawnSync('bash', ['--norc', '-c', `source "${script}"; complete -p itbot`], {
      env: env(),
      encoding: 'utf8',
    });
    expect(registered.stdout.trim()).toBe('complete -o default -F _itbot itbot');
    expect(complete(['itbot', 'tick'])).toEqual(['tickets']);
    expect(complete(['itbot', 'tickets', 're'])).toEqual(['reply', 'reopen', 'resolve', 'reply-macro']);
    expect(complete(['itbot', 'tickets', 'list', '--s'])).toEqual(['--status', '--sla']);
    expect(complete(['itbot', 'tickets', 'list', '--sla', ''])).toEqual(['at-risk', 'breached']);
    expect(complete(['itbot', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(complete(['itbot', 'tickets', 'att'])).toEqual(['attach', 'attachment']);
    expect(complete(['itbot', 'tickets', 'attach', '1', 'x.log', '--type', 'image/p'])).toEqual(['image/png']);
    expect(complete(['itbot', 'tickets', 'attachment', '1', '2', '--o'])).toEqual(['--output']);
  });

  it('completes ticket numbers, agents and groups from the ticket server', () => {
    expect(complete(['itbot', 'tickets', 'show', ''])).toEqual(['IT-000001']);
    // The number as people say it.
    expect(complete(['itbot', 'tickets', 'note', '1'])).toEqual(['IT-000001']);
    expect(complete(['itbot', 'tickets', 'assign', 'IT-000001', '--to', 'ai'])).toEqual(['aisha.khan']);
    // A name with a space stays one word.
    expect(complete(['itbot', 'tickets', 'assign', 'IT-000001', '--group', 'Serv'])).toEqual(['Service\\ Desk']);
    expect(complete(['itbot', 'tickets', 'link', 'IT-000001', '--to', 'IT'])).toEqual(['IT-000001']);
  });

  it('answers within its time budget even when the ticket server is slow to start, and never prompts', () => {
    const empty = makeTempDir();
    try {
      const started = Date.now();
      const words = complete(['itbot', 'tickets', 'show', ''], {
        ITBOT_DATA_DIR: empty.dir,
        ITBOT_COMPLETE_TIMEOUT_MS: '200',
      });
      expect(words).toEqual([]);
      // Node start-up plus the 200 ms budget; far below the seconds a first server start takes.
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      // The ticket server the Tab press started goes on creating the store after the shell has
      // its answer (the next Tab finds it ready); let it finish before removing the directory.
      const deadline = Date.now() + 60_000;
      const creating = () => fs.readdirSync(empty.dir).some((name) => name.includes('.creating-'));
      while (creating() && Date.now() < deadline) spawnSync('sleep', ['0.2']);
      fs.rmSync(empty.dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    }
  });

  it('refuses an unknown shell (exit 2)', async () => {
    const run = await runItbot(['completion', 'tcsh'], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No completion for "tcsh"[\s\S]*bash, zsh, fish/);
  });

  it.skipIf(!has('zsh'))('prints a zsh script that zsh parses (skipped: zsh not installed)', async () => {
    const file = path.join(bin.dir, '_itbot');
    fs.writeFileSync(file, (await runItbot(['completion', 'zsh'], { env: env() })).stdout);
    expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
  });

  it.skipIf(!has('fish'))('prints a fish script that fish parses (skipped: fish not installed)', async () => {
    const file = path.join(bin.dir, 'itbot.fish');
    fs.writeFileSync(file, (await runItbot(['completion', 'fish'], { env: env() })).stdout);
    expect(spawnSync('fish', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
  });
});
