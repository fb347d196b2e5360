// The JobQueue contract every driver keeps. Shaped after BullMQ (named queues, job ids
// that de-duplicate, bulk add, workers with concurrency) so a Redis driver slots in.

export interface JobSpec<T = unknown> {
  /** Deterministic id: adding a job whose id exists is a no-op, which makes enqueue idempotent. */
  id: string;
  name: string;
  data: T;
  /** Lets a disconnect remove the mailbox's pending jobs. */
  mailboxId?: number;
  /**
   * When a job with this id exists as completed or failed, run it again (a replay or a resync),
   * instead of the no-op an existing id means. Waiting and active jobs are left as they are.
   */
  replaceFinished?: boolean;
  /** Removed at once when it completes (its data carries mail content); a failed one is still kept. */
  forgetWhenDone?: boolean;
}

/** A dead letter: a job that failed for good, kept for replay. */
export interface FailedJob {
  id: string;
  queue: string;
  name: string;
  data: unknown;
  mailboxId: number | null;
  attempts: number;
  /** The error's code (IntakeError code, SQLite code or error name) and message; never mail content. */
  errorCode: string | null;
  errorMessage: string | null;
  failedAt: string | null;
}

export interface Job<T = unknown> {
  id: string;
  name: string;
  data: T;
  attempt: number;
}

/**
 * Milliseconds until a mailbox may start one more job (0: now), given how many of its jobs
 * are running. The daemon answers from the mailbox's Google quota limiter, so a mailbox that
 * would only wait for quota is skipped (embedded) or its job deferred (bullmq), and the
 * worker serves another mailbox meanwhile. Asked per queue: only jobs that call Google wait.
 */
export type MailboxGate = (mailboxId: number, active: number, queue: string) => number;

export type JobHandler<T = unknown> = (job: Job<T>) => Promise<void>;

export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
}

/** Where a job is, as a sweep sees it; 'active' jobs are only counted, never removed. */
export type QueuedJobState = 'waiting' | 'failed' | 'completed' | 'active';

/** One job as a sweep's predicate reads it: the id and data as they were added. */
export interface QueuedJob {
  id: string;
  queue: string;
  name: string;
  data: unknown;
  state: QueuedJobState;
  /** The last error's message as the driver keeps it (the embedded driver's message, BullMQ's code); null when none. */
  errorMessage: string | null;
}

export interface JobSweep {
  /** Queues to search besides those this process added to or serves (a CLI process knows none). */
  queues: readonly string[];
  /** True for a job to remove. Must not throw; it may be asked about the same job twice. */
  matches(job: QueuedJob): boolean;
  /** Count what would be removed, remove nothing. */
  dryRun: boolean;
}

export interface SweepResult {
  /** Jobs removed (with dryRun: that would be removed). */
  removed: number;
  /** Matching jobs left alone because a worker is running them. */
  running: number;
}

export interface JobWorker {
  /** Stops taking jobs and waits for the ones in hand. */
  close(): Promise<void>;
}

export interface JobQueue {
  /** Resolves only once every job is durable. */
  addBulk<T>(queue: string, jobs: JobSpec<T>[]): Promise<void>;
  process<T>(queue: string, handler: JobHandler<T>, options: { concurrency: number }): JobWorker;
  removePendingForMailbox(mailboxId: number): Promise<number>;
  /** Runs the mailbox's waiting jobs now (after a reconnect ends what they waited for). */
  wakeMailbox(mailboxId: number): Promise<number>;
  /**
   * Removes every job the sweep matches that no worker is running (waiting, delayed, failed,
   * completed), in every queue the driver holds or the sweep names. For an erasure: rare,
   * so a scan. Rejects with INTAKE_ERR_QUEUE when the jobs could not all be searched.
   */
  sweepJobs(sweep: JobSweep): Promise<SweepResult>;
  counts(queue: string): Promise<QueueCounts>;
  /** Dead letters of `queue` in id order, `limit` at most, after the id `after`. */
  listFailed(queue: string, options: { limit: number; after?: string }): Promise<FailedJob[]>;
  /** Runs a failed job again from its first attempt; false when no failed job has this id. */
  retryFailed(id: string): Promise<boolean>;
  ping(): Promise<void>;
  /** Start-up recovery of jobs a killed process left running (the embedded driver; BullMQ's stall check does it itself). */
  recoverInterrupted?(): number;
  close(): Promise<void>;
}

/** Thrown by a handler for a failure that retrying cannot fix (BullMQ's UnrecoverableError). */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Truncated exponential backoff with jitter, as Google asks of API clients. */
export function backoffDelay(attempt: number, baseMs: number, maxMs = 15 * 60_000, random = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
