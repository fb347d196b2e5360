// The BullMQ driver: the same JobQueue contract on Redis, so ingest workers can run in other
// processes and on other hosts. Retry decisions are the embedded driver's (retry-policy.ts):
// the policy fails a job with UnrecoverableError, BullMQ's backoff asks the policy for the
// delay, and attempts are otherwise unbounded so an outage never uses them up.
import { Queue, Worker, UnrecoverableError, DelayedError, type Job as BullJob, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import { IntakeError, isIntakeError } from '../errors/intake-error.js';
import { decideRetry, type RetryOptions } from './retry-policy.js';
import type {
  FailedJob,
  Job,
  JobHandler,
  JobQueue,
  JobSpec,
  JobSweep,
  JobWorker,
  MailboxGate,
  QueueCounts,
  SweepResult,
} from './job-queue.js';
import { redisClientOptions, type RedisSettings } from './redis-options.js';
import { FairTags } from './fair-tags.js';
import { matchingJobs } from './bullmq-sweep.js';

export interface BullmqQueueOptions extends RetryOptions {
  redis: RedisSettings;
  /** Key prefix in Redis (several installations may share one Redis). */
  prefix: string;
  /** A crashed worker's job is taken back after this long (BullMQ's lock duration and stall check). */
  leaseSeconds: number;
  /** Completed jobs kept for observation: at most this many, for at most this long. */
  keepCompleted: number;
  keepCompletedSeconds: number;
  gate?: MailboxGate;
  role?: string;
  /** Where the round-robin numbering starts over and its cap (tests make these small). */
  fairness?: { restartAt?: number; limit?: number };
}

/** What a job carries in Redis: Intake's own id (BullMQ ids may not hold ':'), its mailbox, its data. */
interface Envelope {
  id: string;
  mailboxId: number | null;
  data: unknown;
}

/** Thrown to BullMQ for a job that will run again: carries the policy's delay to the backoff strategy. */
class RetryLater extends Error {
  readonly code: string;
  readonly delayMs: number;

  constructor(code: string, delayMs: number) {
    super(code);
    this.code = code;
    this.delayMs = delayMs;
    this.name = 'RetryLater';
  }
}

const UNBOUNDED_ATTEMPTS = 1_000_000;
/** How many of the next waiting jobs oldestWaitingMs looks at. */
const OLDEST_SAMPLE = 50;

/** Redis commands wait in ioredis' offline queue while Redis is down: bound every call a caller waits on. */
async function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntakeError('INTAKE_ERR_QUEUE', `Redis did not answer ${what} within ${ms} ms`, true)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits for a graceful close at most `ms`; past that, or when it fails, `force` drops the
 * connection, and is waited for no longer either (BullMQ's disconnect waits for an 'end' that
 * ioredis never emits while it is reconnecting; its reconnect timer is cleared all the same).
 */
async function politely(closing: Promise<unknown>, ms: number, force: () => unknown): Promise<void> {
  const closed =
    ms > 0 &&
    (await bounded(closing, ms, 'closing').then(
      () => true,
      () => false,
    ));
  if (closed) return;
  closing.catch(() => undefined); // given up on: its late rejection is not an unhandled one
  await bounded(Promise.resolve(force()), Math.max(ms, 100), 'dropping the connection').catch(() => undefined);
}

/** A BullMQ worker and the jobs its handler is running now. */
interface RunningWorker {
  worker: Worker<Envelope>;
  inHand: Set<Promise<void>>;
}

/** BullMQ job ids may not contain ':' (it separates Redis key parts). */
export const bullJobId = (id: string): string => id.replaceAll(':', '.');

export class BullmqQueue implements JobQueue {
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Set<RunningWorker>();
  private readonly served = new Set<string>();
  private readonly active = new Map<number, number>();
  private readonly client: Redis;
  private readonly connection;
  /** The Redis dataset's identity: a random value kept in Redis; when it changes, Redis lost its data. */
  private epoch: string | undefined;
  private readonly lossHandlers: (() => void)[] = [];
  private readonly fair: FairTags;

  private readonly log: Logger;
  private readonly options: BullmqQueueOptions;

  constructor(log: Logger, options: BullmqQueueOptions) {
    this.log = log;
    this.options = options;
    this.connection = redisClientOptions(options.redis, options.role ?? 'queue');
    this.client = new Redis(this.connection.url, { ...this.connection, lazyConnect: false });
    this.fair = new FairTags(this.client, { prefix: options.prefix, ...options.fairness });
    this.client.on('error', (err: Error) => this.log.warn({ code: 'INTAKE_ERR_QUEUE', reason: err.message }, 'redis connection error'));
    this.client.on('ready', () => {
      this.checkEpoch().catch((err: unknown) => this.log.warn({ reason: (err as Error).message }, 'could not check the Redis epoch'));
    });
  }

  /**
   * Called when Redis comes up without the jobs it held (restarted without persistence, or
   * a new, empty Redis): the store's side then re-lists every mailbox, and dedupe in the
   * ticket rows keeps what was already ingested from doubling. Also called at the first
   * connection to an empty Redis, since nobody can tell that from a loss.
   */
  onDataLoss(handler: () => void): void {
    this.lossHandlers.push(handler);
  }

  private async checkEpoch(): Promise<void> {
    const key = `${this.options.prefix}:epoch`;
    const created = (await this.client.set(key, randomBytes(8).toString('hex'), 'NX')) === 'OK';
    const current = (await this.client.get(key)) ?? undefined;
    const lost = this.epoch === undefined ? created : current !== this.epoch;
    this.epoch = current;
    if (!lost) return;
    this.log.warn(
      { code: 'INTAKE_ERR_QUEUE' },
      'Redis holds none of the queued jobs (new, or restarted without persistence); every mailbox is re-listed',
    );
    for (const handler of this.lossHandlers) handler();
  }

  /** The raw connection, for the scheduler lock and the model snapshot (one connection, not one per use). */
  get redis(): Redis {
    return this.client;
  }

  get redisStatus(): string {
    return this.client.status;
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: { ...this.connection }, prefix: this.options.prefix });
      q.on('error', (err: Error) => this.log.warn({ queue: name, reason: err.message }, 'bullmq queue error'));
      this.queues.set(name, q);
    }
    return q;
  }

  private jobOptions(id: string, priority: number, forgetWhenDone = false): JobsOptions {
    return {
      jobId: bullJobId(id),
      priority,
      attempts: UNBOUNDED_ATTEMPTS,
      backoff: { type: 'intake' },
      removeOnComplete: forgetWhenDone ? true : { count: this.options.keepCompleted, age: this.options.keepCompletedSeconds },
      removeOnFail: false,
    };
  }

  /**
   * Stored once Redis acknowledged every job. A job whose id is already completed or failed
   * is removed first and added again: a resync or replay runs it again, and ingest finds the
   * message already stored if it was.
   */
  addBulk<T>(queue: string, jobs: JobSpec<T>[]): Promise<void> {
    if (jobs.length === 0) return Promise.resolve();
    return bounded(this.store(queue, jobs), this.options.redis.commandTimeoutMs, 'adding jobs');
  }

  private async store<T>(queue: string, jobs: JobSpec<T>[]): Promise<void> {
    const q = this.queue(queue);
    const ids = jobs.map((j) => bullJobId(j.id));
    const finished = await this.finishedIds(queue, ids);
    for (const id of finished) await q.remove(id);
    // Numbered per mailbox, so BullMQ serves mailboxes in turn (fair-tags.ts).
    const priorities = await this.fair.reserve(
      queue,
      jobs.map((j) => j.mailboxId ?? null),
    );
    await q.addBulk(
      jobs.map((j, i) => ({
        name: j.name,
        data: { id: j.id, mailboxId: j.mailboxId ?? null, data: j.data } satisfies Envelope,
        opts: this.jobOptions(j.id, priorities[i]!, j.forgetWhenDone),
      })),
    );
  }

  private async finishedIds(queue: string, ids: string[]): Promise<string[]> {
    const pipeline = this.client.pipeline();
    for (const id of ids) {
      pipeline.zscore(`${this.options.prefix}:${queue}:completed`, id);
      pipeline.zscore(`${this.options.prefix}:${queue}:failed`, id);
    }
    const results = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => results[2 * i]?.[1] !== null || results[2 * i + 1]?.[1] !== null);
  }

  /** Dead letters: BullMQ's failed set (removeOnFail is off), in id order like the embedded driver. */
  listFailed(queue: string, options: { limit: number; after?: string }): Promise<FailedJob[]> {
    return bounded(this.failedOf(queue, options), this.options.redis.commandTimeoutMs, 'listing failed jobs');
  }

  private async failedOf(queue: string, options: { limit: number; after?: string }): Promise<FailedJob[]> {
    const jobs = (await this.queue(queue).getFailed(0, -1)) as (BullJob<Envelope> | undefined)[];
    return jobs
      .filter((j): j is BullJob<Envelope> => j !== undefined)
      .map((j) => ({
        id: j.data.id,
        queue,
        name: j.name,
        data: j.data.data,
        mailboxId: j.data.mailboxId,
        attempts: j.attemptsMade,
        // The handler's error reaches BullMQ as its code (see run()); the message stays in the log.
        errorCode: j.failedReason || null,
        errorMessage: j.failedReason || null,
        failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
      }))
      .filter((j) => j.id > (options.after ?? ''))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, options.limit);
  }

  /** Runs a failed job again; looks in every queue this process has opened, ingest first. */
  retryFailed(id: string): Promise<boolean> {
    return bounded(this.retryIn(id), this.options.redis.commandTimeoutMs, 'retrying a failed job');
  }

  private async retryIn(id: string): Promise<boolean> {
    for (const name of new Set(['ingest', ...this.queues.keys(), ...this.served])) {
      const job = (await this.queue(name).getJob(bullJobId(id))) as BullJob<Envelope> | undefined;
      if (job && (await job.isFailed())) {
        await job.retry('failed');
        return true;
      }
    }
    return false;
  }

  process<T>(queue: string, handler: JobHandler<T>, options: { concurrency: number }): JobWorker {
    // BullMQ renews a live worker's lock every half lock, so a short lock costs nothing and a
    // crashed worker's job (or one whose completion Redis missed while restarting) returns soon.
    const leaseMs = Math.min(this.options.leaseSeconds, 30) * 1000;
    // Remembered, so a disconnect's removePendingForMailbox and a reconnect's wakeMailbox reach
    // every queue this process serves, not only those it added to. (Not opened now: a Queue
    // made while Redis is down would hold up close.)
    this.served.add(queue);
    const inHand = new Set<Promise<void>>();
    const processor = (job: BullJob<Envelope>, token?: string) => {
      const running = this.run(job, token, handler as JobHandler);
      inHand.add(running);
      void running.catch(() => undefined).finally(() => inHand.delete(running));
      return running;
    };
    const worker = new Worker<Envelope>(queue, processor, {
      connection: { ...this.connection },
      prefix: this.options.prefix,
      concurrency: options.concurrency,
      lockDuration: leaseMs,
      stalledInterval: leaseMs,
      // A job whose worker died is always taken back: losing it would lose a message.
      maxStalledCount: UNBOUNDED_ATTEMPTS,
      settings: { backoffStrategy: (_attempts, _type, err) => (err instanceof RetryLater ? err.delayMs : this.options.backoffMs) },
    });
    worker.on('error', (err: Error) => this.log.warn({ queue, reason: err.message }, 'bullmq worker error'));
    worker.on('failed', (job, err) => {
      if (job && !(err instanceof DelayedError) && err.name !== 'RetryLater') {
        this.log.warn({ jobId: job.data.id, code: err.message, attempt: job.attemptsMade }, 'job failed for good');
      }
    });
    const stop = { worker, inHand };
    this.workers.add(stop);
    return {
      close: async () => {
        await this.stopWorker(stop);
        this.workers.delete(stop);
      },
    };
  }

  /**
   * The jobs in hand finish whatever Redis does; then BullMQ records them and closes, for at
   * most a command's time. With Redis away its close would wait for Redis forever (a stopping
   * daemon hung); dropped instead, a finished job whose completion never reached Redis is
   * taken back after the lease and finds its message stored.
   */
  private async stopWorker({ worker, inHand }: RunningWorker): Promise<void> {
    const closing = worker.close();
    while (inHand.size > 0) await Promise.allSettled([...inHand]);
    await politely(closing, this.closeWaitMs(), () => worker.disconnect());
  }

  private async run(job: BullJob<Envelope>, token: string | undefined, handler: JobHandler): Promise<void> {
    const { id, mailboxId, data } = job.data;
    if (mailboxId !== null && this.options.gate) {
      const wait = this.options.gate(mailboxId, this.active.get(mailboxId) ?? 0, job.queueName);
      if (wait > 0) {
        // Waiting for quota must not hold a worker: back to the delayed set, no attempt used.
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
    }
    const attempt = job.attemptsMade + 1;
    // Not awaited: the round only orders jobs added from now on, and a lost update (Redis
    // down) costs a little fairness, never a job.
    this.fair.started(job.queueName, job.priority).catch((err: unknown) => {
      this.log.warn({ queue: job.queueName, reason: (err as Error).message }, 'could not record the round-robin round');
    });
    if (mailboxId !== null) this.active.set(mailboxId, (this.active.get(mailboxId) ?? 0) + 1);
    try {
      const intakeJob: Job = { id, name: job.name, data, attempt };
      await handler(intakeJob);
    } catch (err) {
      const code = isIntakeError(err) ? err.code : (err as Error).name;
      const decision = decideRetry(err, attempt, this.options);
      if (decision.action === 'fail') throw new UnrecoverableError(code);
      this.log.info({ jobId: id, code, attempt, retryInMs: decision.delayMs }, 'job will retry');
      throw new RetryLater(code, decision.delayMs);
    } finally {
      if (mailboxId !== null) {
        const n = (this.active.get(mailboxId) ?? 1) - 1;
        if (n > 0) this.active.set(mailboxId, n);
        else this.active.delete(mailboxId);
      }
    }
  }

  /** Jobs of a mailbox that wait or failed (not those running: their handler finds the mailbox gone). */
  async removePendingForMailbox(mailboxId: number): Promise<number> {
    let removed = 0;
    for (const q of this.knownQueues()) {
      for (const job of await this.jobsOf(q, mailboxId, ['waiting', 'delayed', 'prioritized', 'failed'])) {
        await job.remove();
        removed++;
      }
    }
    return removed;
  }

  async wakeMailbox(mailboxId: number): Promise<number> {
    let woken = 0;
    for (const q of this.knownQueues()) {
      for (const job of await this.jobsOf(q, mailboxId, ['delayed'])) {
        await job.promote();
        woken++;
      }
    }
    return woken;
  }

  /**
   * Rejects (nothing searched, nothing removed) when Redis is not connected within the
   * command timeout, so a caller never mistakes an unreachable Redis for one that held no
   * match; every later call is bounded too, so Redis going away midway rejects instead of
   * hanging. Searches every queue this process knows and those the sweep names.
   */
  async sweepJobs(sweep: JobSweep): Promise<SweepResult> {
    const timeoutMs = this.options.redis.commandTimeoutMs;
    const bound = <T>(call: Promise<T>, what: string) => bounded(call, timeoutMs, what);
    await this.connected(timeoutMs);
    const result: SweepResult = { removed: 0, running: 0 };
    for (const name of new Set([...this.queues.keys(), ...this.served, ...sweep.queues])) {
      const q = this.queue(name);
      const { idle, running } = await matchingJobs(q, sweep, bound);
      result.running += running;
      if (sweep.dryRun) {
        result.removed += idle.length;
        continue;
      }
      for (const id of idle) {
        // 0: a worker took the job since it was read; it runs now and is left alone.
        if ((await bound(q.remove(id), 'removing a queued job')) === 1) result.removed++;
        else result.running++;
      }
    }
    return result;
  }

  /**
   * Waits for the connection instead of sending a command: a command sent while Redis is down
   * stays in ioredis' offline queue after the caller gave up, and close()'s QUIT would wait behind it.
   */
  private connected(timeoutMs: number): Promise<void> {
    if (this.client.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const ready = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.client.off('ready', ready);
        reject(new IntakeError('INTAKE_ERR_QUEUE', `Redis was not reachable within ${timeoutMs} ms (${this.client.status})`, true));
      }, timeoutMs);
      this.client.once('ready', ready);
    });
  }

  /** Every queue this process added to or serves. */
  private knownQueues(): Queue[] {
    return [...new Set([...this.queues.keys(), ...this.served])].map((name) => this.queue(name));
  }

  /** A scan, fine for the rare disconnect and reconnect: no per-message index costs Redis memory. */
  private async jobsOf(q: Queue, mailboxId: number, states: ('waiting' | 'delayed' | 'prioritized' | 'failed')[]) {
    const jobs = (await q.getJobs(states, 0, -1)) as (BullJob<Envelope> | undefined)[];
    return jobs.filter((j): j is BullJob<Envelope> => j !== undefined && j.data.mailboxId === mailboxId);
  }

  async counts(queue: string): Promise<QueueCounts & { delayed: number }> {
    const c = await bounded(
      this.queue(queue).getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'),
      this.options.redis.commandTimeoutMs,
      'counting jobs',
    );
    const delayed = c.delayed ?? 0;
    return {
      waiting: (c.waiting ?? 0) + delayed + (c.prioritized ?? 0),
      active: c.active ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
      delayed,
    };
  }

  /**
   * Jobs wait in BullMQ's prioritized set, ordered by round, not by age: the next few of each
   * mailbox are near its head, so the oldest of its first page (and of the plain wait list,
   * jobs added before round-robin) stands for the queue's oldest.
   */
  async oldestWaitingMs(queue: string): Promise<number> {
    const jobs = (await bounded(
      this.queue(queue).getJobs(['prioritized', 'waiting'], 0, OLDEST_SAMPLE - 1, true),
      this.options.redis.commandTimeoutMs,
      'oldest job',
    )) as (BullJob | undefined)[];
    const oldest = Math.min(...jobs.map((j) => j?.timestamp ?? Infinity));
    return Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) : 0;
  }

  /** Fails at once while the connection is down (for /readyz), else within the command timeout. */
  async ping(): Promise<void> {
    if (this.client.status !== 'ready') throw new IntakeError('INTAKE_ERR_QUEUE', `Redis is not connected (${this.client.status})`, true);
    await bounded(this.client.ping(), this.options.redis.commandTimeoutMs, 'PING');
  }

  /**
   * Workers finish the jobs in hand first. Then each connection says goodbye, but only for as
   * long as a command may take: with Redis away, a command a caller gave up on still waits in
   * ioredis' offline queue, QUIT would queue behind it, and a stopping daemon would hang.
   */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => this.stopWorker(w)));
    this.workers.clear();
    await Promise.all([...this.queues.values()].map((q) => politely(q.close(), this.closeWaitMs(), () => q.disconnect())));
    this.queues.clear();
    await politely(this.client.quit(), this.closeWaitMs(), () => this.client.disconnect());
  }

  /** A graceful close waits a command's time while Redis answers; with Redis away, none (nothing graceful can happen). */
  private closeWaitMs(): number {
    return this.client.status === 'ready' ? this.options.redis.commandTimeoutMs : 0;
  }
}
