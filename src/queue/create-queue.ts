// Builds the configured JobQueue driver: the embedded SQLite queue (one process) or BullMQ
// on Redis (several processes, several hosts). Both take the same quota gate.
import type { Config } from '../config/config-schema.js';
import type { Db } from '../store/database.js';
import type { Logger } from '../log/logger.js';
import type { JobQueue, MailboxGate } from './job-queue.js';
import { EmbeddedQueue } from './embedded-queue.js';
import { BullmqQueue } from './bullmq-queue.js';

export function createQueue(config: Config, db: Db, log: Logger, gate: MailboxGate, role = 'all'): JobQueue {
  const q = config.queue;
  if (q.driver === 'bullmq') {
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
  return new EmbeddedQueue(db, log, { ...q, gate });
}
