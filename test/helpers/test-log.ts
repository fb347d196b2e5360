// Every logger a test builds writes here (test-artifacts/logs), so that after the run
// scripts/scan-test-logs.mjs can prove no token or secret the fake issued reached a log.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createLogger, type Logger } from '../../src/log/logger.js';

export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

export function testLogger(name: string, level = 'debug'): Logger {
  return testLoggerWithFile(name, level).log;
}

/** The logger and the file it writes, for tests that assert on a log event. */
export function testLoggerWithFile(name: string, level = 'debug'): { log: Logger; file: string } {
  const dir = join(ARTIFACTS, 'logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^\w-]/g, '_')}-${process.pid}-${randomBytes(3).toString('hex')}.log`);
  return { log: createLogger({ level, destination: pino.destination({ dest: file, sync: true }) }), file };
}

/** Every JSON line a test logger wrote. */
export function readLogLines(files: readonly string[]): Record<string, unknown>[] {
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
}
