import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { bundledPaths } from '../../src/paths.js';
import { type Availability, toolAvailable } from './tool-available.js';
import { waitForFrame } from './tui-wait.js';

export function tmuxAvailable(): Availability {
  return toolAvailable({
    command: 'tmux',
    versionArgs: ['-V'],
    package: 'tmux',
    skipping: 'the chat end-to-end test',
    requiredBy: 'ITBOT_TEST_REQUIRE_TMUX',
  });
}

/**
 * The built `bin/itbot` running in a detached tmux session on a private tmux server (its own
 * socket), so the test types and reads the screen as a person would and cleans up everything.
 */
export class TmuxItbot {
  private readonly socket = `itbot-test-${process.pid}-${Date.now()}`;
  private readonly target = 'chat';

  constructor(
    private readonly env: Record<string, string>,
    private readonly size = { columns: 110, rows: 40 },
  ) {}

  private tmux(args: string[], input?: string): string {
    const run = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', input, timeout: 10_000 });
    if (run.status !== 0) throw new Error(`tmux ${args[0]} failed: ${run.stderr}`);
    return run.stdout;
  }

  /** Starts the chat, or with `args` another itbot command in the same real terminal. */
  start(args: string[] = []): void {
    // The node running the tests runs itbot too (Node 20 or 24 in CI), via the real launcher.
    const pathVar = `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`;
    const env = { PATH: pathVar, HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', ...this.env };
    const exports = Object.entries(env)
      .map(([key, value]) => `${key}=${shellQuote(value)}`)
      .join(' ');
    const argv = [bundledPaths.cliEntry(), ...args].map(shellQuote).join(' ');
    const command = `env -i ${exports} ${argv}; echo "itbot exited with $?"; sleep 60`;
    this.tmux([
      'new-session',
      '-d',
      '-s',
      this.target,
      '-x',
      String(this.size.columns),
      '-y',
      String(this.size.rows),
      command,
    ]);
  }

  /** Types text literally (no key names), optionally followed by Enter. */
  type(text: string, enter = true): void {
    this.tmux(['send-keys', '-t', this.target, '-l', text]);
    if (enter) this.key('Enter');
  }

  key(name: string): void {
    this.tmux(['send-keys', '-t', this.target, name]);
  }

  /** Pastes like a terminal does: in bracketed-paste markers when the app asked for them. */
  paste(text: string): void {
    this.tmux(['load-buffer', '-b', 'paste', '-'], text);
    this.tmux(['paste-buffer', '-p', '-d', '-b', 'paste', '-t', this.target]);
  }

  /** The screen and its scrollback, wrapped lines joined. */
  capture(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-2000', '-t', this.target]);
  }

  /** Only what is on the screen now. */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', this.target]);
  }

  waitFor(predicate: (capture: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
    return waitForFrame(() => this.capture(), predicate, { what, timeoutMs });
  }

  stop(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { timeout: 5_000 });
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
