// Every logger a test builds writes here (test-artifacts/logs), so that after the run
// scripts/scan-test-logs.mjs can prove no token or secret the fake issued reached a log.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createLogger, type Logger } from '../../src/log/logger.js';

export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

export function testLogger(name: string, level = 'debug'): Logger {
  const dir = join(ARTIFACTS, 'logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^\w-]/g, '_')}-${process.pid}-${randomBytes(3).toString('hex')}.log`);
  return createLogger({ level, destination: pino.destination({ dest: file, sync: true }) });
}
