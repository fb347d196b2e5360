// Decides when each mailbox is synced: a due time per mailbox in a min-heap and one timer
// for the earliest, so an idle mailbox costs one cheap pass per interval and nothing in
// between. At most `concurrency` passes at a time, never two for one mailbox; the delay
// after each pass comes from sync/poll-schedule.ts (jitter, busy sooner, failures back off).
import type { Mailbox, MailboxRepo } from '../store/mailbox-repo.js';
import type { Logger } from '../log/logger.js';
import type { SyncResult } from '../sync/sync-mailbox.js';
import { firstPollDelay, nextPollDelay, type PassOutcome, type PollPolicy } from '../sync/poll-schedule.js';
import { DueHeap } from './due-heap.js';

export interface SchedulerOptions {
  pollIntervalMs: number;
  concurrency: number;
  /** Delay before the next pass of a mailbox that is still backfilling. */
  backfillDelayMs: number;
  jitter?: number;
  busyFactor?: number;
  maxBackoffMs?: number;
}

export interface SchedulerStats {
  passes: number;
  scheduled: number;
  inFlight: number;
}

const POLLED = (m: Mailbox | undefined): m is Mailbox => !!m && m.state !== 'needs_reconsent' && m.state !== 'disconnected';

export class Scheduler {
  private readonly inFlight = new Set<number>();
  private readonly queued: number[] = [];
  private readonly queuedSet = new Set<number>();
  private readonly due = new DueHeap();
  private readonly policy: PollPolicy;
  private timer: NodeJS.Timeout | undefined;
  private discoverTimer: NodeJS.Timeout | undefined;
  private changesSince = 0;
  private timerAt = Infinity;
  private stopped = false;
  private passes = 0;
  private idleWaiters: (() => void)[] = [];

  private readonly mailboxes: MailboxRepo;
  private readonly sync: (mailbox: Mailbox) => Promise<SyncResult>;
  private readonly log: Logger;
  private readonly random: () => number;

  constructor(
    mailboxes: MailboxRepo,
    sync: (mailbox: Mailbox) => Promise<SyncResult>,
    options: SchedulerOptions,
    log: Logger,
    random: () => number = Math.random,
  ) {
    this.mailboxes = mailboxes;
    this.sync = sync;
    this.log = log;
    this.random = random;
    this.policy = {
      intervalMs: options.pollIntervalMs,
      jitter: options.jitter ?? 0.1,
      busyFactor: options.busyFactor ?? 0.25,
      backfillDelayMs: options.backfillDelayMs,
      maxBackoffMs: options.maxBackoffMs ?? Math.max(options.pollIntervalMs, 15 * 60_000),
    };
    this.concurrency = options.concurrency;
  }

  private readonly concurrency: number;

  /** Every polled mailbox gets a first pass somewhere in the first interval. */
  start(): void {
    this.changesSince = Date.now();
    for (const m of this.mailboxes.list()) if (POLLED(m)) this.schedule(m.id, firstPollDelay(this.policy, this.random));
    // A mailbox added (or added again) by another process, such as `intake mailbox add-imap`,
    // is found within an interval; the API's connects call syncNow themselves. Only rows
    // changed since the last look are read, so idle mailboxes cost nothing here.
    this.discoverTimer = setInterval(() => this.discover(), this.policy.intervalMs);
    this.discoverTimer.unref();
  }

  private discover(): void {
    const since = this.changesSince;
    this.changesSince = Date.now();
    for (const m of this.mailboxes.changedSince(since)) {
      const known = this.due.has(m.id) || this.inFlight.has(m.id) || this.queuedSet.has(m.id);
      if (POLLED(m) && !known) this.syncNow(m.id);
    }
  }

  /** Queue a pass for one mailbox as soon as a slot is free (connect, push, a confirm). */
  syncNow(mailboxId: number): void {
    if (this.stopped || this.inFlight.has(mailboxId) || this.queuedSet.has(mailboxId)) return;
    this.due.remove(mailboxId);
    this.queued.push(mailboxId);
    this.queuedSet.add(mailboxId);
    this.drain();
  }

  stats(): SchedulerStats {
    return { passes: this.passes, scheduled: this.due.size, inFlight: this.inFlight.size };
  }

  private schedule(id: number, delayMs: number): void {
    if (this.stopped) return;
    this.due.set(id, Date.now() + delayMs);
    this.arm();
  }

  private arm(): void {
    const next = this.due.peekTime();
    if (next === undefined || next >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timerAt = Infinity;
    const now = Date.now();
    for (let id = this.due.popDue(now); id !== undefined; id = this.due.popDue(now)) this.syncNow(id);
    this.arm();
  }

  private drain(): void {
    while (!this.stopped && this.inFlight.size < this.concurrency && this.queued.length > 0) {
      const id = this.queued.shift() as number;
      this.queuedSet.delete(id);
      const mailbox = this.mailboxes.get(id);
      if (!POLLED(mailbox)) continue;
      this.inFlight.add(id);
      void this.run(mailbox);
    }
  }

  private async run(mailbox: Mailbox): Promise<void> {
    let result: SyncResult = 'failed';
    try {
      result = await this.sync(mailbox);
    } catch (err) {
      this.log.error({ err, mailboxId: mailbox.id }, 'sync pass crashed');
    } finally {
      this.passes++;
      this.inFlight.delete(mailbox.id);
      this.reschedule(mailbox.id, result);
      if (this.inFlight.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      this.drain();
    }
  }

  private reschedule(id: number, result: SyncResult): void {
    if (this.stopped || this.queuedSet.has(id)) return;
    const after = this.mailboxes.get(id);
    const outcome: PassOutcome = !POLLED(after)
      ? 'stopped'
      : after.state === 'backfilling'
        ? 'backfilling'
        : result === 'failed'
          ? 'failed'
          : result === 'changed'
            ? 'changed'
            : 'idle';
    const failures = outcome === 'failed' ? (this.mailboxes.syncState(id)?.consecutiveFailures ?? 1) : 0;
    const delay = nextPollDelay(this.policy, outcome, failures, this.random);
    if (delay !== null) this.schedule(id, delay);
  }

  /** Stops scheduling and waits for passes in flight (their cursor saves finish). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.discoverTimer);
    this.queued.length = 0;
    this.queuedSet.clear();
    if (this.inFlight.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
