// The embedded driver: jobs in a SQLite table with a lease, attempts and backoff, so one
// process needs no other server. A job whose lease ran out (a killed worker) runs again.
import type { Db } from '../store/database.js';
import type { Logger } from '../log/logger.js';
import { decideRetry } from './retry-policy.js';
import { jobErrorFields, listFailedJobs, retryFailedJob } from './failed-jobs.js';
import { type FailedJob, type Job, type JobHandler, type JobQueue, type JobSpec, type JobWorker, type QueueCounts } from './job-queue.js';

export interface EmbeddedQueueOptions {
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  leaseSeconds: number;
  pollMs: number;
}

interface JobRow {
  id: string;
  name: string;
  payload: string;
  attempts: number;
  max_attempts: number;
}

export class EmbeddedQueue implements JobQueue {
  private readonly db: Db;
  private readonly log: Logger;
  private readonly options: EmbeddedQueueOptions;
  private readonly workers = new Set<EmbeddedWorker>();
  private readonly insert;
  private readonly revive;
  private readonly claimStmt;

  constructor(db: Db, log: Logger, options: EmbeddedQueueOptions) {
    this.db = db;
    this.log = log;
    this.options = options;
    this.insert = db.prepare(
      `INSERT INTO jobs (id, queue, name, payload, mailbox_id, state, max_attempts, run_at, created_at)
       VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.revive = db.prepare(
      `UPDATE jobs SET state = 'waiting', payload = ?, attempts = 0, run_at = ?, lease_until = NULL, last_error = NULL,
         last_error_message = NULL, finished_at = NULL WHERE id = ? AND queue = ? AND state IN ('completed', 'failed')`,
    );
    this.claimStmt = db.prepare<[{ leaseUntil: number; queue: string; now: number }], JobRow>(
      `UPDATE jobs SET state = 'active', attempts = attempts + 1, lease_until = @leaseUntil
       WHERE id = (SELECT id FROM jobs WHERE queue = @queue
                   AND ((state = 'waiting' AND run_at <= @now) OR (state = 'active' AND lease_until < @now))
                   ORDER BY run_at LIMIT 1)
       RETURNING id, name, payload, attempts, max_attempts`,
    );
  }

  /**
   * The embedded driver has one process per database file, so at start any job still
   * 'active' belonged to a process that died (kill -9, power loss): it runs again now
   * rather than after its lease. Ingest is idempotent, so a job that had finished its
   * write but not its bookkeeping is harmless to repeat.
   */
  recoverInterrupted(): number {
    return this.db.prepare("UPDATE jobs SET state = 'waiting', lease_until = NULL, run_at = ? WHERE state = 'active'").run(Date.now())
      .changes;
  }

  addBulk<T>(queue: string, jobs: JobSpec<T>[]): Promise<void> {
    const now = Date.now();
    // One transaction: with WAL + synchronous=NORMAL the commit survives a process crash.
    this.db.transaction(() => {
      for (const j of jobs) {
        const payload = JSON.stringify(j.data);
        const added = this.insert.run(j.id, queue, j.name, payload, j.mailboxId ?? null, this.options.maxAttempts, now, now).changes;
        if (added === 0 && j.replaceFinished) this.revive.run(payload, now, j.id, queue);
      }
    })();
    for (const w of this.workers) w.wake(queue);
    return Promise.resolve();
  }

  claim(queue: string): Job | undefined {
    const now = Date.now();
    const row = this.claimStmt.get({ leaseUntil: now + this.options.leaseSeconds * 1000, queue, now });
    if (!row) return undefined;
    return { id: row.id, name: row.name, data: JSON.parse(row.payload) as unknown, attempt: row.attempts };
  }

  complete(id: string): void {
    this.db
      .prepare("UPDATE jobs SET state = 'completed', lease_until = NULL, last_error = NULL, finished_at = ? WHERE id = ?")
      .run(Date.now(), id);
  }

  fail(job: Job, err: unknown): void {
    const row = this.db.prepare<[string], { max_attempts: number }>('SELECT max_attempts FROM jobs WHERE id = ?').get(job.id);
    if (!row) return; // removed while running (mailbox disconnected)
    const decision = decideRetry(err, job.attempt, { ...this.options, maxAttempts: row.max_attempts });
    const { code, message } = jobErrorFields(err);
    if (decision.action === 'fail') {
      this.db
        .prepare(
          "UPDATE jobs SET state = 'failed', lease_until = NULL, last_error = ?, last_error_message = ?, finished_at = ? WHERE id = ?",
        )
        .run(code, message, Date.now(), job.id);
      this.log.warn({ jobId: job.id, code, message, attempt: job.attempt }, 'job failed for good');
      return;
    }
    const runAt = Date.now() + decision.delayMs;
    this.db
      .prepare("UPDATE jobs SET state = 'waiting', lease_until = NULL, last_error = ?, last_error_message = ?, run_at = ? WHERE id = ?")
      .run(code, message, runAt, job.id);
    this.log.info({ jobId: job.id, code, message, attempt: job.attempt, retryInMs: runAt - Date.now() }, 'job will retry');
  }

  process<T>(queue: string, handler: JobHandler<T>, options: { concurrency: number }): JobWorker {
    const worker = new EmbeddedWorker(this, queue, handler as JobHandler, options.concurrency, this.options.pollMs, this.log);
    this.workers.add(worker);
    worker.start();
    return {
      close: async () => {
        await worker.close();
        this.workers.delete(worker);
      },
    };
  }

  /** A reconnected mailbox's waiting jobs run now instead of at their next backoff. */
  wakeMailbox(mailboxId: number): Promise<number> {
    const changes = this.db
      .prepare("UPDATE jobs SET run_at = ? WHERE mailbox_id = ? AND state = 'waiting'")
      .run(Date.now(), mailboxId).changes;
    return Promise.resolve(changes);
  }

  removePendingForMailbox(mailboxId: number): Promise<number> {
    const info = this.db.prepare("DELETE FROM jobs WHERE mailbox_id = ? AND state IN ('waiting', 'active', 'failed')").run(mailboxId);
    this.db.prepare('UPDATE jobs SET mailbox_id = NULL WHERE mailbox_id = ?').run(mailboxId);
    return Promise.resolve(info.changes);
  }

  counts(queue: string): Promise<QueueCounts> {
    const counts: QueueCounts = { waiting: 0, active: 0, completed: 0, failed: 0 };
    const rows = this.db
      .prepare<[string], { state: keyof QueueCounts; n: number }>('SELECT state, COUNT(*) AS n FROM jobs WHERE queue = ? GROUP BY state')
      .all(queue);
    for (const r of rows) counts[r.state] = r.n;
    return Promise.resolve(counts);
  }

  listFailed(queue: string, options: { limit: number; after?: string }): Promise<FailedJob[]> {
    return Promise.resolve(listFailedJobs(this.db, queue, options));
  }

  retryFailed(id: string): Promise<boolean> {
    const queue = retryFailedJob(this.db, id);
    if (queue !== null) for (const w of this.workers) w.wake(queue);
    return Promise.resolve(queue !== null);
  }

  ping(): Promise<void> {
    this.db.prepare('SELECT 1 FROM jobs LIMIT 1').get();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.close()));
    this.workers.clear();
  }
}

/** Runs up to `concurrency` jobs at once; sleeps between polls unless woken by an add. */
class EmbeddedWorker {
  private running = 0;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly queue: EmbeddedQueue,
    private readonly name: string,
    private readonly handler: JobHandler,
    private readonly concurrency: number,
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.fill();
  }

  wake(queue: string): void {
    if (queue === this.name && !this.closed) setImmediate(() => this.fill());
  }

  private fill(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    while (this.running < this.concurrency) {
      const job = this.queue.claim(this.name);
      if (!job) break;
      this.running++;
      void this.run(job);
    }
    this.timer = setTimeout(() => this.fill(), this.pollMs);
    this.timer.unref();
  }

  private async run(job: Job): Promise<void> {
    try {
      await this.handler(job);
      this.queue.complete(job.id);
    } catch (err) {
      try {
        this.queue.fail(job, err);
      } catch (failErr) {
        this.log.error({ err: failErr, jobId: job.id }, 'could not record job failure; the lease will expire and it runs again');
      }
    } finally {
      this.running--;
      if (this.running === 0) this.idle.splice(0).forEach((resolve) => resolve());
      if (!this.closed) setImmediate(() => this.fill());
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}
