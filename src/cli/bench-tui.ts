import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { resolveConfig } from '../config/index.js';
import { ItbotError } from '../errors.js';
import { bundledPaths } from '../paths.js';
import { median } from './bench-stats.js';

/** Drawn by the chat's input box once the prompt is up and reading keys. */
const PROMPT_READY = 'Ask an IT question';
const MCP_READY = 'MCP ready';
/** The footer under every answer: "<model> · 0.4 s". */
const ANSWER_FOOTER = /· \d+\.\d s/g;
const QUESTIONS = [
  'outlook keeps asking for my password',
  'my print job is stuck in the queue',
  'the VPN says connected but intranet sites will not load',
  'how do I move the Authenticator app to a new phone',
  'I clicked a link in a phishing email',
  'my laptop asks for a BitLocker recovery key',
  'wifi keeps dropping in the office',
  'teams camera is black',
  'onedrive shows red crosses on my files',
  'how do I reset my password',
];
const TIMEOUT_MS = 30_000;

/**
 * The chat in a real pseudo-terminal (util-linux `script`), its screen output read as a stream:
 * the same bytes a person's terminal would get.
 */
class ChatInTerminal {
  readonly child: ChildProcess;
  readonly started = performance.now();
  output = '';
  private readonly exited: Promise<number | null>;

  constructor() {
    const command = `stty cols 120 rows 40; exec ${quote(process.execPath)} ${quote(bundledPaths.cliEntry())}`;
    this.child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      this.output += chunk;
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('exit', (code) => resolve(code));
    });
  }

  /** Milliseconds from spawning until the output satisfies `done`. */
  async waitFor(done: (output: string) => boolean, what: string): Promise<number> {
    const deadline = Date.now() + TIMEOUT_MS;
    while (!done(this.output)) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        this.child.kill('SIGKILL');
        throw new ItbotError(`The chat did not show ${what} within ${TIMEOUT_MS / 1000} s.`, 1, tail(this.output));
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return performance.now() - this.started;
  }

  type(text: string): void {
    this.child.stdin?.write(text);
  }

  /** Ctrl+D on the empty prompt, as a person leaves. */
  async quit(): Promise<void> {
    this.type('\x04');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function tail(output: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escape codes
  return output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').slice(-500);
}

/** Resident memory of a process and its peak, from /proc (Linux), in MB. */
function residentMb(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, then the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

export interface TuiBenchResult {
  runs: number;
  store: 'embedded' | 'server';
  medianMs: { prompt: number; mcpReady: number };
  maxPromptMs: number;
  session: { turns: number; chatRssMb: number; chatPeakRssMb: number; serverRssMb: number | null };
}

async function measureStart(): Promise<{ prompt: number; mcpReady: number }> {
  const chat = new ChatInTerminal();
  const prompt = await chat.waitFor((out) => out.includes(PROMPT_READY), 'its prompt');
  const mcpReady = await chat.waitFor((out) => out.includes(MCP_READY), 'the ticket server ready');
  await chat.quit();
  return { prompt, mcpReady };
}

async function measureSession(turns: number): Promise<TuiBenchResult['session']> {
  const chat = new ChatInTerminal();
  await chat.waitFor((out) => out.includes(MCP_READY) && out.includes(PROMPT_READY), 'its prompt');
  for (let turn = 0; turn < turns; turn++) {
    chat.type(`${QUESTIONS[turn % QUESTIONS.length]}\r`);
    await chat.waitFor((out) => (out.match(ANSWER_FOOTER) ?? []).length > turn, `answer ${turn + 1}`);
  }
  if (process.platform !== 'linux') throw new ItbotError('Measuring memory needs Linux (/proc).', 1);
  // `script` runs the shell, which exec's node: the chat is script's child, the server the chat's.
  const chatPid = childrenOf(chat.child.pid ?? -1)[0];
  const serverPid = chatPid === undefined ? undefined : childrenOf(chatPid)[0];
  const chatMemory = chatPid === undefined ? undefined : residentMb(chatPid);
  const serverMemory = serverPid === undefined ? undefined : residentMb(serverPid);
  await chat.quit();
  if (!chatMemory) throw new ItbotError('Could not find the chat process to measure its memory.', 1);
  return {
    turns,
    chatRssMb: Math.round(chatMemory.rss),
    chatPeakRssMb: Math.round(chatMemory.peak),
    serverRssMb: serverMemory ? Math.round(serverMemory.rss) : null,
  };
}

/** `itbot bench tui`: time to a usable chat prompt over fresh starts, and memory after a long session. */
export async function benchTui(runs: number, turns = 20): Promise<TuiBenchResult> {
  const config = resolveConfig();
  await measureStart(); // warm-up: creates the data dir on a first run, fills the OS file cache
  const starts: { prompt: number; mcpReady: number }[] = [];
  for (let i = 0; i < runs; i++) starts.push(await measureStart());
  const session = await measureSession(turns);
  return {
    runs,
    store: config.databaseUrl ? 'server' : 'embedded',
    medianMs: {
      prompt: Math.round(median(starts.map((s) => s.prompt))),
      mcpReady: Math.round(median(starts.map((s) => s.mcpReady))),
    },
    maxPromptMs: Math.round(Math.max(...starts.map((s) => s.prompt))),
    session,
  };
}

export function formatTuiBench(result: TuiBenchResult): string {
  const s = result.session;
  return [
    `itbot chat in a pseudo-terminal, ${result.runs} fresh starts, ${result.store} store (medians):`,
    `  to a usable prompt   ${result.medianMs.prompt} ms   (max ${result.maxPromptMs} ms)`,
    `  to MCP ready         ${result.medianMs.mcpReady} ms   (the ticket server starts in the background)`,
    `after a ${s.turns}-turn session:`,
    `  chat process         ${s.chatRssMb} MB resident   (peak ${s.chatPeakRssMb} MB)`,
    `  ticket server        ${s.serverRssMb ?? '-'} MB resident   (its own process: store, index, cache)`,
    '',
  ].join('\n');
}
