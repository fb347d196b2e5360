// The sync scheduler behind an election: with the embedded driver this process is the only
// one (the database is owned) and schedules at once; with bullmq it schedules only while it
// holds the Redis scheduler lock, and a standby takes over within the lease when it dies.
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { SchedulerLock } from '../queue/scheduler-lock.js';
import type { Scheduler } from './scheduler.js';

export class ElectedScheduler {
  private current: Scheduler | undefined;
  private readonly lock: SchedulerLock | undefined;
  private stopping: Promise<void> = Promise.resolve();

  private readonly make: () => Scheduler;

  constructor(make: () => Scheduler, election: { redis: Redis; key: string; leaseMs: number } | undefined, log: Logger) {
    this.make = make;
    if (election) {
      this.lock = new SchedulerLock(
        election.redis,
        election.key,
        election.leaseMs,
        {
          elected: () => this.begin(),
          lost: () => this.end(),
        },
        log,
      );
    }
  }

  get isLeader(): boolean {
    return this.lock ? this.lock.isLeader : this.current !== undefined;
  }

  start(): void {
    if (this.lock) this.lock.start();
    else this.begin();
  }

  /** Only the leader syncs; a standby's request is served by the leader's next poll. */
  syncNow(mailboxId: number): void {
    this.current?.syncNow(mailboxId);
  }

  /**
   * Runs `fn` with no sync pass in flight in this process (the scheduler is stopped, its
   * passes finish and save their cursors first), then schedules again if this process leads.
   * A cursor reset done while a pass runs would be overwritten by that pass's save.
   */
  async pauseWhile(fn: () => void): Promise<void> {
    this.end();
    await this.stopping;
    fn();
    if (this.lock ? this.lock.isLeader : true) this.begin();
  }

  private begin(): void {
    void this.stopping.then(() => {
      if (this.current) return;
      this.current = this.make();
      this.current.start();
    });
  }

  private end(): void {
    const s = this.current;
    this.current = undefined;
    if (s) this.stopping = s.stop();
  }

  async stop(): Promise<void> {
    this.end();
    await this.stopping;
    await this.lock?.stop();
  }
}
