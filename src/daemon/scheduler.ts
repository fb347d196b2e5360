// Decides when each mailbox is synced: every poll interval, at once after a connect, and
// again soon while a full sync still has pages. At most `concurrency` passes at a time,
// never two for one mailbox.
import type { Mailbox, MailboxRepo } from '../store/mailbox-repo.js';
import type { Logger } from '../log/logger.js';
import type { SyncResult } from '../sync/sync-mailbox.js';

export interface SchedulerOptions {
  pollIntervalMs: number;
  concurrency: number;
  /** Delay before the next pass of a mailbox that is still backfilling. */
  backfillDelayMs: number;
}

export class Scheduler {
  private readonly inFlight = new Set<number>();
  private readonly queued: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly mailboxes: MailboxRepo,
    private readonly sync: (mailbox: Mailbox) => Promise<SyncResult>,
    private readonly options: SchedulerOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.tick();
  }

  /** Queue a pass for one mailbox as soon as a slot is free. */
  syncNow(mailboxId: number): void {
    if (this.stopped || this.inFlight.has(mailboxId) || this.queued.includes(mailboxId)) return;
    this.queued.push(mailboxId);
    this.drain();
  }

  private tick(): void {
    if (this.stopped) return;
    for (const m of this.mailboxes.list()) {
      if (m.state !== 'needs_reconsent' && m.state !== 'disconnected') this.syncNow(m.id);
    }
    this.timer = setTimeout(() => this.tick(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  private drain(): void {
    while (!this.stopped && this.inFlight.size < this.options.concurrency && this.queued.length > 0) {
      const id = this.queued.shift() as number;
      const mailbox = this.mailboxes.get(id);
      if (!mailbox || mailbox.state === 'needs_reconsent' || mailbox.state === 'disconnected') continue;
      this.inFlight.add(id);
      void this.run(mailbox);
    }
  }

  private async run(mailbox: Mailbox): Promise<void> {
    try {
      await this.sync(mailbox);
    } catch (err) {
      this.log.error({ err, mailboxId: mailbox.id }, 'sync pass crashed');
    } finally {
      this.inFlight.delete(mailbox.id);
      if (this.mailboxes.get(mailbox.id)?.state === 'backfilling' && !this.stopped) {
        setTimeout(() => this.syncNow(mailbox.id), this.options.backfillDelayMs).unref();
      }
      if (this.inFlight.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      this.drain();
    }
  }

  /** Stops scheduling and waits for passes in flight (their cursor saves finish). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.queued.length = 0;
    if (this.inFlight.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
