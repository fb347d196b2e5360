// The embedded driver: jobs in a SQLite table with a lease, attempts and backoff, so one
// process needs no other server. A job whose lease ran out (a killed worker) runs again.
// Jobs are claimed round-robin across mailboxes (src/queue/mailbox-rotation.ts), every claim
// is an index lookup, and completed jobs are pruned, so the cost of a job stays flat.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database.js';
import type { Logger } from '../log/logger.js';
import { decideRetry } from './retry-policy.js';
import { jobErrorFields, listFailedJobs, retryFailedJob } from './failed-jobs.js';
import { sweepEmbeddedJobs } from './embedded-sweep.js';
import {
  type FailedJob,
  type Job,
  type JobHandler,
  type JobQueue,
  type JobSpec,
  type JobSweep,
  type JobWorker,
  type MailboxGate,
  type QueueCounts,
  type SweepResult,
} from './job-queue.js';
import { MailboxRotation, type LaneKey } from './mailbox-rotation.js';

export type { MailboxGate } from './job-queue.js';

export interface EmbeddedQueueOptions {
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  leaseSeconds: number;
  pollMs: number;
  /** How long a completed job row is kept (default 600 s); its idempotency lives in the ticket rows. */
  keepCompletedSeconds?: number;
  /** How often completed jobs are pruned (default 60 s). */
  pruneIntervalSeconds?: number;
  gate?: MailboxGate;
}

/** At most this many rows per prune transaction, and per prune run, so a prune never stalls ingest. */
const PRUNE_BATCH = 2_000;
const PRUNE_MAX_PER_RUN = 50_000;
/** How often the lanes are re-read from the table (jobs added by another path) and expired leases reaped. */
const REFRESH_MS = 1_000;

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
  private readonly lanes = new Map<string, { rotation: MailboxRotation; refreshedAt: number }>();
  /** Running jobs of this process and their lane, so completion frees the lane's slot. */
  private readonly running = new Map<string, { queue: string; key: LaneKey }>();
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly stmt;
  /** Prepared once, like the job path's statements; the state is a literal so SQLite can use its partial index. */
  private readonly countStmts: Record<keyof QueueCounts, Statement<[string], { n: number }>>;

  constructor(db: Db, log: Logger, options: EmbeddedQueueOptions) {
    this.db = db;
    this.log = log;
    this.options = options;
    // Every statement of the job path is prepared once (statements live as long as the queue).
    // By rowid: the lane's index entry carries it, so the row is reached without a second index.
    const claimSet = "UPDATE jobs SET state = 'active', attempts = attempts + 1, lease_until = @leaseUntil WHERE rowid = ";
    const returning = ' RETURNING id, name, payload, attempts, max_attempts';
    type ClaimArgs = [{ leaseUntil: number; queue: string; now: number; mailbox?: number }];
    this.stmt = {
      // A completed or failed job comes back when its id is added again (a resync, a replay):
      // whether the message is already stored is decided by the ticket/quarantine rows.
      insert: db.prepare(
        `INSERT INTO jobs (id, queue, name, payload, mailbox_id, state, max_attempts, run_at, created_at)
         VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET queue = excluded.queue, name = excluded.name, payload = excluded.payload,
           mailbox_id = excluded.mailbox_id, state = 'waiting', attempts = 0, max_attempts = excluded.max_attempts,
           run_at = excluded.run_at, lease_until = NULL, last_error = NULL, last_error_message = NULL, finished_at = NULL
         WHERE jobs.state IN ('completed', 'failed')`,
      ),
      claimLane: db.prepare<ClaimArgs, JobRow>(
        `${claimSet}(SELECT rowid FROM jobs WHERE queue = @queue AND state = 'waiting' AND mailbox_id = @mailbox
           AND run_at <= @now ORDER BY run_at LIMIT 1)${returning}`,
      ),
      claimNoLane: db.prepare<ClaimArgs, JobRow>(
        `${claimSet}(SELECT rowid FROM jobs WHERE queue = @queue AND state = 'waiting' AND mailbox_id IS NULL
           AND run_at <= @now ORDER BY run_at LIMIT 1)${returning}`,
      ),
      nextLane: db.prepare<[string, number], { run_at: number }>(
        "SELECT run_at FROM jobs WHERE queue = ? AND state = 'waiting' AND mailbox_id = ? ORDER BY run_at LIMIT 1",
      ),
      nextNoLane: db.prepare<[string], { run_at: number }>(
        "SELECT run_at FROM jobs WHERE queue = ? AND state = 'waiting' AND mailbox_id IS NULL ORDER BY run_at LIMIT 1",
      ),
      waitingLanes: db.prepare<[string], { mailbox_id: number | null }>(
        "SELECT DISTINCT mailbox_id FROM jobs WHERE queue = ? AND state = 'waiting'",
      ),
      reapExpired: db.prepare<[string, number]>(
        "UPDATE jobs SET state = 'waiting', lease_until = NULL WHERE queue = ? AND state = 'active' AND lease_until < ?",
      ),
      complete: db.prepare<[number, string]>(
        "UPDATE jobs SET state = 'completed', lease_until = NULL, last_error = NULL, finished_at = ? WHERE id = ?",
      ),
      maxAttempts: db.prepare<[string], { max_attempts: number }>('SELECT max_attempts FROM jobs WHERE id = ?'),
      failForGood: db.prepare<[string, string, number, string]>(
        "UPDATE jobs SET state = 'failed', lease_until = NULL, last_error = ?, last_error_message = ?, finished_at = ? WHERE id = ?",
      ),
      retryLater: db.prepare<[string, string, number, string]>(
        "UPDATE jobs SET state = 'waiting', lease_until = NULL, last_error = ?, last_error_message = ?, run_at = ? WHERE id = ?",
      ),
      oldestReady: db.prepare<[string, number], { run_at: number | null }>(
        "SELECT MIN(run_at) AS run_at FROM jobs WHERE queue = ? AND state = 'waiting' AND run_at <= ?",
      ),
      prune: db.prepare<[number, number]>(
        "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state = 'completed' AND finished_at < ? LIMIT ?)",
      ),
    };
    const countOf = (state: keyof QueueCounts) =>
      db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM jobs WHERE queue = ? AND state = '${state}'`);
    this.countStmts = {
      waiting: countOf('waiting'),
      active: countOf('active'),
      completed: countOf('completed'),
      failed: countOf('failed'),
    };
  }

  /**
   * The embedded driver has one process per database file, so at start any job still
   * 'active' belonged to a process that died (kill -9, power loss): it runs again now
   * rather than after its lease. Ingest is idempotent, so a job that had finished its
   * write but not its bookkeeping is harmless to repeat.
   */
  recoverInterrupted(): number {
    const changes = this.db
      .prepare("UPDATE jobs SET state = 'waiting', lease_until = NULL, run_at = ? WHERE state = 'active'")
      .run(Date.now()).changes;
    for (const lanes of this.lanes.values()) lanes.refreshedAt = 0;
    return changes;
  }

  addBulk<T>(queue: string, jobs: JobSpec<T>[]): Promise<void> {
    const now = Date.now();
    // One transaction: with WAL + synchronous=NORMAL the commit survives a process crash.
    this.db.transaction(() => {
      for (const j of jobs) {
        this.stmt.insert.run(j.id, queue, j.name, JSON.stringify(j.data), j.mailboxId ?? null, this.options.maxAttempts, now, now);
      }
    })();
    const rotation = this.lanesOf(queue, now).rotation;
    for (const j of jobs) rotation.arrive(j.mailboxId ?? null);
    for (const w of this.workers) w.wake(queue);
    return Promise.resolve();
  }

  /**
   * The next job to run: the oldest ready job of the first mailbox in the rotation that has
   * one and may start it now. Each lane costs one index lookup; lanes with nothing ready are
   * paused until their next job is due (re-checked at least every REFRESH_MS).
   */
  claim(queue: string): Job | undefined {
    const now = Date.now();
    const { rotation } = this.lanesOf(queue, now);
    const leaseUntil = now + this.options.leaseSeconds * 1000;
    for (const key of rotation.order(now)) {
      if (key !== null && this.options.gate) {
        const wait = this.options.gate(key, rotation.active(key), queue);
        if (wait > 0) {
          rotation.pause(key, now + wait);
          continue;
        }
      }
      const row =
        key === null
          ? this.stmt.claimNoLane.get({ leaseUntil, queue, now })
          : this.stmt.claimLane.get({ leaseUntil, queue, now, mailbox: key });
      if (row) {
        rotation.served(key);
        this.running.set(row.id, { queue, key });
        return { id: row.id, name: row.name, data: JSON.parse(row.payload) as unknown, attempt: row.attempts };
      }
      const next = key === null ? this.stmt.nextNoLane.get(queue) : this.stmt.nextLane.get(queue, key);
      if (next) rotation.pause(key, Math.min(next.run_at, now + REFRESH_MS));
      else rotation.drained(key);
    }
    return undefined;
  }

  /**
   * Up to `limit` jobs, claimed as claim() would one after another, in one write transaction:
   * a commit costs more than the claim itself, so a worker filling several slots pays one.
   */
  claimUpTo(queue: string, limit: number): Job[] {
    if (limit === 1) {
      // One claim is one statement: its own commit is cheaper than a transaction around it.
      const job = this.claim(queue);
      return job ? [job] : [];
    }
    return this.db.transaction(() => this.claimEach(queue, limit))();
  }

  /** claim() up to `limit` times, in the caller's transaction. */
  private claimEach(queue: string, limit: number): Job[] {
    const jobs: Job[] = [];
    while (jobs.length < limit) {
      const job = this.claim(queue);
      if (!job) break;
      jobs.push(job);
    }
    return jobs;
  }

  /** Milliseconds until a paused lane of the queue may have a job to claim. */
  nextWakeIn(queue: string): number | undefined {
    return this.lanes.get(queue)?.rotation.nextWakeIn(Date.now());
  }

  complete(id: string): void {
    this.completeAll([id]);
  }

  /** Several finished jobs recorded in one write transaction (one commit for all). */
  completeAll(ids: string[]): void {
    try {
      this.db.transaction(() => this.markCompleted(ids))();
    } finally {
      // Also when the commit fails: the rows stay active and run again once their lease expires,
      // but this process no longer runs them, so the lanes must not count them as running.
      for (const id of ids) this.release(id);
    }
  }

  /**
   * Finished jobs recorded complete and up to `limit` jobs claimed to take their slots, in one
   * write transaction: a worker pool at full speed otherwise pays two commits per job.
   */
  completeAndClaim(ids: string[], queue: string, limit: number): Job[] {
    // The statements run in this one transaction, not in nested ones: each savepoint cost as
    // much as a claim (bench:delivery, where every job is short).
    try {
      return this.db.transaction((): Job[] => {
        this.markCompleted(ids);
        // Before the claims, as completeAll does: a mailbox's gate counts its running jobs.
        for (const id of ids) this.release(id);
        return limit > 0 ? this.claimEach(queue, limit) : [];
      })();
    } finally {
      // As in completeAll: also when the statements or the commit fail (release is idempotent).
      for (const id of ids) this.release(id);
    }
  }

  private markCompleted(ids: string[]): void {
    const now = Date.now();
    for (const id of ids) this.stmt.complete.run(now, id);
  }

  fail(job: Job, err: unknown): void {
    const lane = this.release(job.id);
    const row = this.stmt.maxAttempts.get(job.id);
    if (!row) return; // removed while running (mailbox disconnected)
    const decision = decideRetry(err, job.attempt, { ...this.options, maxAttempts: row.max_attempts });
    const { code, message } = jobErrorFields(err);
    if (decision.action === 'fail') {
      this.stmt.failForGood.run(code, message, Date.now(), job.id);
      this.log.warn({ jobId: job.id, code, message, attempt: job.attempt }, 'job failed for good');
      return;
    }
    const runAt = Date.now() + decision.delayMs;
    this.stmt.retryLater.run(code, message, runAt, job.id);
    if (lane) this.lanes.get(lane.queue)?.rotation.requeue(lane.key);
    this.log.info({ jobId: job.id, code, message, attempt: job.attempt, retryInMs: runAt - Date.now() }, 'job will retry');
  }

  /**
   * Deletes completed jobs older than keepCompletedSeconds, in bounded batches. Nothing
   * depends on them: a re-added id runs again and ingest finds the message already stored.
   */
  pruneCompleted(now = Date.now()): number {
    const cutoff = now - (this.options.keepCompletedSeconds ?? 600) * 1000;
    let removed = 0;
    while (removed < PRUNE_MAX_PER_RUN) {
      const n = this.stmt.prune.run(cutoff, PRUNE_BATCH).changes;
      removed += n;
      if (n < PRUNE_BATCH) break;
    }
    return removed;
  }

  process<T>(queue: string, handler: JobHandler<T>, options: { concurrency: number }): JobWorker {
    const worker = new EmbeddedWorker(this, queue, handler as JobHandler, options.concurrency, this.options.pollMs, this.log);
    this.workers.add(worker);
    this.startPruning();
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
    for (const { rotation } of this.lanes.values()) rotation.arrive(mailboxId);
    for (const [queue] of this.lanes) for (const w of this.workers) w.wake(queue);
    return Promise.resolve(changes);
  }

  removePendingForMailbox(mailboxId: number): Promise<number> {
    const info = this.db.prepare("DELETE FROM jobs WHERE mailbox_id = ? AND state IN ('waiting', 'active', 'failed')").run(mailboxId);
    this.db.prepare('UPDATE jobs SET mailbox_id = NULL WHERE mailbox_id = ?').run(mailboxId);
    return Promise.resolve(info.changes);
  }

  sweepJobs(sweep: JobSweep): Promise<SweepResult> {
    return Promise.resolve(sweepEmbeddedJobs(this.db, sweep));
  }

  /** One count per state, each over that state's partial index (migration 015), never the whole table. */
  counts(queue: string): Promise<QueueCounts> {
    const count = (state: keyof QueueCounts) => this.countStmts[state].get(queue)?.n ?? 0;
    return Promise.resolve({ waiting: count('waiting'), active: count('active'), completed: count('completed'), failed: count('failed') });
  }

  oldestWaitingMs(queue: string): Promise<number> {
    const now = Date.now();
    const at = this.stmt.oldestReady.get(queue, now)?.run_at;
    return Promise.resolve(at === null || at === undefined ? 0 : now - at);
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
    clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
    await Promise.all([...this.workers].map((w) => w.close()));
    this.workers.clear();
  }

  private release(id: string): { queue: string; key: LaneKey } | undefined {
    const lane = this.running.get(id);
    if (!lane) return undefined;
    this.running.delete(id);
    this.lanes.get(lane.queue)?.rotation.finished(lane.key);
    return lane;
  }

  /** The queue's lanes, re-read from the table now and then: jobs made waiting by another path, expired leases. */
  private lanesOf(queue: string, now: number): { rotation: MailboxRotation; refreshedAt: number } {
    let lanes = this.lanes.get(queue);
    if (!lanes) {
      lanes = { rotation: new MailboxRotation(), refreshedAt: 0 };
      this.lanes.set(queue, lanes);
    }
    if (now - lanes.refreshedAt >= REFRESH_MS) {
      lanes.refreshedAt = now;
      this.stmt.reapExpired.run(queue, now);
      for (const row of this.stmt.waitingLanes.all(queue)) lanes.rotation.know(row.mailbox_id);
    }
    return lanes;
  }

  private startPruning(): void {
    if (this.pruneTimer) return;
    const run = () => {
      try {
        const removed = this.pruneCompleted();
        if (removed > 0) this.log.debug({ removed }, 'completed jobs pruned');
      } catch (err) {
        this.log.error({ err }, 'pruning completed jobs failed; will try again');
      }
    };
    run();
    this.pruneTimer = setInterval(run, (this.options.pruneIntervalSeconds ?? 60) * 1000);
    this.pruneTimer.unref();
  }
}

/**
 * Runs up to `concurrency` jobs at once; sleeps between polls unless woken by an add. Jobs that
 * finish in the same turn of the event loop are recorded complete together, and the freed
 * slots are filled together: a SQLite commit is the dear part of a short job. A crash before
 * that commit leaves the jobs active, and they run again (every job is at-least-once).
 */
class EmbeddedWorker {
  private running = 0;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly idle: (() => void)[] = [];
  /** Jobs whose handler succeeded, still to be recorded complete (they keep their slot until then). */
  private finished: string[] = [];

  private readonly queue: EmbeddedQueue;
  private readonly name: string;
  private readonly handler: JobHandler;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly log: Logger;

  constructor(queue: EmbeddedQueue, name: string, handler: JobHandler, concurrency: number, pollMs: number, log: Logger) {
    this.queue = queue;
    this.name = name;
    this.handler = handler;
    this.concurrency = concurrency;
    this.pollMs = pollMs;
    this.log = log;
  }

  start(): void {
    this.fill();
  }

  wake(queue: string): void {
    if (queue === this.name && !this.closed) setImmediate(() => this.fill());
  }

  private fill(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    if (this.running < this.concurrency) {
      for (const job of this.queue.claimUpTo(this.name, this.concurrency - this.running)) {
        this.running++;
        void this.run(job);
      }
    }
    // A lane paused for quota or backoff may be due before the next poll.
    const wake = this.queue.nextWakeIn(this.name);
    this.timer = setTimeout(() => this.fill(), wake === undefined ? this.pollMs : Math.min(this.pollMs, Math.max(1, wake)));
    this.timer.unref();
  }

  private async run(job: Job): Promise<void> {
    try {
      await this.handler(job);
    } catch (err) {
      try {
        this.queue.fail(job, err);
      } catch (failErr) {
        this.log.error({ err: failErr, jobId: job.id }, 'could not record job failure; the lease will expire and it runs again');
      }
      this.freeSlots(1);
      return;
    }
    if (this.finished.push(job.id) === 1) setImmediate(() => this.recordFinished());
  }

  private recordFinished(): void {
    const ids = this.finished;
    this.finished = [];
    let next: Job[] = [];
    try {
      next = this.queue.completeAndClaim(ids, this.name, this.closed ? 0 : this.concurrency - this.running + ids.length);
    } catch (err) {
      this.log.error({ err, jobs: ids.length }, 'could not record jobs complete; their leases will expire and they run again');
    }
    this.running += next.length;
    for (const job of next) void this.run(job);
    this.freeSlots(ids.length);
  }

  private freeSlots(n: number): void {
    this.running -= n;
    if (this.running === 0) this.idle.splice(0).forEach((resolve) => resolve());
    if (!this.closed) setImmediate(() => this.fill());
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}
