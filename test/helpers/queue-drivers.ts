// The two JobQueue drivers, built the same way for the contract suite and for the child
// process that plays a crashed worker: one description (driver + where its data lives)
// makes the same queue in any process.
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../src/store/database.js';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.js';
import { BullmqQueue } from '../../src/queue/bullmq-queue.js';
import type { JobQueue, MailboxGate } from '../../src/queue/job-queue.js';
import type { Logger } from '../../src/log/logger.js';

export type DriverName = 'embedded' | 'bullmq';

export interface QueuePlace {
  driver: DriverName;
  /** SQLite file (embedded) or Redis URL (bullmq). */
  where: string;
  /** Redis key prefix, so tests sharing one Redis never see each other's jobs. */
  prefix: string;
}

export interface QueueTuning {
  leaseSeconds?: number;
  maxAttempts?: number;
  gate?: MailboxGate;
}

export function newPlace(driver: DriverName, redisUrl: string): QueuePlace {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  if (driver === 'embedded') return { driver, where: join(mkdtempSync(join(tmpdir(), 'intake-contract-')), 'intake.sqlite'), prefix };
  return { driver, where: redisUrl, prefix };
}

export function openQueue(place: QueuePlace, log: Logger, tuning: QueueTuning = {}): JobQueue {
  const common = {
    maxAttempts: tuning.maxAttempts ?? 3,
    backoffMs: 20,
    maxBackoffMs: 200,
    leaseSeconds: tuning.leaseSeconds ?? 30,
    ...(tuning.gate ? { gate: tuning.gate } : {}),
  };
  if (place.driver === 'embedded') return new EmbeddedQueue(openDatabase(place.where), log, { ...common, pollMs: 10 });
  return new BullmqQueue(log, {
    ...common,
    redis: { url: place.where, commandTimeoutMs: 5_000 },
    prefix: place.prefix,
    keepCompleted: 1_000,
    keepCompletedSeconds: 600,
  });
}
