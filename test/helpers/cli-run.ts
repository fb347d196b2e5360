// Runs an `intake` command in-process against a test daemon's data dir and key, capturing
// what it prints, the way an operator runs it next to the daemon.
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/intake.js';
import type { TestDaemon } from './test-daemon.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** The environment the daemon under test was configured with, for commands on its data dir. */
export function cliEnv(t: Pick<TestDaemon, 'dataDir' | 'config'>, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { INTAKE_DATA_DIR: t.dataDir, INTAKE_SECRET_KEY: t.config.secrets.secretKey, INTAKE_LOG_LEVEL: 'silent', ...extra };
}

export async function runIntake(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const out = sink();
  const err = sink();
  const code = await runCli(args, { out: out.stream, err: err.stream, onSignal: () => undefined, fatal: () => undefined, env });
  return { code, out: out.text(), err: err.text() };
}
