import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { freeLoopbackPort } from './ports.js';
import { type Availability, toolAvailable } from './tool-available.js';

/** A private redis-server on a free loopback port, so a test can stop and restart it at will. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function redisAvailable(): Availability {
  return toolAvailable({
    command: 'redis-server',
    versionArgs: ['--version'],
    package: 'redis-server',
    skipping: 'the Redis tests',
    requiredBy: 'ITBOT_TEST_REQUIRE_REDIS',
  });
}

async function waitForPort(port: number, up: boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open === up) return;
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not come ${up ? 'up' : 'down'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startTestRedis(): Promise<TestRedis> {
  const port = await freeLoopbackPort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitForPort(port, true);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await waitForPort(port, false);
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop };
}
