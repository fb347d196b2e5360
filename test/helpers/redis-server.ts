// A real Redis for tests: Debian's redis-server on a free loopback port with its own temp
// dir, stopped by the test (afterAll). Restartable on the same port and dir, with or without
// AOF, for the fault tests. A missing redis-server fails the test (never a skip).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort } from './free-port.js';

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** Stops Redis (SIGTERM, it saves the AOF if on) and waits for the exit. */
  stop(): Promise<void>;
  /** Kills Redis with SIGKILL: whatever was not yet on disk is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir (AOF reloaded when on). */
  start(): Promise<void>;
  close(): Promise<void>;
}

const BINARY = 'redis-server';

function requireBinary(): void {
  const probe = spawnSync(BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${BINARY} is not installed: the queue tests run a real Redis. Install Debian's redis-server (bash scripts/setup.sh test, or apt-get install -y redis-server)`,
    );
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startTestRedis(options: { appendOnly?: boolean } = {}): Promise<TestRedis> {
  requireBinary();
  const dir = mkdtempSync(join(tmpdir(), 'intake-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no'];
    args.push('--appendonly', options.appendOnly ? 'yes' : 'no', '--appendfsync', 'always', '--logfile', join(dir, 'redis.log'));
    const proc = spawn(BINARY, args, { stdio: 'ignore' });
    child = proc;
    exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 15_000;
    while (!(await canConnect(port))) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited at start: ${logTail(dir)}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}: ${logTail(dir)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const signal = async (sig: NodeJS.Signals) => {
    if (!child || child.exitCode !== null) return;
    child.kill(sig);
    await exited;
    child = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    start,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    close: async () => {
      await signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'redis.log'), 'utf8').split('\n').slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}
