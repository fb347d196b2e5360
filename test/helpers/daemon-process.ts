// Runs `intake` as a child process (tsx as a loader in the same process, so signals reach
// the daemon itself), the way an operator does, with its log lines going
// to test-artifacts/logs (so the post-run secret scan covers them too).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ARTIFACTS } from './test-log.js';
import { nodeEnvOf } from '../../src/cli/node-flags.js';

const MAIN = join(process.cwd(), 'src', 'main.ts');

export interface DaemonProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr(): string;
  /** What the process printed to its console; kept only when asked (`consoleOnly`, `keepLog`), see below. */
  stdout(): string;
}

export interface SpawnOptions {
  /**
   * The command's stdout is its console (the demo prints its sign-in there), not a log:
   * keep it in memory for the test instead of the log folder the secret scan reads.
   */
  consoleOnly?: boolean;
  /** Keep the log (stdout) in memory too, for a test that reads the process's log lines. */
  keepLog?: boolean;
}

export function spawnIntake(args: string[], env: NodeJS.ProcessEnv, options: SpawnOptions = {}): DaemonProcess {
  mkdirSync(join(ARTIFACTS, 'logs'), { recursive: true });
  const log = createWriteStream(join(ARTIFACTS, 'logs', `process-${randomBytes(3).toString('hex')}.log`));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...nodeEnvOf(MAIN), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  if (options.consoleOnly || options.keepLog) child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  if (!options.consoleOnly) child.stdout?.pipe(log);
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    log.write(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr, stdout: () => stdout };
}

export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
