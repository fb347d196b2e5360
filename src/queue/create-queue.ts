// Builds the configured JobQueue driver: the embedded SQLite queue (one process) or BullMQ
// on Redis (several processes, several hosts). Both take the same quota gate.
import type { Config } from '../config/config-schema.js';
import type { Db } from '../store/database.js';
import type { Logger } from '../log/logger.js';
import type { JobQueue, MailboxGate } from './job-queue.js';
import { EmbeddedQueue } from './embedded-queue.js';
import { BullmqQueue } from './bullmq-queue.js';

export function createQueue(config: Config, db: Db, log: Logger, gate: MailboxGate, role = 'all'): JobQueue {
  if (config.queue.driver === 'bullmq') return createBullmqQueue(config, log, gate, role);
  return new EmbeddedQueue(db, log, { ...config.queue, gate });
}

/** The BullMQ driver alone: what a remote worker, which has no database, runs on. */
export function createBullmqQueue(config: Config, log: Logger, gate: MailboxGate, role: string): BullmqQueue {
  const q = config.queue;
  return new BullmqQueue(log, {
    maxAttempts: q.maxAttempts,
    backoffMs: q.backoffMs,
    maxBackoffMs: q.maxBackoffMs,
    leaseSeconds: q.leaseSeconds,
    keepCompleted: q.keepCompletedCount,
    keepCompletedSeconds: q.keepCompletedSeconds,
    prefix: q.redisPrefix,
    redis: {
      url: q.redisUrl,
      commandTimeoutMs: q.redisCommandTimeoutMs,
      ...(config.secrets.redisPassword ? { password: config.secrets.redisPassword } : {}),
    },
    gate,
    role,
  });
}
